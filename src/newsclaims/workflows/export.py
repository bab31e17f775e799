"""`newsclaims export FORMAT --out DIR`: the corpus (validated first; an invalid corpus is refused), or a
built data/ folder (its `documents` config), written by a format plugin (formats/<format>.py).
An --out that exists and is not empty is refused unless `force`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..formats import REGISTRY, plugin
from ..formats.base import CorpusDocument, WriteOptions
from ..problems.record import Problem, has_errors
from ..project import Layout
from .validate import validate_corpus


@dataclass
class ExportReport:
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    files_checked: int = 0

    @property
    def refused(self) -> bool:
        return has_errors(self.problems)


def corpus_documents(layout: Layout, workers: int | None = None) -> tuple[list[CorpusDocument], dict, list[Problem], int]:
    report = validate_corpus(layout, workers=workers, keep_documents=True, progress=False, build_inputs=False)
    sources = {s["id"]: s for s in report.sources or []}
    documents = [CorpusDocument(d.doc_id, d.text, d.annotation) for d in sorted(report.documents.values(), key=lambda d: d.doc_id)]
    return documents, sources, report.problems, report.files_checked


def data_documents(data_dir: Path) -> tuple[list[CorpusDocument], dict]:
    """The documents of a built data/ folder (its documents and sources configs), labels decoded."""
    import pyarrow.parquet as pq

    from ..schema.features import decode_labels, features_of

    def rows(config: str) -> list[dict]:
        found = []
        for path in sorted((data_dir / config).glob("*.parquet")):
            table = pq.read_table(path)
            features = features_of(table.schema) or {}
            found += [{k: decode_labels(features.get(k), v) for k, v in row.items()} for row in table.to_pylist()]
        return found

    documents_rows = rows("documents")
    if not documents_rows:
        raise UsageError(f"{data_dir}: no documents/*.parquet (a folder `newsclaims build` wrote)")
    documents = []
    for row in documents_rows:
        metadata = {k: row[k] for k in ("title", "url", "published_at", "language", "genre", "publisher_source_id", "author_source_ids",
                                        "license", "story_id")}
        entities = []
        for entity in row["entities"]:
            entity = dict(entity)
            if entity.get("wikidata") is None:
                entity.pop("wikidata", None)
            entities.append(entity)
        annotation = {"schema_version": row["schema_version"], "doc_id": row["doc_id"], "text_sha256": row["text_sha256"], "metadata": metadata,
                      "annotation": {"status": row["annotation_status"], "annotators": row["annotation_annotators"],
                                     "guideline_version": row["annotation_guideline_version"]},
                      "entities": entities, "claims": row["claims"]}
        documents.append(CorpusDocument(row["doc_id"], row["text"], annotation))
    sources = {row["id"]: row for row in rows("sources")}
    return sorted(documents, key=lambda d: d.doc_id), sources


def export_documents(layout: Layout | None, format_name: str, out: Path, *, data_dir: Path | None = None, as_annotations: bool = False,
                     force: bool = False, workers: int | None = None) -> ExportReport:
    if format_name not in REGISTRY or plugin(format_name).write is None:
        raise UsageError(f"no exporter for {format_name!r}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise UsageError(f"{out}: exists and is not an empty folder; export into a new folder, or pass --force to write into it")
    report = ExportReport()
    if data_dir is not None:
        documents, sources = data_documents(data_dir)
    else:
        documents, sources, problems, report.files_checked = corpus_documents(layout, workers)
        report.problems += problems
        if has_errors(problems):
            return report
    written = plugin(format_name).write(documents, out, WriteOptions(sources=sources, as_annotations=as_annotations))
    report.problems += written.problems
    report.files, report.counts = written.files, written.counts
    report.counts["documents exported"] = len(documents)
    return report
