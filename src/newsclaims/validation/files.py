"""Every level over one corpus file: a document text, an annotation, sources.json, corpus.toml,
CHANGELOG.md. Read-only; pure over (path, context), so they can run in worker processes.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..problems.record import Problem, has_errors, json_pointer, problem, shown_path
from ..project import DOC_ID, Layout
from ..schema.files import ANNOTATION, CORPUS, SOURCES
from .anchoring import check_anchoring, is_anchored
from .fastpath import document_ok, fast_annotation
from .guideline import check_guideline
from .level1_bytes import decode_text, read_bytes, read_text
from .level1_json import add_locations, decode_json, parse_toml, read_json, toml_datetimes, toml_literals
from .level2_schema import check_schema
from .level3_references import AUTHOR_SOURCE, check_references
from .level4_content import check_content
from .limits import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, MAX_TEXT_BYTES


@dataclass
class Document:
    doc_id: str
    text: str
    annotation: dict


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    settings: dict | None = None
    sources: list[dict] | None = None
    documents: dict[str, Document] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not has_errors(self.problems)  # warnings are reported, and do not make a corpus invalid


def check_text(path: Path) -> tuple[str | None, bytes | None, list[Problem]]:
    """A document text: size, UTF-8, no BOM, LF, NFC, no control characters."""
    data, problems = read_bytes(path, MAX_TEXT_BYTES)
    if data is None:
        return None, None, problems
    text, problems = decode_text(data, path)
    return text, (data if text is not None else None), problems


def _text_of(doc_id: str, text_of: dict, documents_dir) -> tuple[str | None, bytes | None] | None:
    """(text, bytes) of the document, None when it has no text file; read once, kept in text_of."""
    if doc_id not in text_of:
        text_path = os.path.join(documents_dir, f"{doc_id}.txt")
        text_of[doc_id] = check_text(text_path)[:2] if os.path.isfile(text_path) else None
    return text_of[doc_id]


def check_annotation(
    path, schema_dir: Path, source_ids: set[str] | None, text_of: dict[str, tuple[str | None, bytes | None]], documents_dir, file_stem: str | None = None
) -> tuple[dict | None, list[Problem]]:
    """All levels for one annotation file. text_of caches document texts already read (doc_id -> (text, bytes)).
    file_stem: what doc_id must be (default: the file's name without .json; an annotator's reading
    corpus/annotators/<doc_id>/<annotator>.json passes its folder's name)."""
    data, problems = read_bytes(path, MAX_ANNOTATION_BYTES)
    if data is None:
        return None, problems
    annotation, json_text, problems = fast_annotation(data, schema_dir), None, []
    if annotation is None:  # not certainly well-formed and schema-valid: the exact path says why
        annotation, json_text, problems = decode_json(data, shown_path(path))
        if annotation is None:
            return None, problems
        problems = check_schema(annotation, schema_dir, ANNOTATION, shown_path(path))
        problems = _text_sha256_hints(problems, annotation, text_of, documents_dir)
    if not problems:
        doc_id = annotation["doc_id"]
        if file_stem is not None:
            stem = file_stem
        else:
            name = os.fspath(path).rpartition(os.sep)[2]
            stem = name[:-5] if name.endswith(".json") else os.path.splitext(name)[0]  # splitext is Python code: 1% of a document
        found = _text_of(doc_id, text_of, documents_dir)
        if found is not None and found[0] is not None and not annotation.get("unresolved") and document_ok(annotation, stem, source_ids, found[0], found[1]):
            # the common case: levels 3 and 4 pass, and no pointer was built; then the guideline's rules
            problems = check_guideline(annotation, found[0], path)
            if not problems:
                return annotation, []
            located = add_locations(problems, json_text if json_text is not None else data.decode("utf-8"))
            return (None if has_errors(located) else annotation), located
        problems = check_references(annotation, path, stem, source_ids)
        anchored = is_anchored(annotation)
        if not anchored:  # spans written by quote: where each resolves; the content checks need offsets
            problems += check_anchoring(annotation, shown_path(path), found[0] if found is not None else None, f"newsclaims anchor {shown_path(path)}")
        if found is None:
            problems.append(
                problem(
                    "missing-document",
                    shown_path(path),
                    f"there is no document text {shown_path(os.path.join(documents_dir, doc_id + '.txt'))}",
                    pointer="/doc_id",
                )
            )
        elif found[0] is not None and anchored:
            problems += check_content(annotation, path, found[0], found[1])
            if not has_errors(problems):  # the spans are valid: the guideline's rules can be read on them
                problems += check_guideline(annotation, found[0], path)
        # else: the text itself is invalid; its problems are reported on the text file.
    if problems:  # warnings only: the annotation is valid, and its warnings are reported
        located = add_locations(problems, json_text if json_text is not None else data.decode("utf-8"))
        return (None if has_errors(located) else annotation), located
    return annotation, []


def _text_sha256_hints(problems: list[Problem], annotation, text_of: dict, documents_dir) -> list[Problem]:
    """A text_sha256 missing or malformed: the hint gives the value to write (the sha256 of the text)."""
    wrong = [
        i for i, p in enumerate(problems) if p.pointer == "/text_sha256" or (p.code == "schema-required" and p.pointer == "" and "'text_sha256'" in p.message)
    ]
    if not wrong or not isinstance(annotation, dict) or not isinstance(annotation.get("doc_id"), str) or not DOC_ID.match(annotation["doc_id"]):
        return problems
    found = _text_of(annotation["doc_id"], text_of, documents_dir)
    if found is None or found[1] is None:
        return problems
    digest = hashlib.sha256(found[1]).hexdigest()
    for i in wrong:
        problems[i] = replace(problems[i], hint=f'Write "text_sha256": "{digest}" (the sha256 of {annotation["doc_id"]}.txt\'s bytes).')
    return problems


def check_sources(path: Path, schema_dir: Path) -> tuple[list[dict] | None, list[Problem]]:
    shown = shown_path(path)
    registry, json_text, problems = read_json(path, MAX_REGISTRY_BYTES)
    if registry is None:
        return None, problems
    problems = check_schema(registry, schema_dir, SOURCES, shown)
    if not problems:
        seen = {}
        for i, source in enumerate(registry["sources"]):
            if source["id"] in seen:
                problems.append(
                    problem("duplicate-id", shown, f"source id {source['id']!r} is used twice (first at {seen[source['id']]})", pointer=f"/sources/{i}/id")
                )
            seen.setdefault(source["id"], f"/sources/{i}")
        if AUTHOR_SOURCE not in seen:
            problems.append(
                problem(
                    "schema-required",
                    shown,
                    "the source 'author' (kind document_author) is missing: authorial claims name it",
                    pointer="/sources",
                    hint='Add {"id": "author", "name": "The document\'s author", "kind": "document_author"}.',
                )
            )
    problems = add_locations(problems, json_text)
    return (registry["sources"] if not problems else None), problems


_TOML_KINDS = {datetime.datetime: "date-time", datetime.date: "date", datetime.time: "time"}


def _datetime_problems(settings: dict, dates: list, text: str, schema_dir: Path, shown: str) -> tuple[None, list[Problem]]:
    """schema-type for each TOML date, date-time or time in corpus.toml (JSON, and so the schema, has no
    such type), and the schema's problems of the rest, with each date read as the string it should be."""
    located = toml_literals(text, [path for path, _ in dates])
    as_strings = copy.deepcopy(settings)
    problems = []
    for (path, value), where in zip(dates, located):
        line, column, literal = where if where is not None else (None, None, value.isoformat())
        parent = as_strings
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = literal
        key = next((part for part in reversed(path) if isinstance(part, str)), "value")
        example = f'{key} = "{literal}"' if isinstance(path[-1], str) else f'{key} = [..., "{literal}", ...]'
        problems.append(
            problem(
                "schema-type",
                shown,
                f"{literal} is a TOML {_TOML_KINDS[type(value)]}, which corpus.toml cannot hold: its values are strings, numbers, booleans, arrays and tables",
                pointer=json_pointer(path),
                line=line,
                column=column,
                hint=f"Quote it, e.g. {example} (a string).",
            )
        )
    index_of = {p.pointer: i for i, p in enumerate(problems)}
    for other in check_schema(as_strings, schema_dir, CORPUS, shown):
        if other.pointer not in index_of:
            problems.append(other)
        else:  # the quoted value must pass the schema too: say so in the same record
            date = problems[index_of[other.pointer]]
            problems[index_of[other.pointer]] = replace(date, hint=f"{date.hint} As a string it must still be valid here: {other.message}.")
    return None, sorted(problems, key=lambda p: (p.pointer, p.code, p.message))


def check_settings(path: Path, schema_dir: Path) -> tuple[dict | None, list[Problem]]:
    shown = shown_path(path)
    text, warnings = read_text(path, MAX_REGISTRY_BYTES)
    if text is None:
        return None, warnings
    settings, problems = parse_toml(text, shown)
    if settings is None:
        return None, warnings + problems
    dates = toml_datetimes(settings)
    if dates:
        settings, problems = _datetime_problems(settings, dates, text, schema_dir, shown)
    else:
        problems = check_schema(settings, schema_dir, CORPUS, shown)
    if not problems:
        ratios = settings["splits"]["ratios"]
        total = ratios["train"] + ratios["validation"] + ratios["test"]
        if abs(total - 1) > 1e-9:
            problems.append(problem("split-ratios-sum", shown, f"train + validation + test = {total:g}, not 1", pointer="/splits/ratios"))
    return (settings if not problems else None), warnings + problems


def missing_annotation(text_path, annotation_path) -> Problem:
    return problem("missing-annotation", shown_path(text_path), f"no annotation file {shown_path(annotation_path)} for this text")


def changelog_section(changelog: str, version: str) -> str | None:
    """The text of the `## <version>` section of CHANGELOG.md, or None when there is none."""
    match = re.search(rf"^## \[?{re.escape(version)}\]?[^\n]*\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    return match.group(1).strip() if match else None


def check_changelog(layout: Layout, version: str) -> list[Problem]:
    """CHANGELOG.md has a section for the version being built (`newsclaims build` copies the file into data/)."""
    path = layout.root / "CHANGELOG.md"
    missing = [problem("changelog-missing-version", shown_path(path), f"CHANGELOG.md has no section '## {version}' for the version in corpus/corpus.toml")]
    if not path.is_file():
        return missing
    data, problems = read_bytes(path, MAX_REGISTRY_BYTES)  # bounded; Markdown, so no text-level checks
    if data is None:
        return [p for p in problems if p.code != "file-empty"] or missing
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [
            problem("encoding-not-utf8", shown_path(path), f"byte {error.start} is not valid UTF-8: {error.reason}", line=data.count(b"\n", 0, error.start) + 1)
        ]
    return missing if changelog_section(text, version) is None else []
