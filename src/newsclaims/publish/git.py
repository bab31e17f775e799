"""What a release needs to know from the project's git repository: is it one, which release tags it
has, what changed since the last one, and what is not committed; and, once a release is on the Hub, its local tag."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..errors import UsageError

RELEASE_TAG = re.compile(r"^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
# What a release is made of: an uncommitted change under these would publish what no commit holds.
RELEASED_FOLDERS = ("corpus", "schema", "data")


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        completed = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("publishing needs git (the release is a tag of the project's repository), which is not installed") from None
    if check and completed.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed in {root}: {completed.stderr.strip() or completed.stdout.strip()}")
    return completed


def is_repository(root: Path) -> bool:
    try:
        return _git(root, "rev-parse", "--git-dir", check=False).returncode == 0
    except UsageError:  # no git at all
        return False


def version_of_tag(tag: str) -> tuple[int, int, int]:
    match = RELEASE_TAG.match(tag)
    return (int(match[1]), int(match[2]), int(match[3])) if match else (-1, -1, -1)


def release_tags(root: Path) -> list[str]:
    """The local tags vX.Y.Z, oldest version first."""
    names = _git(root, "tag", "--list", "v*").stdout.split()
    return sorted((name for name in names if RELEASE_TAG.match(name)), key=version_of_tag)


def last_release_tag(root: Path) -> str | None:
    """The release tag of the highest version that is an ancestor of HEAD (None: no release yet)."""
    for tag in reversed(release_tags(root)):
        if _git(root, "merge-base", "--is-ancestor", f"{tag}^{{commit}}", "HEAD", check=False).returncode == 0:
            return tag
    return None


def changed_since(root: Path, rev: str, folders: tuple[str, ...]) -> list[str]:
    """Paths (relative to the project) under `folders` that differ between rev and the working tree,
    untracked files included (git -C gives both relative to the project folder)."""
    changed = _git(root, "diff", "--name-only", "-z", "--relative", rev, "--", *folders).stdout.split("\0")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", *folders).stdout.split("\0")
    return sorted({name for name in changed + untracked if name})


def uncommitted(root: Path, folders: tuple[str, ...] = RELEASED_FOLDERS) -> list[str]:
    """Paths under `folders` with changes not committed to HEAD (staged, unstaged or untracked)."""
    return changed_since(root, "HEAD", folders)


def file_at(root: Path, rev: str, path: str) -> str | None:
    """The text of a project file at a revision (None: the file is not there)."""
    completed = _git(root, "show", f"{rev}:./{path}", check=False)
    return completed.stdout if completed.returncode == 0 else None


def create_tag(root: Path, tag: str, message: str) -> str:
    """An annotated tag at HEAD; returns the commit it names."""
    _git(root, "tag", "-a", tag, "-m", message, "HEAD")
    return _git(root, "rev-parse", "HEAD").stdout.strip()
