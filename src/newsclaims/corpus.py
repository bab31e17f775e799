"""Where the corpus lives: the project layout, shared by validate, split and build."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# The schema's $defs/doc_id, checked on file names too. Windows device names (con, nul...) cannot be
# file names there, so a corpus holding one could not be checked out.
DOC_ID = re.compile(r"^(?!(?:con|prn|aux|nul|com[1-9]|lpt[1-9])\Z)[a-z0-9][a-z0-9-]{2,80}\Z")


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


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above start that holds corpus/corpus.toml and schema/."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        if (folder / "corpus" / "corpus.toml").is_file() and (folder / "schema").is_dir():
            return folder
    return None
