"""`newsclaims validate`: the levels over the whole corpus (in batches, by the engine) or over the files
named, with every corpus-wide file build reads (splits.json, CHANGELOG.md). Read-only.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..dataset.stage import StageContext, process_batch
from ..engine.local import run_local, start_workers_early
from ..problems.codes import BUILD
from ..problems.record import Problem, has_errors, problem, shown_path
from ..project import Layout
from ..splits.recorded import read_splits
from ..validation.annotators import Reading, check_reading, check_readings, reading_of_path
from ..validation.fastpath import fast_json
from ..validation.files import (
    Report,
    check_annotation,
    check_changelog,
    check_settings,
    check_sources,
    check_text,
    missing_annotation,
)
from ..validation.level1_bytes import read_bytes
from ..validation.limits import MAX_REGISTRY_BYTES, MAX_REGISTRY_VALUES
from ..validation.listing import (
    CORPUS_FOLDERS,
    IGNORED_NAMES,
    Inventory,
    corpus_folder_suffix,
    corpus_inventory,
    document_listing,
    entry_problem,
    link_problem,
    nested_folder,
    walk_corpus_files,
)


def check_build_inputs(layout: Layout, inventory: Inventory) -> list[Problem]:
    """What `newsclaims build` reads beyond the documents, checked as the build does: corpus/splits.json
    (syntax and schema, then against the listing and corpus.toml's [splits]) and CHANGELOG.md's section
    for the version. One dict lookup a document; the build's check that each split is its group's hash
    needs every story_id, so it is left to the build."""
    settings = inventory.report.settings
    if link_problem(layout.splits_path, layout.corpus_dir) is not None:  # the inventory refused the link: not followed
        return []
    problems = check_splits(layout.splits_path, layout.schema_dir, inventory.doc_ids, settings)
    if settings is not None:
        problems += check_changelog(layout, settings["dataset"]["version"])
    return problems


def check_splits(path: Path, schema_dir: Path, doc_ids, settings: dict | None) -> list[Problem]:
    """splits.json parsed and schema-checked, then (with valid settings) against the listed doc_ids,
    with the problems the build reports (read_splits, listed_assignment)."""
    from ..splits.recorded import listed_assignment, located, splits_validator

    if settings is not None:  # the common case, at C speed: splits.json as `newsclaims split` writes it, up to date
        data = read_bytes(path, MAX_REGISTRY_BYTES)[0] if os.path.isfile(path) else None
        recorded = fast_json(data, splits_validator(schema_dir), MAX_REGISTRY_VALUES) if data is not None else None
        # Written sorted: then its names joined are the listing's, exactly when both hold the same doc_ids.
        if recorded is not None and recorded["salt"] == settings["splits"]["salt"] and recorded["ratios"] == settings["splits"]["ratios"] \
                and len(recorded["documents"]) == len(doc_ids) and "\n".join(recorded["documents"]) == doc_ids.joined:
            return []
    recorded, problems = read_splits(path, schema_dir)  # the exact readers say what is wrong
    if recorded is None or settings is None:
        return problems
    return located(listed_assignment(recorded, doc_ids, settings, shown_path(path)).problems, path)


def validate_corpus(layout: Layout, workers: int | None = None, keep_documents: bool = True, progress: bool | None = None,
                    build_inputs: bool = True) -> Report:
    """Every file of the corpus, the registry, the settings, and the pairing of texts and annotations;
    with build_inputs, also splits.json and CHANGELOG.md (what `newsclaims split` is about to rewrite
    must not refuse it: it passes False).

    Documents are checked in batches by worker processes (pipeline.py); with keep_documents=False
    the report holds problems only, and memory does not grow with the corpus. Build-level problems
    (a split missing or stale, no changelog section) are reported on a corpus that is otherwise free
    of errors, as the build does: a document with errors may be why its split is missing.
    """

    start_workers_early(layout.documents_dir, workers, process_batch.__module__)
    inventory = corpus_inventory(layout)
    report = inventory.report
    sources = {s["id"]: s for s in report.sources} if report.sources is not None else None
    context = StageContext(str(layout.schema_dir), str(layout.documents_dir), str(layout.annotations_dir), sources,
                           convert=False, keep_documents=keep_documents)
    items = ((*item, None) for item in inventory.items())  # made as batches are handed out
    for result in run_local(process_batch, context, items, workers=workers, progress=progress, total=len(inventory.doc_ids)):
        report.problems += result.problems
        report.files_checked += result.files_checked
        for document in result.documents:
            report.documents[document.doc_id] = document
    readings = check_readings(layout, set(sources) if sources is not None else None)  # corpus/annotators/
    report.problems += readings.problems
    report.files_checked += readings.files_checked
    if build_inputs:
        problems = check_build_inputs(layout, inventory)
        files = [p for p in problems if p.level != BUILD]  # splits.json's own syntax and schema
        report.problems += files if has_errors(report.problems) or has_errors(files) else problems
    return report


def validate_paths(layout: Layout, paths: list[Path]) -> Report:
    """Only the files named (folders are walked): what a contributor runs on their change, with the
    corpus-wide files an annotation depends on (sources.json, corpus.toml, splits.json).

    A file in a corpus' documents/ or annotations/ gets the answer the whole-corpus run gives it: a
    name that is not <doc_id>.txt / <doc_id>.json, or a link out of the corpus, is an unexpected
    file, and a text without its annotation (or an annotation without its text) is reported."""
    report = Report()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += walk_corpus_files(path, layout.corpus_dir, report.problems)
        else:
            files.append(path)
    needs_sources = any(f.suffix == ".json" and f.name != "sources.json" for f in files)
    source_ids = None
    if needs_sources and layout.sources_path.is_file():
        sources, _ = check_sources(layout.sources_path, layout.schema_dir)  # its problems: reported as a dependency below
        source_ids = {s["id"] for s in sources} if sources is not None else None
    if needs_sources:
        _check_dependencies(layout, files, report)
    text_of: dict = {}
    nested_seen: set[Path] = set()
    for path in files:
        absolute = Path(os.path.abspath(path))
        suffix = corpus_folder_suffix(absolute.parent)
        if suffix is None and (nested := nested_folder(absolute)) is not None:
            if nested not in nested_seen:
                nested_seen.add(nested)
                report.problems.append(entry_problem(nested, nested.name, CORPUS_FOLDERS[nested.parent.name], regular=False))
            continue
        if suffix is not None and path.name in IGNORED_NAMES:
            continue
        report.files_checked += 1
        if suffix is not None:
            wrong = link_problem(path, absolute.parent.parent) or entry_problem(path, path.name, suffix, regular=True)  # the reader names special files
        else:  # corpus.toml, sources.json, splits.json: a link out of the corpus is refused, as the whole run refuses it
            wrong = link_problem(path, absolute.parent) if absolute.parent.name == "corpus" else None
        if wrong is not None:
            report.problems.append(wrong)
            continue
        named = path.name if suffix is None else None  # annotations/sources.json is the annotation of doc_id "sources"
        if named == "corpus.toml":
            report.settings, problems = check_settings(path, layout.schema_dir)
        elif named == "sources.json":
            report.sources, problems = check_sources(path, layout.schema_dir)
        elif named == "splits.json":
            problems = _check_named_splits(layout, path)
        elif named == "CHANGELOG.md" and os.path.realpath(path) == os.path.realpath(layout.root / "CHANGELOG.md"):
            settings = check_settings(layout.settings_path, layout.schema_dir)[0] if layout.settings_path.is_file() else None
            problems = check_changelog(layout, settings["dataset"]["version"]) if settings is not None else []
        elif path.suffix == ".txt":
            problems = check_text(path)[2]
            annotation = absolute.parent.parent / "annotations" / f"{path.stem}.json"
            if suffix is not None and not os.path.lexists(annotation):  # a link there is the listing's to report
                problems.append(missing_annotation(path, annotation))
        elif path.suffix != ".json":
            problems = [problem("unexpected-file", shown_path(path), "not a corpus file (<doc_id>.txt, <doc_id>.json, sources.json or corpus.toml)")]
        elif (named_reading := reading_of_path(path)) is not None:  # corpus/annotators/<doc_id>/<annotator>.json
            documents_dir = absolute.parent.parent.parent / "documents"
            problems = check_reading(Reading(*named_reading, path), layout.schema_dir, source_ids, text_of, documents_dir)[1]
        else:  # an annotation: its text is beside it (../documents/) or in the corpus
            documents_dir = path.parent.parent / "documents"
            if not documents_dir.is_dir():
                documents_dir = layout.documents_dir
            problems = check_annotation(path, layout.schema_dir, source_ids, text_of, documents_dir)[1]
        report.problems += problems
    return report


def _check_dependencies(layout: Layout, files: list[Path], report: Report) -> None:
    """An annotation depends on sources.json, corpus.toml and splits.json: each is checked too, unless
    named (splits.json for its own syntax and schema only: a new document's missing split is for
    `newsclaims split` and the build to report, not for the check of the document)."""
    named = {os.path.realpath(f) for f in files}
    for dependency in (layout.sources_path, layout.settings_path, layout.splits_path):
        if not dependency.is_file() or os.path.realpath(dependency) in named or link_problem(dependency, layout.corpus_dir) is not None:
            continue
        if dependency == layout.sources_path:  # not counted in files_checked: the count is of the files named
            report.problems += check_sources(dependency, layout.schema_dir)[1]
        elif dependency == layout.settings_path:
            report.problems += check_settings(dependency, layout.schema_dir)[1]
        else:
            report.problems += read_splits(dependency, layout.schema_dir)[1]


def _check_named_splits(layout: Layout, path: Path) -> list[Problem]:
    """A splits.json named on its own: its syntax and schema; the project's own also against the
    listing of documents and corpus.toml, as the whole-corpus run checks it (no document is read)."""
    if os.path.realpath(path) != os.path.realpath(layout.splits_path):

        return read_splits(path, layout.schema_dir)[1]
    settings = check_settings(layout.settings_path, layout.schema_dir)[0] if layout.settings_path.is_file() else None
    doc_ids = document_listing(layout, Report()).doc_ids  # the listing's own problems belong to the run that lists
    return check_splits(path, layout.schema_dir, doc_ids, settings)
