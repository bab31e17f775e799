"""`newsclaims adjudicate DOC_ID [--write]`: the disagreements of a document's readings, and a gold
file of what they agree on (annotations/adjudication.py), written only when asked, never over a file
unless --force.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..annotations.adjudication import Disagreement, disagreements, gold_of
from ..errors import UsageError
from ..problems.record import Problem, has_errors, shown_path
from ..project import DOC_ID, Layout, write_atomically
from ..validation.annotators import check_readings
from ..validation.files import check_sources


@dataclass
class AdjudicateResult:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    annotators: list[str] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    written: Path | None = None


def adjudicate(layout: Layout, doc_id: str, write: bool = False, out: Path | None = None, force: bool = False,
               base: str | None = None) -> AdjudicateResult:
    if not DOC_ID.match(doc_id) or not layout.document_path(doc_id).is_file():
        raise UsageError(f"{doc_id}: no such document (corpus/documents/{doc_id}.txt)")
    sources, problems = check_sources(layout.sources_path, layout.schema_dir) if layout.sources_path.is_file() else (None, [])
    checked = check_readings(layout, {s["id"] for s in sources} if sources is not None else None, {doc_id})
    result = AdjudicateResult(problems=problems + checked.problems, files_checked=checked.files_checked)
    if has_errors(result.problems):
        return result
    readings = {reading.annotator: annotation for reading, annotation in checked.valid}
    if len(readings) < 2:
        raise UsageError(f"{doc_id}: {len(readings)} reading(s) in corpus/annotators/{doc_id}/; adjudication needs two or more")
    if base is not None and base not in readings:
        raise UsageError(f"--base {base}: no reading corpus/annotators/{doc_id}/{base}.json")
    result.annotators = sorted(readings)
    result.disagreements = disagreements(readings)
    if write:
        target = out or layout.annotation_path(doc_id)
        if target.exists() and not force:
            raise UsageError(f"{shown_path(target)} exists: it is not overwritten; pass --force to replace it, or --out FILE")
        gold = gold_of(readings, base)
        write_atomically(target, (json.dumps(gold, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        result.written = target
    return result
