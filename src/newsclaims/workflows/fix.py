"""`newsclaims validate --fix`: the certain fixes (annotations/fixes.py) applied to annotation files and
written atomically, in the project's format; then `validate` reports what is left. A file that cannot be
read, fails its schema, has spans left to `anchor` or no valid text is not touched (validate says why).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..annotations.fixes import Fix, certain_fixes
from ..problems.record import has_errors, shown_path
from ..project import Layout, write_atomically
from ..schema.files import ANNOTATION
from ..validation.anchoring import is_anchored
from ..validation.files import check_text
from ..validation.level1_bytes import read_bytes
from ..validation.level1_json import decode_json
from ..validation.level2_schema import check_schema
from ..validation.limits import MAX_ANNOTATION_BYTES
from .anchor import annotation_bytes

NOT_ANNOTATIONS = {"sources.json", "splits.json"}


@dataclass
class FileFixed:
    file: str  # as shown
    fixes: list[Fix] = field(default_factory=list)
    left: list[Fix] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"file": self.file, "fixes": [f.as_dict() for f in self.fixes], "not_fixed": [f.as_dict() for f in self.left]}


@dataclass
class FixReport:
    files: list[FileFixed] = field(default_factory=list)  # the files with a fix or a fix left out

    @property
    def written(self) -> list[FileFixed]:
        return [f for f in self.files if f.fixes]


def fixable_files(layout: Layout, paths: list[Path]) -> list[Path]:
    """The annotation files named (folders: their *.json, below), or every annotation and reading of the corpus."""
    if not paths:
        return sorted(layout.annotations_dir.glob("*.json")) + sorted((layout.corpus_dir / "annotators").glob("*/*.json"))
    files = []
    for path in paths:
        found = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        files += [f for f in found if f.suffix == ".json" and f.name not in NOT_ANNOTATIONS and f.is_file()]
    return files


def fix_files(layout: Layout, paths: list[Path]) -> FixReport:
    report = FixReport()
    for path in fixable_files(layout, paths):
        done = _fix_one(layout, path)
        if done is not None and (done.fixes or done.left):
            report.files.append(done)
    return report


def _fix_one(layout: Layout, path: Path) -> FileFixed | None:
    data, problems = read_bytes(path, MAX_ANNOTATION_BYTES)
    if data is None:
        return None
    annotation, _, problems = decode_json(data, shown_path(path))
    if annotation is None or check_schema(annotation, layout.schema_dir, ANNOTATION, shown_path(path)) or not is_anchored(annotation):
        return None  # validate reports why; nothing here is certain
    documents_dir = path.parent.parent / "documents"
    text_path = (documents_dir if documents_dir.is_dir() else layout.documents_dir) / f"{annotation['doc_id']}.txt"
    if not os.path.isfile(text_path):
        return None
    text, text_bytes, text_problems = check_text(text_path)
    if text is None or has_errors(text_problems):
        return None
    fixed = certain_fixes(annotation, text, text_bytes)
    if fixed.fixes:
        write_atomically(path, annotation_bytes(fixed.annotation))
    return FileFixed(shown_path(path), fixed.fixes, fixed.left)
