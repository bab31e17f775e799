"""Annotators' readings: corpus/annotators/<doc_id>/<annotator>.json, one file per annotator of a document,
beside the adjudicated gold file corpus/annotations/<doc_id>.json.

A reading is an annotation file like the gold one (the same schema and levels), checked against the
same text, with two more rules: its folder is its doc_id, and its `annotation.annotators` is exactly
its file name's handle (one reading, one annotator). Read-only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..problems.record import Problem, problem, shown_path
from ..project import DOC_ID, Layout
from .files import check_annotation
from .listing import link_problem

# An annotator handle is a slug like a doc_id: safe as a file name, no e-mail address.
HANDLE = DOC_ID


@dataclass(frozen=True)
class Reading:
    doc_id: str
    annotator: str
    path: Path


@dataclass
class Readings:
    """Every reading of the corpus (valid or not), and the problems of the folder's layout."""

    listed: list[Reading] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of(self, doc_id: str) -> list[Reading]:
        return [reading for reading in self.listed if reading.doc_id == doc_id]


def _unexpected(path, message: str) -> Problem:
    return problem("unexpected-file", shown_path(path), message,
                   hint="Keep only corpus/annotators/<doc_id>/<annotator>.json files there: doc_id and annotator "
                        "from a-z, 0-9 and '-' (3-81 characters).")


def list_readings(layout: Layout) -> Readings:
    """The files under corpus/annotators/, sorted by doc_id then annotator; anything else there is an
    unexpected file (a link out of the corpus, a file directly in annotators/, a name that is no slug)."""
    found = Readings()
    root = layout.annotators_dir
    if not root.exists():
        return found
    if (linked := link_problem(root, layout.corpus_dir)) is not None or not root.is_dir():
        found.problems.append(linked or _unexpected(root, "corpus/annotators must be a folder"))
        return found
    for folder in sorted(root.iterdir()):
        if folder.name in (".gitkeep", ".gitattributes"):
            continue
        if (linked := link_problem(folder, layout.corpus_dir)) is not None:
            found.problems.append(linked)
            continue
        if not folder.is_dir() or not DOC_ID.match(folder.name):
            found.problems.append(_unexpected(folder, "not a folder named after a doc_id"))
            continue
        for path in sorted(folder.iterdir()):
            if path.name in (".gitkeep", ".gitattributes"):
                continue
            linked = link_problem(path, layout.corpus_dir)
            stem = path.name[:-5] if path.name.endswith(".json") else None
            if linked is not None:
                found.problems.append(linked)
            elif not path.is_file() or stem is None or not HANDLE.match(stem):
                found.problems.append(_unexpected(path, "the name is not <annotator>.json with a lowercase slug handle"))
            else:
                found.listed.append(Reading(folder.name, stem, path))
    return found


def reading_of_path(path: Path) -> tuple[str, str] | None:
    """(doc_id, annotator) when path is a corpus' annotators/<doc_id>/<annotator>.json, else None."""
    absolute = Path(os.path.abspath(path))
    if absolute.parent.parent.name == "annotators" and absolute.parent.parent.parent.name == "corpus" and absolute.suffix == ".json":
        return absolute.parent.name, absolute.stem
    return None


def check_reading(reading: Reading, schema_dir: Path, source_ids: set[str] | None, text_of: dict,
                  documents_dir) -> tuple[dict | None, list[Problem]]:
    """Every level of an annotation file, its doc_id against its folder, its annotators against its name."""
    annotation, problems = check_annotation(reading.path, schema_dir, source_ids, text_of, documents_dir, file_stem=reading.doc_id)
    problems = [replace(p, hint=f"Set doc_id to {reading.doc_id!r}, or move the file to corpus/annotators/<its doc_id>/"
                                f"{reading.annotator}.json.") if p.code == "doc-id-mismatch" else p for p in problems]
    if annotation is not None and annotation["annotation"]["annotators"] != [reading.annotator]:
        problems.append(problem(
            "annotator-mismatch", shown_path(reading.path),
            f"a reading by {reading.annotator!r} lists the annotators {annotation['annotation']['annotators']}",
            pointer="/annotation/annotators",
            hint=f'Set "annotators": ["{reading.annotator}"] (one reading, one annotator), or name the file after its annotator.'))
        annotation = None
    return annotation, problems


@dataclass
class CheckedReadings:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    valid: list[tuple[Reading, dict]] = field(default_factory=list)  # (reading, its annotation)


def check_readings(layout: Layout, source_ids: set[str] | None, doc_ids: set[str] | None = None) -> CheckedReadings:
    """Every reading of the corpus (of the doc_ids given, default all): layout and every level."""
    listed = list_readings(layout)
    result = CheckedReadings(problems=list(listed.problems))
    text_of: dict = {}
    for reading in listed.listed:
        if doc_ids is not None and reading.doc_id not in doc_ids:
            continue
        annotation, problems = check_reading(reading, layout.schema_dir, source_ids, text_of, layout.documents_dir)
        result.files_checked += 1
        result.problems += problems
        if annotation is not None:
            result.valid.append((reading, annotation))
    return result
