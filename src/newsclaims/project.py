"""Where a project lives: its layout (corpus/, schema/, data/), finding its root, doc_id file names,
and writing a project file without ever leaving it half-written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
import os
import tempfile
from .errors import UsageError


# The schema's $defs/doc_id, checked on file names too. Windows device names (con, nul...) cannot be
# file names there, so a corpus holding one could not be checked out.
_RESERVED = r"(?:con|prn|aux|nul|com[1-9]|lpt[1-9])"
_SLUG = r"[a-z0-9][a-z0-9-]{2,80}"
DOC_ID = re.compile(rf"^(?!{_RESERVED}\Z){_SLUG}\Z")


@lru_cache(maxsize=None)
def doc_id_names(suffix: str) -> re.Pattern:
    """Finds the doc_id of every name `<doc_id><suffix>` in file names joined by '/' (which no file name
    holds): one regex pass over a folder's listing instead of one match per file."""
    end = re.escape(suffix) + r"(?![^/])"
    return re.compile(rf"(?<![^/])(?!{_RESERVED}{end})({_SLUG}){end}")


class DocIds:
    """A sorted collection of doc_ids held as one string, joined by newlines (which no doc_id holds).

    A build keeps the listing for its whole run: a million doc_ids as str objects in a list take some
    80 MB, joined in one string some 20 MB. They are made one at a time when iterated."""

    __slots__ = ("joined", "count")

    def __init__(self, doc_ids: Iterable[str] = ()):
        ordered = sorted(doc_ids)
        self.joined, self.count = "\n".join(ordered), len(ordered)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        joined, start = self.joined, 0
        for _ in range(self.count):
            end = joined.find("\n", start)
            if end < 0:
                end = len(joined)
            yield joined[start:end]
            start = end + 1

    def __eq__(self, other) -> bool:
        return isinstance(other, DocIds) and self.joined == other.joined and self.count == other.count

    __hash__ = None

    def __repr__(self) -> str:
        return f"DocIds({self.count} doc_ids)"


@dataclass(frozen=True)
class Layout:
    """Paths of one project checkout (the folder holding corpus/ and schema/)."""

    root: Path

    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def documents_dir(self) -> Path:
        return self.corpus_dir / "documents"

    @property
    def annotations_dir(self) -> Path:
        return self.corpus_dir / "annotations"

    @property
    def annotators_dir(self) -> Path:
        """corpus/annotators/<doc_id>/<annotator>.json: each annotator's own reading of a document."""
        return self.corpus_dir / "annotators"

    @property
    def guidelines_path(self) -> Path:
        return self.corpus_dir / "GUIDELINES.md"

    @property
    def sources_path(self) -> Path:
        return self.corpus_dir / "sources.json"

    @property
    def settings_path(self) -> Path:
        return self.corpus_dir / "corpus.toml"

    @property
    def splits_path(self) -> Path:
        return self.corpus_dir / "splits.json"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def document_path(self, doc_id: str) -> Path:
        return self.documents_dir / f"{doc_id}.txt"

    def annotation_path(self, doc_id: str) -> Path:
        return self.annotations_dir / f"{doc_id}.json"

    def reading_path(self, doc_id: str, annotator: str) -> Path:
        return self.annotators_dir / doc_id / f"{annotator}.json"


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above start that holds corpus/corpus.toml and schema/."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        if (folder / "corpus" / "corpus.toml").is_file() and (folder / "schema").is_dir():
            return folder
    return None


# --- `newsclaims split` ---------------------------------------------------------------------------

def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: a crash leaves the old file intact."""
    mode = (path.stat().st_mode & 0o777) if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # mkstemp creates 0600; a committed file is readable by all
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def resolve_layout(root: str | None) -> Layout:
    if root is not None:
        folder = Path(root)
        if not (folder / "corpus" / "corpus.toml").is_file() or not (folder / "schema").is_dir():
            raise UsageError(f"{root}: not a newsclaims project (it needs corpus/corpus.toml and schema/)")
        return Layout(folder.resolve())
    found = find_root(Path.cwd())
    if found is None:
        raise UsageError("not inside a newsclaims project (no corpus/corpus.toml and schema/ here or above); use --root")
    return Layout(found)
