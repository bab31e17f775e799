"""`newsclaims anchor [FILES] [--check]`: fill the offsets and ids of annotation files written by quote.

Each file is read (parse and schema levels, as validate does; the only schema problem let through is a
helper beside offsets, which anchoring resolves), its document text read and checked, and the file
rewritten only when every span of every file named resolves and something changed. With check=True nothing is written:
the result says which files would change.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..annotations.anchor import anchor_annotation
from ..errors import UsageError
from ..problems.record import Problem, has_errors, problem, shown_path
from ..project import Layout, write_atomically
from ..schema.files import ANNOTATION
from ..validation.files import check_text
from ..validation.level1_bytes import read_bytes
from ..validation.level1_json import add_locations, decode_json
from ..validation.level2_schema import check_schema
from ..validation.limits import MAX_ANNOTATION_BYTES


@dataclass
class FileAnchored:
    path: Path
    changed: bool = False  # written (or, with check, would be)
    spans_placed: int = 0
    ids_filled: list[str] = field(default_factory=list)


@dataclass
class AnchorReport:
    files: list[FileAnchored] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False  # the changed files were written (never with check, nor when a quote did not resolve)

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)

    @property
    def changed(self) -> list[FileAnchored]:
        return [f for f in self.files if f.changed]


def annotation_files(layout: Layout, paths: list[Path]) -> list[Path]:
    """The annotation files named (folders: their *.json), or every file of corpus/annotations/."""
    if not paths:
        return sorted(layout.annotations_dir.glob("*.json"))
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.json"))
        elif path.suffix == ".json" and path.name != "sources.json":
            files.append(path)
        else:
            raise UsageError(f"{path}: not an annotation file (corpus/annotations/<doc_id>.json)")
    return files


def anchor_files(layout: Layout, paths: list[Path], check: bool = False) -> AnchorReport:
    """Anchor every file named; all or nothing: no file is written unless every file's spans resolve."""
    report = AnchorReport()
    pending = []
    for path in annotation_files(layout, paths):
        done, problems, new_bytes = _anchor_one(layout, path)
        report.problems += problems
        if done is not None:
            report.files.append(done)
            if done.changed:
                pending.append((path, new_bytes))
    if not check and not has_errors(report.problems):
        for path, new_bytes in pending:
            write_atomically(path, new_bytes)
        report.written = True
    return report


def _anchor_one(layout: Layout, path: Path) -> tuple[FileAnchored | None, list[Problem], bytes | None]:
    """(what was done, the problems that stopped it, the new file's bytes when it changed)."""
    shown = shown_path(path)
    data, problems = read_bytes(path, MAX_ANNOTATION_BYTES)
    if data is None:
        return None, problems, None
    annotation, json_text, problems = decode_json(data, shown)
    if annotation is None:
        return None, problems, None
    problems = [p for p in check_schema(annotation, layout.schema_dir, ANNOTATION, shown) if p.code != "span-not-anchored"]
    if problems:
        return None, add_locations(problems, json_text), None
    documents_dir = path.parent.parent / "documents"
    text_path = (documents_dir if documents_dir.is_dir() else layout.documents_dir) / f"{annotation['doc_id']}.txt"
    if not os.path.isfile(text_path):
        return None, [problem("missing-document", shown, f"there is no document text {shown_path(text_path)} to anchor the quotes in", pointer="/doc_id")], None
    text, _, text_problems = check_text(text_path)
    if text is None or has_errors(text_problems):
        return None, text_problems, None
    anchored = anchor_annotation(annotation, text, shown, f"newsclaims anchor {shown}")
    if anchored.annotation is None:
        return None, add_locations(anchored.problems, json_text), None
    result = FileAnchored(path, anchored.changed, anchored.spans_placed, anchored.ids_filled)
    return result, [], (annotation_bytes(anchored.annotation) if anchored.changed else None)


def annotation_bytes(annotation: dict) -> bytes:
    """An annotation file as the project writes them: JSON, two-space indent, UTF-8 as is, final newline."""
    return (json.dumps(annotation, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
