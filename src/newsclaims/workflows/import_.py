"""`newsclaims import FORMAT SRC`: another format's files -> corpus documents that pass validate.

The plugin reads the source (formats/<format>.py), convert.py brings each document to the corpus rules,
and every file is written to a temporary corpus folder and validated there (as `validate PATHS` would)
before anything reaches --out: an import writes all its documents or none. Nothing in --out is
overwritten without `force`; `dry_run` writes nothing and returns what would be written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..errors import UsageError
from ..formats import REGISTRY, plugin
from ..formats.base import ReadOptions
from ..formats.convert import convert, slug
from ..formats.mapping import load_mapping
from ..problems.record import Problem, has_errors, problem, shown_path
from ..project import Layout
from .validate import validate_paths


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)       # or, on a dry run, what would be written
    doc_ids: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    skipped_labels: Counter = field(default_factory=Counter)
    files_checked: int = 0
    dry_run: bool = False

    @property
    def refused(self) -> bool:
        return has_errors(self.problems)


def _sources(layout: Layout) -> dict:
    try:
        data = orjson.loads(layout.sources_path.read_bytes())
        return {s["id"]: s for s in data.get("sources", []) if isinstance(s, dict) and "id" in s}
    except (OSError, orjson.JSONDecodeError, AttributeError):
        return {}  # validate reports sources.json's own problems


def import_documents(layout: Layout, format_name: str, source: Path, out: Path | None = None, *, mapping: Path | None = None,
                     status: str | None = None, language: str = "und", genre: str = "other", skip_unmapped: bool = False,
                     force: bool = False, dry_run: bool = False) -> ImportReport:
    if format_name not in REGISTRY or plugin(format_name).read is None:
        raise UsageError(f"no importer for {format_name!r}")
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    out = out or layout.corpus_dir
    report = ImportReport(dry_run=dry_run)
    loaded, problems = load_mapping(mapping)
    report.problems += problems
    if has_errors(problems):
        return report
    read = plugin(format_name).read(source, ReadOptions(mapping=loaded, skip_unmapped=skip_unmapped))
    report.problems += read.problems
    report.counts.update(read.counts)
    report.skipped_labels.update(read.skipped_labels)
    sources = _sources(layout)
    converted, names = [], {}
    for raw in read.documents:
        doc_id = slug(raw.name)
        if doc_id in names:
            report.problems.append(problem("import-doc-id-collision", raw.file, f"document {raw.name!r} and {names[doc_id]!r} both give "
                                           f"doc_id {doc_id!r}", line=raw.line, pointer=raw.pointer))
            continue
        names[doc_id] = raw.name
        one, problems = convert(raw, doc_id, status=status or raw.status or "silver", language=language, genre=genre, mapping=loaded,
                                sources=sources, skip_unmapped=skip_unmapped, counts=report.counts)
        if status is not None and one is not None:
            one.annotation["annotation"]["status"] = status
        report.problems += problems
        if one is not None:
            converted.append(one)
    for one in converted:
        for path in (out / "documents" / f"{one.doc_id}.txt", out / "annotations" / f"{one.doc_id}.json"):
            if os.path.lexists(path) and not force:
                report.problems.append(problem("import-doc-id-collision", one.file, f"{shown_path(path)} exists already (doc_id {one.doc_id!r})",
                                               hint="import into another --out, rename the source, or pass --force to replace it"))
    if report.refused:
        return report
    report.doc_ids = [one.doc_id for one in converted]
    report.counts["documents"] = len(converted)
    report.counts["entities"] = sum(len(one.annotation["entities"]) for one in converted)
    report.counts["mentions"] = sum(len(e["mentions"]) for one in converted for e in one.annotation["entities"])
    report.counts["claims"] = sum(len(one.annotation["claims"]) for one in converted)
    staging = Path(tempfile.mkdtemp(prefix=".newsclaims-import-", dir=out.parent if out.parent.is_dir() else None))
    try:
        staged = []
        for one in converted:
            text_path = staging / "documents" / f"{one.doc_id}.txt"
            annotation_path = staging / "annotations" / f"{one.doc_id}.json"
            text_path.parent.mkdir(exist_ok=True)
            annotation_path.parent.mkdir(exist_ok=True)
            text_path.write_bytes(one.text.encode("utf-8"))
            annotation_path.write_bytes(orjson.dumps(one.annotation, option=orjson.OPT_INDENT_2) + b"\n")
            staged += [text_path, annotation_path]
        checked = validate_paths(layout, staged)
        report.files_checked = checked.files_checked
        if has_errors(checked.problems):  # convert.py's output must always be valid: this is a bug, shown as it is
            report.problems += checked.problems
            return report
        for path in staged:
            target = out / path.parent.name / path.name
            report.written.append(target)
            if not dry_run:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report
