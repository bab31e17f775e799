"""`newsclaims agree`: inter-annotator agreement of the readings in corpus/annotators/, per document
and pooled (annotations/agreement.py). Read-only; the build writes the same report to data/agreement.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from ..annotations import agreement
from ..errors import UsageError
from ..problems.record import Problem, has_errors
from ..project import DOC_ID, Layout
from ..validation.annotators import check_readings
from ..validation.files import check_sources


@dataclass
class AgreeResult:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    report: dict | None = None  # None when a reading is invalid


def quoted_documents(layout: Layout) -> set[str]:
    """The doc_ids that corpus/GUIDELINES.md names: its examples come from them."""
    if not layout.guidelines_path.is_file():
        return set()
    text = layout.guidelines_path.read_text(encoding="utf-8")
    return {word for word in set(text.replace("/", " ").replace("`", " ").replace(".", " ").split()) if DOC_ID.match(word)}


def agreement_report(layout: Layout, valid: list) -> dict:
    """The report of agreement.json from valid readings [(Reading, annotation)], sorted by doc_id."""
    by_document: dict[str, dict[str, dict]] = {}
    for reading, annotation in valid:
        by_document.setdefault(reading.doc_id, {})[reading.annotator] = annotation
    quoted = quoted_documents(layout)
    documents = [agreement.document_agreement(doc_id, readings, doc_id in quoted)
                 for doc_id, readings in sorted(by_document.items()) if len(readings) >= 2]
    single = [doc_id for doc_id, readings in by_document.items() if len(readings) < 2]
    return agreement.report(documents, single)


def agreement_json(report: dict) -> bytes:
    return orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def agree(layout: Layout, doc_ids: list[str] | None = None) -> AgreeResult:
    """Check the readings (of the doc_ids given, default all), then measure their agreement."""
    for doc_id in doc_ids or ():
        if not DOC_ID.match(doc_id) or not layout.document_path(doc_id).is_file():
            raise UsageError(f"{doc_id}: no such document (corpus/documents/{doc_id}.txt)")
    sources, problems = check_sources(layout.sources_path, layout.schema_dir) if layout.sources_path.is_file() else (None, [])
    checked = check_readings(layout, {s["id"] for s in sources} if sources is not None else None,
                             set(doc_ids) if doc_ids else None)
    result = AgreeResult(problems=problems + checked.problems, files_checked=checked.files_checked + 1)
    if has_errors(result.problems):
        return result
    result.report = agreement_report(layout, checked.valid)
    if doc_ids:
        missing = sorted(set(doc_ids) - {d["doc_id"] for d in result.report["documents"]} - set(result.report["single_reading"]))
        result.report["single_reading"] = sorted(set(result.report["single_reading"]) | set(missing))
    return result
