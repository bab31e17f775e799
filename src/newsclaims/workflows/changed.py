"""`newsclaims validate --changed [REV]`: only what changed since a git revision.

A contributor's loop must not grow with the corpus: the files changed since REV (default: the merge
base with main), staged, unstaged or untracked, are checked, each document with its pair (a changed
text is checked against its annotation, whose text_sha256 pins it). A change to what every file
depends on (schema/, sources.json, corpus.toml) means the whole corpus is checked.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..project import DOC_ID, Layout
from ..validation.files import Report
from ..validation.listing import CORPUS_FOLDERS
from .validate import validate_corpus, validate_paths
from ..errors import UsageError

MAIN_BRANCHES = ("main", "origin/main", "master", "origin/master")


def _git(root: Path, *args: str) -> str:
    try:
        completed = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    except FileNotFoundError:
        raise UsageError("--changed needs git, which is not installed") from None
    if completed.returncode != 0:
        raise UsageError(f"git {' '.join(args)} failed: {completed.stderr.strip() or completed.stdout.strip()}")
    return completed.stdout


def base_revision(root: Path, rev: str | None) -> str:
    """The revision to compare with: REV as given, or the merge base of HEAD with the main branch."""
    _git(root, "rev-parse", "--git-dir")  # a clear error outside a repository
    if rev is not None:
        try:
            return _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
        except UsageError:
            raise UsageError(f"{rev!r} is not a revision of the git repository at {root}") from None
    for branch in MAIN_BRANCHES:
        try:
            _git(root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}")
        except UsageError:
            continue
        return _git(root, "merge-base", "HEAD", branch).strip()
    raise UsageError("no main branch to compare with: give a revision, e.g. --changed HEAD~1")


def changed_files(root: Path, rev: str) -> list[str]:
    """Paths (relative to the repository root) changed since rev: committed, staged, unstaged, untracked."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    tracked = _git(root, "diff", "--name-only", "-z", rev, "--").split("\0")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--full-name", str(top)).split("\0")
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    names = set()
    for name in tracked + untracked:
        if not name:
            continue
        if prefix not in ("", "."):
            if not name.startswith(prefix + "/"):
                continue
            name = name[len(prefix) + 1:]
        names.add(name)
    return sorted(names)


def validate_changed(layout: Layout, rev: str | None) -> tuple[Report, str]:
    """(report, what was checked) for the files changed since rev."""
    base = base_revision(layout.root, rev)
    names = changed_files(layout.root, base)
    shared = [n for n in names if n.startswith("schema/") or n in ("corpus/sources.json", "corpus/corpus.toml")]
    if shared:
        return validate_corpus(layout, keep_documents=False), f"{shared[0]} changed since {base[:12]}: the whole corpus was checked"

    doc_ids = set()
    others: list[Path] = []
    for name in names:
        path = Path(name)
        if len(path.parts) >= 3 and path.parts[0] == "corpus" and path.parts[1] in CORPUS_FOLDERS:
            # <doc_id>.txt in documents/, <doc_id>.json in annotations/; any other name, or a file in a
            # folder there, is named to validate_paths, which refuses it as the whole-corpus run does
            if len(path.parts) == 3 and path.suffix == CORPUS_FOLDERS[path.parts[1]] and DOC_ID.match(path.stem):
                doc_ids.add(path.stem)
            else:
                others.append(layout.root / path)
        elif name in ("corpus/splits.json", "CHANGELOG.md"):
            others.append(layout.root / path)
    paths: list[Path] = []
    for doc_id in sorted(doc_ids):
        text, annotation = layout.document_path(doc_id), layout.annotation_path(doc_id)
        if os.path.lexists(annotation):  # lexists: a broken link is reported, not skipped
            paths.append(annotation)  # its check reads and checks the text too (missing-document without one)
        if os.path.lexists(text):
            paths.append(text)  # missing-annotation without one
    paths += [p for p in others if os.path.lexists(p)]
    return validate_paths(layout, paths), f"{len(paths)} changed file(s) since {base[:12]}"
