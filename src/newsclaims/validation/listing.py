"""The corpus listing: which documents have which files, and every file that does not belong (links out
of the corpus, folders, names that are not <doc_id>.txt / <doc_id>.json). No document is read here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..problems.record import Problem, problem, shown_path
from ..project import DOC_ID, DocIds, Layout, doc_id_names
from .files import Report, check_settings, check_sources


def link_problem(path, corpus_dir: Path):
    """A problem when path is a link that cannot be followed or leads outside the corpus, else None."""
    path = Path(path)
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop (RuntimeError on Python < 3.13)
        return problem(
            "unexpected-file",
            shown_path(path),
            "a symbolic link that cannot be followed (its target is missing, or it loops)",
            hint="Replace the link by the file itself.",
        )
    if not target.is_relative_to(corpus_dir.resolve()):
        return problem("unexpected-file", shown_path(path), f"a symbolic link to {target}, outside the corpus", hint="Replace the link by the file itself.")
    return None


CORPUS_FOLDERS = {"documents": ".txt", "annotations": ".json"}  # folder of corpus/ -> the suffix of its files
IGNORED_NAMES = (".gitkeep", ".gitattributes")  # what git needs in those folders


def _corpus_files(folder: Path, suffix: str, corpus_dir: Path) -> tuple[DocIds, list[Problem]]:
    """The doc_ids that have a file in one corpus folder; anything else there is an unexpected file.

    This runs over every file of the corpus before any is read, so it stays cheap: os.scandir answers
    "regular file?" from the directory listing itself (no stat per file), the common case of regular
    files named <doc_id><suffix> is sorted out by one regex over the joined names, and paths stay
    strings (a Path per file cost 3 s of 3.3 s at 100,000 documents)."""
    if not folder.is_dir():
        return DocIds(), []
    linked = link_problem(folder, corpus_dir)
    if linked is not None:
        return DocIds(), [linked]
    # Names only: a DirEntry holds its name and its full path (a million files: some 250 MB).
    regular, others = [], []
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.is_file(follow_symlinks=False):
                regular.append(entry.name)
            else:  # a link, a folder or a special file: looked at below
                others.append(entry)
    # The names joined take a quarter of the memory of a million str objects: free those first.
    joined, count = "/".join(regular), len(regular)
    del regular
    found = doc_id_names(suffix).findall(joined)
    if len(found) == count and not others:  # only regular files <doc_id><suffix>: the common case
        return DocIds(found), []
    found = set(found)
    regular = joined.split("/") if count else []
    cut = len(suffix)
    odd = [(name, None) for name in regular if not (name.endswith(suffix) and name[:-cut] in found)]
    problems = []
    for name, entry in sorted(odd + [(entry.name, entry) for entry in others], key=lambda pair: pair[0]):
        if name in IGNORED_NAMES:
            continue
        path = os.path.join(folder, name)
        if entry is not None and entry.is_symlink():
            linked = link_problem(path, corpus_dir)
            if linked is not None:
                problems.append(linked)
                continue
        wrong = entry_problem(path, name, suffix, regular=entry is None or entry.is_file())
        if wrong is not None:
            problems.append(wrong)
        else:  # a link inside the corpus to a regular file
            found.add(name[:-cut])
    return DocIds(found), problems


def entry_problem(path, name: str, suffix: str, regular: bool) -> Problem | None:
    """unexpected-file for an entry of documents/ or annotations/ that is not a regular file named
    <doc_id><suffix>; the same answer whether the whole corpus is listed or the file is named."""
    if not regular:
        return problem("unexpected-file", shown_path(path), "a folder or special file where only files belong")
    stem, dot, extension = name.rpartition(".")
    if not dot or "." + extension != suffix or not DOC_ID.match(stem):
        return problem(
            "unexpected-file",
            shown_path(path),
            f"the name is not <doc_id>{suffix} with a lowercase slug doc_id",
            hint=f"Name the file <doc_id>{suffix}, doc_id from a-z, 0-9 and '-' (3-81 characters).",
        )
    return None


def corpus_folder_suffix(folder: Path) -> str | None:
    """The suffix of the files in folder when it is a corpus' documents/ or annotations/, else None."""
    return CORPUS_FOLDERS.get(folder.name) if folder.parent.name == "corpus" else None


@dataclass
class Inventory:
    """The corpus-wide part of validation: settings, sources, and which documents have which files."""

    report: Report
    doc_ids: DocIds = field(default_factory=DocIds)  # every doc_id with a text or an annotation, sorted
    # The few documents with one file only (a list of a million (doc_id, True, True) would be 70 MB).
    without_annotation: set[str] = field(default_factory=set)
    without_text: set[str] = field(default_factory=set)

    def items(self) -> Iterator[tuple[str, bool, bool]]:
        """(doc_id, has_text, has_annotation) for every document, sorted by doc_id."""
        return ((doc_id, doc_id not in self.without_text, doc_id not in self.without_annotation) for doc_id in self.doc_ids)


def corpus_inventory(layout: Layout) -> Inventory:
    """corpus.toml, sources.json and the listing of documents/ and annotations/ (no document is read)."""
    report = Report()
    linked = [p for p in map(lambda path: link_problem(path, layout.corpus_dir), (layout.settings_path, layout.sources_path, layout.splits_path)) if p]
    if linked:
        report.problems += linked
        return Inventory(report)
    report.settings, problems = (
        check_settings(layout.settings_path, layout.schema_dir)
        if layout.settings_path.exists()
        else (None, [problem("file-unreadable", shown_path(layout.settings_path), "corpus/corpus.toml is missing")])
    )
    report.problems += problems
    report.sources, problems = (
        check_sources(layout.sources_path, layout.schema_dir)
        if layout.sources_path.exists()
        else (None, [problem("file-unreadable", shown_path(layout.sources_path), "corpus/sources.json is missing")])
    )
    report.problems += problems
    report.files_checked = 2
    return document_listing(layout, report)


def document_listing(layout: Layout, report: Report) -> Inventory:
    """The listing of documents/ and annotations/ (its problems go to report): which documents have which files."""
    texts, problems = _corpus_files(layout.documents_dir, ".txt", layout.corpus_dir)
    report.problems += problems
    annotations, problems = _corpus_files(layout.annotations_dir, ".json", layout.corpus_dir)
    report.problems += problems
    if texts == annotations:  # every text has its annotation: the common case
        return Inventory(report, texts)
    texts, annotations = set(texts), set(annotations)
    return Inventory(report, DocIds(texts | annotations), without_annotation=texts - annotations, without_text=annotations - texts)


def walk_corpus_files(folder: Path, corpus_dir: Path, problems: list[Problem]) -> list[Path]:
    """The corpus files under a folder. documents/ and annotations/ are listed as the whole-corpus run
    lists them (stray names, folders and links are unexpected files); elsewhere .json, .txt and .toml
    files are taken, and links are not followed."""
    suffix = corpus_folder_suffix(Path(os.path.abspath(folder)))
    if suffix is not None:
        doc_ids, listed = _corpus_files(folder, suffix, Path(os.path.abspath(folder)).parent)
        problems += listed
        return [folder / f"{doc_id}{suffix}" for doc_id in doc_ids]
    files = []
    for found in sorted(folder.iterdir()):
        linked = link_problem(found, corpus_dir)
        if linked is not None:
            problems.append(linked)
        elif found.is_dir() and not found.is_symlink():
            files += walk_corpus_files(found, corpus_dir, problems)
        elif found.suffix in (".json", ".txt", ".toml") and found.is_file():
            files.append(found)
    return files


def nested_folder(absolute: Path) -> Path | None:
    """The folder inside a corpus' documents/ or annotations/ that holds the file, if any: the
    whole-corpus run refuses such a folder (only files belong there) and never reads into it."""
    for folder in absolute.parents:
        if corpus_folder_suffix(folder.parent) is not None:
            return folder
    return None
