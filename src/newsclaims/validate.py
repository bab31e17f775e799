"""`newsclaims validate`: run the levels over corpus files and collect every problem.

Read-only: nothing here writes to the corpus. The per-file functions are pure over (bytes, context)
so that they can run in worker processes on large corpora.
"""

from __future__ import annotations

import copy
import datetime
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from . import checks, parse, schemas
from .corpus import DOC_ID, DocIds, Layout, doc_id_names
from .parse import shown_path
from .problems import BUILD, Problem, has_errors, json_pointer, problem


def _outside(path, corpus_dir: Path):
    """A problem when path is a link that cannot be followed or leads outside the corpus, else None."""
    path = Path(path)
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop (RuntimeError on Python < 3.13)
        return problem("unexpected-file", shown_path(path), "a symbolic link that cannot be followed (its target is missing, or it loops)",
                       hint="Replace the link by the file itself.")
    if not target.is_relative_to(corpus_dir.resolve()):
        return problem("unexpected-file", shown_path(path), f"a symbolic link to {target}, outside the corpus", hint="Replace the link by the file itself.")
    return None


_CONTAINERS = (dict, list)
CORPUS_FOLDERS = {"documents": ".txt", "annotations": ".json"}  # folder of corpus/ -> the suffix of its files
IGNORED_NAMES = (".gitkeep", ".gitattributes")  # what git needs in those folders


def _count_keys(value) -> int:
    """Keys of every object in a parsed JSON tree."""
    total, stack = 0, [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            total += len(node)
            stack += [child for child in node.values() if type(child) in _CONTAINERS]
        else:
            stack += [child for child in node if type(child) in _CONTAINERS]
    return total


def python_keys_unique(data: bytes, value) -> bool:
    """Whether the JSON text data, which orjson parsed into value, has no duplicate key (orjson keeps
    the last of duplicate keys silently). The reference for the C version, parse.compiled.keys_unique,
    which counts the ':' outside strings."""
    # Files written by json.dumps(indent=2) or orjson (every file of this corpus) serialise back to
    # their own bytes, which proves there was no duplicate key; others are checked by counting keys.
    try:
        if orjson.dumps(value, option=orjson.OPT_INDENT_2) == data.rstrip(b"\n"):
            return True
    except TypeError:  # orjson writes at most 254 levels: the exact path reports json-too-deep
        return False
    # Once string literals are removed, one ':' is left per key.
    return _count_keys(value) == parse.STRING_LITERAL_BYTES.sub(b"", data).count(b":")


keys_unique = parse.compiled.keys_unique if parse.compiled is not None else python_keys_unique


def fast_annotation(data: bytes, schema_dir: Path) -> dict | None:
    """The annotation, when it is certainly well-formed (UTF-8, no BOM, no duplicate key, no NaN or
    lone surrogate) and schema-valid; None sends the file to the exact path, which explains why.

    orjson and jsonschema_rs.is_valid are C and Rust, about ten times faster than json.loads with a
    duplicate-key hook and an error iterator: valid files, nearly all of them, take this path. orjson
    keeps the last of duplicate keys silently, so keys_unique counts them in the bytes.
    """
    return fast_json(data, schemas.validator(schema_dir, schemas.ANNOTATION), parse.MAX_JSON_VALUES)


def fast_json(data: bytes, validator, max_values: int) -> dict | None:
    """A JSON object certainly well-formed and valid for validator (fast_annotation), else None."""
    # A value takes at least one byte: only a file longer than the limit can hold too many.
    if data.startswith(b"\xef\xbb\xbf") or (len(data) > max_values and parse.values_estimate(data) > max_values):
        return None  # the exact path explains; a bomb is refused there before anything is built
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not dict or not keys_unique(data, value):
        return None
    if not validator.is_valid(value):
        return None
    return value


def _add_locations(problems: list[Problem], text: str | None) -> list[Problem]:
    """Fill in line and column of problems that have a JSON pointer but no line yet."""
    if text is None or not any(p.line is None and (p.pointer or p.code.startswith("schema-")) for p in problems):
        return problems
    locations = parse.JsonLocations(text)
    result = []
    for p in problems:
        if p.line is None and (p.pointer or p.code.startswith("schema-")):
            line, column = locations.locate(p.pointer)
            p = replace(p, line=line, column=column)
        result.append(p)
    return result


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
    data, problems = parse.read_bytes(path, parse.MAX_TEXT_BYTES)
    if data is None:
        return None, None, problems
    text, problems = parse.decode_text(data, path)
    return text, (data if text is not None else None), problems


def read_json(path: Path, limit: int) -> tuple[object | None, str | None, list[Problem]]:
    """Level 1 for a JSON file: (value, its text, problems). CRLF and NFC are harmless in JSON syntax."""
    data, problems = parse.read_bytes(path, limit)
    if data is None:
        return None, None, problems
    return decode_json(data, shown_path(path))


def decode_json(data: bytes, shown: str) -> tuple[object | None, str | None, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return None, None, [problem("encoding-bom", shown, "the file starts with the UTF-8 byte order mark EF BB BF", line=1, column=1)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, None, [problem("encoding-not-utf8", shown, f"byte {error.start} is not valid UTF-8: {error.reason}", line=data.count(b"\n", 0, error.start) + 1)]
    value, problems = parse.parse_json(text, shown)
    return value, text, problems


def _text_of(doc_id: str, text_of: dict, documents_dir) -> tuple[str | None, bytes | None] | None:
    """(text, bytes) of the document, None when it has no text file; read once, kept in text_of."""
    if doc_id not in text_of:
        text_path = os.path.join(documents_dir, f"{doc_id}.txt")
        text_of[doc_id] = check_text(text_path)[:2] if os.path.isfile(text_path) else None
    return text_of[doc_id]


def check_annotation(path, schema_dir: Path, source_ids: set[str] | None,
                     text_of: dict[str, tuple[str | None, bytes | None]], documents_dir) -> tuple[dict | None, list[Problem]]:
    """All levels for one annotation file. text_of caches document texts already read (doc_id -> (text, bytes))."""
    data, problems = parse.read_bytes(path, parse.MAX_ANNOTATION_BYTES)
    if data is None:
        return None, problems
    annotation, json_text, problems = fast_annotation(data, schema_dir), None, []
    if annotation is None:  # not certainly well-formed and schema-valid: the exact path says why
        annotation, json_text, problems = decode_json(data, shown_path(path))
        if annotation is None:
            return None, problems
        problems = schemas.check_schema(annotation, schema_dir, schemas.ANNOTATION, shown_path(path))
    if not problems:
        doc_id = annotation["doc_id"]
        name = os.fspath(path).rpartition(os.sep)[2]
        stem = name[:-5] if name.endswith(".json") else os.path.splitext(name)[0]  # splitext is Python code: 1% of a document
        found = _text_of(doc_id, text_of, documents_dir)
        if found is not None and found[0] is not None and checks.document_ok(annotation, stem, source_ids, found[0], found[1]):
            return annotation, []  # the common case: levels 3 and 4 pass, and no pointer was built
        problems = checks.check_references(annotation, path, stem, source_ids)
        if found is None:
            problems.append(problem("missing-document", shown_path(path), f"there is no document text {shown_path(os.path.join(documents_dir, doc_id + '.txt'))}", pointer="/doc_id"))
        elif found[0] is not None:
            problems += checks.check_content(annotation, path, found[0], found[1])
        # else: the text itself is invalid; its problems are reported on the text file.
    if problems:
        return None, _add_locations(problems, json_text if json_text is not None else data.decode("utf-8"))
    return annotation, []


def check_sources(path: Path, schema_dir: Path) -> tuple[list[dict] | None, list[Problem]]:
    shown = shown_path(path)
    registry, json_text, problems = read_json(path, parse.MAX_REGISTRY_BYTES)
    if registry is None:
        return None, problems
    problems = schemas.check_schema(registry, schema_dir, schemas.SOURCES, shown)
    if not problems:
        seen = {}
        for i, source in enumerate(registry["sources"]):
            if source["id"] in seen:
                problems.append(problem("duplicate-id", shown, f"source id {source['id']!r} is used twice (first at {seen[source['id']]})", pointer=f"/sources/{i}/id"))
            seen.setdefault(source["id"], f"/sources/{i}")
        if checks.AUTHOR_SOURCE not in seen:
            problems.append(problem("schema-required", shown, "the source 'author' (kind document_author) is missing: authorial claims name it", pointer="/sources",
                                    hint='Add {"id": "author", "name": "The document\'s author", "kind": "document_author"}.'))
    problems = _add_locations(problems, json_text)
    return (registry["sources"] if not problems else None), problems


_TOML_KINDS = {datetime.datetime: "date-time", datetime.date: "date", datetime.time: "time"}


def _datetime_problems(settings: dict, dates: list, text: str, schema_dir: Path, shown: str) -> tuple[None, list[Problem]]:
    """schema-type for each TOML date, date-time or time in corpus.toml (JSON, and so the schema, has no
    such type), and the schema's problems of the rest, with each date read as the string it should be."""
    located = parse.toml_literals(text, [path for path, _ in dates])
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
        problems.append(problem("schema-type", shown, f"{literal} is a TOML {_TOML_KINDS[type(value)]}, which corpus.toml cannot hold: "
                                f"its values are strings, numbers, booleans, arrays and tables", pointer=json_pointer(path), line=line, column=column,
                                hint=f"Quote it, e.g. {example} (a string)."))
    index_of = {p.pointer: i for i, p in enumerate(problems)}
    for other in schemas.check_schema(as_strings, schema_dir, schemas.CORPUS, shown):
        if other.pointer not in index_of:
            problems.append(other)
        else:  # the quoted value must pass the schema too: say so in the same record
            date = problems[index_of[other.pointer]]
            problems[index_of[other.pointer]] = replace(date, hint=f"{date.hint} As a string it must still be valid here: {other.message}.")
    return None, sorted(problems, key=lambda p: (p.pointer, p.code, p.message))


def check_settings(path: Path, schema_dir: Path) -> tuple[dict | None, list[Problem]]:
    shown = shown_path(path)
    text, warnings = parse.read_text(path, parse.MAX_REGISTRY_BYTES)
    if text is None:
        return None, warnings
    settings, problems = parse.parse_toml(text, shown)
    if settings is None:
        return None, warnings + problems
    dates = parse.toml_datetimes(settings)
    if dates:
        settings, problems = _datetime_problems(settings, dates, text, schema_dir, shown)
    else:
        problems = schemas.check_schema(settings, schema_dir, schemas.CORPUS, shown)
    if not problems:
        ratios = settings["splits"]["ratios"]
        total = ratios["train"] + ratios["validation"] + ratios["test"]
        if abs(total - 1) > 1e-9:
            problems.append(problem("split-ratios-sum", shown, f"train + validation + test = {total:g}, not 1", pointer="/splits/ratios"))
    return (settings if not problems else None), warnings + problems


def _corpus_files(folder: Path, suffix: str, corpus_dir: Path) -> tuple[DocIds, list[Problem]]:
    """The doc_ids that have a file in one corpus folder; anything else there is an unexpected file.

    This runs over every file of the corpus before any is read, so it stays cheap: os.scandir answers
    "regular file?" from the directory listing itself (no stat per file), the common case of regular
    files named <doc_id><suffix> is sorted out by one regex over the joined names, and paths stay
    strings (a Path per file cost 3 s of 3.3 s at 100,000 documents)."""
    if not folder.is_dir():
        return DocIds(), []
    linked = _outside(folder, corpus_dir)
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
            linked = _outside(path, corpus_dir)
            if linked is not None:
                problems.append(linked)
                continue
        wrong = _entry_problem(path, name, suffix, regular=entry is None or entry.is_file())
        if wrong is not None:
            problems.append(wrong)
        else:  # a link inside the corpus to a regular file
            found.add(name[:-cut])
    return DocIds(found), problems


def _entry_problem(path, name: str, suffix: str, regular: bool) -> Problem | None:
    """unexpected-file for an entry of documents/ or annotations/ that is not a regular file named
    <doc_id><suffix>; the same answer whether the whole corpus is listed or the file is named."""
    if not regular:
        return problem("unexpected-file", shown_path(path), "a folder or special file where only files belong")
    stem, dot, extension = name.rpartition(".")
    if not dot or "." + extension != suffix or not DOC_ID.match(stem):
        return problem("unexpected-file", shown_path(path), f"the name is not <doc_id>{suffix} with a lowercase slug doc_id",
                       hint=f"Name the file <doc_id>{suffix}, doc_id from a-z, 0-9 and '-' (3-81 characters).")
    return None


def corpus_folder_suffix(folder: Path) -> str | None:
    """The suffix of the files in folder when it is a corpus' documents/ or annotations/, else None."""
    return CORPUS_FOLDERS.get(folder.name) if folder.parent.name == "corpus" else None


def missing_annotation(text_path, annotation_path) -> Problem:
    return problem("missing-annotation", shown_path(text_path), f"no annotation file {shown_path(annotation_path)} for this text")


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
    linked = [p for p in map(lambda path: _outside(path, layout.corpus_dir), (layout.settings_path, layout.sources_path, layout.splits_path)) if p]
    if linked:
        report.problems += linked
        return Inventory(report)
    report.settings, problems = check_settings(layout.settings_path, layout.schema_dir) if layout.settings_path.exists() else (None, [problem("file-unreadable", shown_path(layout.settings_path), "corpus/corpus.toml is missing")])
    report.problems += problems
    report.sources, problems = check_sources(layout.sources_path, layout.schema_dir) if layout.sources_path.exists() else (None, [problem("file-unreadable", shown_path(layout.sources_path), "corpus/sources.json is missing")])
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
    data, problems = parse.read_bytes(path, parse.MAX_REGISTRY_BYTES)  # bounded; Markdown, so no text-level checks
    if data is None:
        return [p for p in problems if p.code != "file-empty"] or missing
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [problem("encoding-not-utf8", shown_path(path), f"byte {error.start} is not valid UTF-8: {error.reason}", line=data.count(b"\n", 0, error.start) + 1)]
    return missing if changelog_section(text, version) is None else []


def check_build_inputs(layout: Layout, inventory: Inventory) -> list[Problem]:
    """What `newsclaims build` reads beyond the documents, checked as the build does: corpus/splits.json
    (syntax and schema, then against the listing and corpus.toml's [splits]) and CHANGELOG.md's section
    for the version. One dict lookup a document; the build's check that each split is its group's hash
    needs every story_id, so it is left to the build."""
    settings = inventory.report.settings
    if _outside(layout.splits_path, layout.corpus_dir) is not None:  # the inventory refused the link: not followed
        return []
    problems = check_splits(layout.splits_path, layout.schema_dir, inventory.doc_ids, settings)
    if settings is not None:
        problems += check_changelog(layout, settings["dataset"]["version"])
    return problems


def check_splits(path: Path, schema_dir: Path, doc_ids, settings: dict | None) -> list[Problem]:
    """splits.json parsed and schema-checked, then (with valid settings) against the listed doc_ids,
    with the problems the build reports (splits.read_splits, splits.listed_assignment)."""
    from .splits import _splits_validator, listed_assignment, located, read_splits  # splits imports this module

    if settings is not None:  # the common case, at C speed: splits.json as `newsclaims split` writes it, up to date
        data = parse.read_bytes(path, parse.MAX_REGISTRY_BYTES)[0] if os.path.isfile(path) else None
        recorded = fast_json(data, _splits_validator(schema_dir), parse.MAX_REGISTRY_VALUES) if data is not None else None
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
    from .pipeline import StageContext, run_local, start_workers_early  # pipeline builds on this module

    start_workers_early(layout.documents_dir, workers)
    inventory = corpus_inventory(layout)
    report = inventory.report
    sources = {s["id"]: s for s in report.sources} if report.sources is not None else None
    context = StageContext(str(layout.schema_dir), str(layout.documents_dir), str(layout.annotations_dir), sources,
                           convert=False, keep_documents=keep_documents)
    items = ((*item, None) for item in inventory.items())  # made as batches are handed out
    for result in run_local(context, items, workers=workers, progress=progress, total=len(inventory.doc_ids)):
        report.problems += result.problems
        report.files_checked += result.files_checked
        for document in result.documents:
            report.documents[document.doc_id] = document
    if build_inputs:
        problems = check_build_inputs(layout, inventory)
        files = [p for p in problems if p.level != BUILD]  # splits.json's own syntax and schema
        report.problems += files if has_errors(report.problems) or has_errors(files) else problems
    return report


def _walk(folder: Path, corpus_dir: Path, problems: list[Problem]) -> list[Path]:
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
        linked = _outside(found, corpus_dir)
        if linked is not None:
            problems.append(linked)
        elif found.is_dir() and not found.is_symlink():
            files += _walk(found, corpus_dir, problems)
        elif found.suffix in (".json", ".txt", ".toml") and found.is_file():
            files.append(found)
    return files


def _nested_folder(absolute: Path) -> Path | None:
    """The folder inside a corpus' documents/ or annotations/ that holds the file, if any: the
    whole-corpus run refuses such a folder (only files belong there) and never reads into it."""
    for folder in absolute.parents:
        if corpus_folder_suffix(folder.parent) is not None:
            return folder
    return None


def validate_paths(layout: Layout, paths: list[Path]) -> Report:
    """Only the files named (folders are walked): what a contributor runs on their change.

    A file in a corpus' documents/ or annotations/ gets the answer the whole-corpus run gives it: a
    name that is not <doc_id>.txt / <doc_id>.json, or a link out of the corpus, is an unexpected
    file, and a text without its annotation (or an annotation without its text) is reported."""
    report = Report()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += _walk(path, layout.corpus_dir, report.problems)
        else:
            files.append(path)
    needs_sources = any(f.suffix == ".json" and f.name != "sources.json" for f in files)
    source_ids = None
    if needs_sources and layout.sources_path.is_file():
        sources, _ = check_sources(layout.sources_path, layout.schema_dir)  # its problems belong to its own run
        source_ids = {s["id"] for s in sources} if sources is not None else None
    text_of: dict = {}
    nested_seen: set[Path] = set()
    for path in files:
        absolute = Path(os.path.abspath(path))
        suffix = corpus_folder_suffix(absolute.parent)
        if suffix is None and (nested := _nested_folder(absolute)) is not None:
            if nested not in nested_seen:
                nested_seen.add(nested)
                report.problems.append(_entry_problem(nested, nested.name, CORPUS_FOLDERS[nested.parent.name], regular=False))
            continue
        if suffix is not None and path.name in IGNORED_NAMES:
            continue
        report.files_checked += 1
        if suffix is not None:
            wrong = _outside(path, absolute.parent.parent) or _entry_problem(path, path.name, suffix, regular=True)  # the reader names special files
        else:  # corpus.toml, sources.json, splits.json: a link out of the corpus is refused, as the whole run refuses it
            wrong = _outside(path, absolute.parent) if absolute.parent.name == "corpus" else None
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
        else:  # an annotation: its text is beside it (../documents/) or in the corpus
            documents_dir = path.parent.parent / "documents"
            if not documents_dir.is_dir():
                documents_dir = layout.documents_dir
            problems = check_annotation(path, layout.schema_dir, source_ids, text_of, documents_dir)[1]
        report.problems += problems
    return report


def _check_named_splits(layout: Layout, path: Path) -> list[Problem]:
    """A splits.json named on its own: its syntax and schema; the project's own also against the
    listing of documents and corpus.toml, as the whole-corpus run checks it (no document is read)."""
    if os.path.realpath(path) != os.path.realpath(layout.splits_path):
        from .splits import read_splits  # splits imports this module
        return read_splits(path, layout.schema_dir)[1]
    settings = check_settings(layout.settings_path, layout.schema_dir)[0] if layout.settings_path.is_file() else None
    doc_ids = document_listing(layout, Report()).doc_ids  # the listing's own problems belong to the run that lists
    return check_splits(path, layout.schema_dir, doc_ids, settings)
