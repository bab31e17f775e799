"""What a release is (every file of data/ with its size and sha256, the commit message, the tag) and
the checks that refuse one, each a Problem with its own code (problems/codes.py, level `release`).

A release of version X.Y.Z is one Hub commit holding exactly the files of data/, whose message is
the `## X.Y.Z` section of the CHANGELOG, tagged `vX.Y.Z`, so that `load_dataset(repo,
revision="vX.Y.Z")` gives exactly that version. Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..dataset.manifest import sha256_of, verify
from ..problems.record import Problem, problem, shown_path
from ..validation.files import changelog_section
from .git import (
    RELEASED_FOLDERS,
    changed_since,
    is_repository,
    last_release_tag,
    release_tags,
    uncommitted,
)

# What makes up the dataset a version names: a change here since the last release is a new version.
VERSIONED_FOLDERS = ("corpus", "schema")
SHOWN = 10  # a problem names this many paths, then says how many more


@dataclass(frozen=True)
class ReleaseFile:
    path: str  # relative to data/, '/'-separated: the path in the Hub repository
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass
class ReleasePlan:
    """One release: uploaded as one commit (`summary`, then `changelog` as its description) and tagged `tag`."""

    dataset: str
    version: str
    files: list[ReleaseFile] = field(default_factory=list)
    changelog: str = ""  # the version's CHANGELOG section, as data/CHANGELOG.md holds it

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def summary(self) -> str:
        return f"{self.dataset} {self.version}"

    @property
    def commit_message(self) -> str:
        """The whole message as git shows it: the summary line, a blank line, the changelog entry."""
        return f"{self.summary}\n\n{self.changelog}" if self.changelog else self.summary

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def as_dict(self) -> dict:
        return {"dataset": self.dataset, "version": self.version, "tag": self.tag, "commit_summary": self.summary,
                "commit_description": self.changelog, "commit_message": self.commit_message,
                "files": [f.as_dict() for f in self.files], "total_bytes": self.total_bytes}


def release_files(data_dir: Path) -> list[ReleaseFile]:
    """Every file of the folder (manifest.json included), sorted by path."""
    files = [p for p in Path(data_dir).rglob("*") if p.is_file()]
    return sorted((ReleaseFile(p.relative_to(data_dir).as_posix(), p.stat().st_size, sha256_of(p)) for p in files),
                  key=lambda f: f.path)


def plan_release(data_dir: Path, settings: dict) -> ReleasePlan:
    """The release of a built folder: its files, and the message from its CHANGELOG.md (empty when it has
    no section for the version; the build refuses such a version, so a fresh data/ always has one)."""
    dataset = settings["dataset"]
    changelog_path = Path(data_dir) / "CHANGELOG.md"
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else ""
    entry = changelog_section(changelog, dataset["version"]) or ""
    return ReleasePlan(dataset["name"], dataset["version"], release_files(data_dir), entry)


# --- refusals -------------------------------------------------------------------------------------

def _some(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN])
    return shown + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")


def uncommitted_problems(root: Path) -> list[Problem]:
    if not is_repository(root):
        return [problem("publish-uncommitted", shown_path(root), "the project is not in a git repository: a release "
                        "is a tag of the commit that holds its corpus and data/",
                        hint="Put the project under git (`git init`, commit corpus/, schema/, data/), then publish.")]
    changed = uncommitted(root)
    if not changed:
        return []
    return [problem("publish-uncommitted", shown_path(root / changed[0]),
                    f"{len(changed)} path(s) under {', '.join(f + '/' for f in RELEASED_FOLDERS)} differ from the last commit: {_some(changed)}")]


def version_problems(root: Path, version: str, code: str = "publish-version-unchanged") -> list[Problem]:
    """`code` when the corpus or schema changed since the last release tag and `version` is still that
    tag's. `code`: publish-version-unchanged (a refusal) or release-version-unchanged (build's warning).
    Outside a git repository, or before the first release, there is nothing to compare with."""
    if not is_repository(root):
        return []
    tag = last_release_tag(root)
    if tag is None or tag != f"v{version}":
        return []
    changed = changed_since(root, tag, VERSIONED_FOLDERS)
    if not changed:
        return []
    return [problem(code, shown_path(root / "corpus" / "corpus.toml"),
                    f"version is {version}, as at the release tag {tag}, but {len(changed)} path(s) changed since: {_some(changed)}",
                    pointer="/dataset/version")]


def local_tag_problems(root: Path, tag: str) -> list[Problem]:
    if not is_repository(root) or tag not in release_tags(root):
        return []
    return [problem("publish-tag-exists", shown_path(root / "corpus" / "corpus.toml"),
                    f"the git tag {tag} already exists in this repository: version {tag[1:]} is released", pointer="/dataset/version")]


def hub_tag_problems(root: Path, tag: str, repo_id: str, hub_tags: set[str]) -> list[Problem]:
    if tag not in hub_tags:
        return []
    return [problem("publish-tag-exists", shown_path(root / "corpus" / "corpus.toml"),
                    f"the dataset repository {repo_id} on the Hub already has the tag {tag}: version {tag[1:]} is published",
                    pointer="/dataset/version")]


def verify_problems(data_dir: Path) -> list[Problem]:
    differences = verify(data_dir)
    return [problem("publish-verify-failed", shown_path(Path(data_dir) / d.file), f"{d.what}: expected {d.expected}, found {d.found}")
            for d in differences]


def stale_problems(data_dir: Path, fresh_dir: Path) -> list[Problem]:
    """One problem per file of data/ that a fresh build (in fresh_dir) does not write byte for byte,
    and per file the fresh build writes that data/ lacks."""
    committed = {f.path: f.sha256 for f in release_files(data_dir)}
    fresh = {f.path: f.sha256 for f in release_files(fresh_dir)}
    problems = []
    for path in sorted(set(committed) | set(fresh)):
        if path not in fresh:
            what = "a fresh build does not write this file"
        elif path not in committed:
            what = "a fresh build writes this file, which data/ lacks"
        elif committed[path] != fresh[path]:
            what = f"a fresh build writes other bytes (sha256 {fresh[path][:12]}..., data/ has {committed[path][:12]}...)"
        else:
            continue
        problems.append(problem("publish-data-stale", shown_path(Path(data_dir) / path), what))
    return problems


def token_problems(token: str | None) -> list[Problem]:
    if token:
        return []
    return [problem("publish-no-token", "HF_TOKEN", "no token in HF_TOKEN, nor a saved `hf auth login`")]

