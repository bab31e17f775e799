"""`newsclaims validate`: run the levels over corpus files and collect every problem.

Read-only: nothing here writes to the corpus. The per-file functions are pure over (bytes, context)
so that they can run in worker processes on large corpora.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import orjson

from . import checks, parse, schemas
from .corpus import DOC_ID, DocIds, Layout, doc_id_names
from .parse import shown_path
from .problems import Problem, problem


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
    # A value takes at least one byte: only a file longer than the limit can hold too many.
    if data.startswith(b"\xef\xbb\xbf") or (len(data) > parse.MAX_JSON_VALUES and parse.values_estimate(data) > parse.MAX_JSON_VALUES):
        return None  # the exact path explains; a bomb is refused there before anything is built
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not dict or not keys_unique(data, value):
        return None
    if not schemas.validator(schema_dir, schemas.ANNOTATION).is_valid(value):
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
        return not self.problems


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


def check_settings(path: Path, schema_dir: Path) -> tuple[dict | None, list[Problem]]:
    shown = shown_path(path)
    text, problems = parse.read_text(path, parse.MAX_REGISTRY_BYTES)
    if text is None:
        return None, problems
    settings, problems = parse.parse_toml(text, shown)
    if settings is None:
        return None, problems
    problems = schemas.check_schema(settings, schema_dir, schemas.CORPUS, shown)
    if not problems:
        ratios = settings["splits"]["ratios"]
        total = ratios["train"] + ratios["validation"] + ratios["test"]
        if abs(total - 1) > 1e-9:
            problems.append(problem("split-ratios-sum", shown, f"train + validation + test = {total:g}, not 1", pointer="/splits/ratios"))
    return (settings if not problems else None), problems


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
        if name in (".gitkeep", ".gitattributes"):
            continue
        path = os.path.join(folder, name)
        if entry is not None and entry.is_symlink():
            linked = _outside(path, corpus_dir)
            if linked is not None:
                problems.append(linked)
                continue
        stem, dot, extension = name.rpartition(".")
        if entry is not None and not entry.is_file():
            problems.append(problem("unexpected-file", shown_path(path), "a folder or special file where only files belong"))
        elif not dot or "." + extension != suffix or not DOC_ID.match(stem):
            problems.append(problem("unexpected-file", shown_path(path), f"the name is not <doc_id>{suffix} with a lowercase slug doc_id",
                                    hint=f"Name the file <doc_id>{suffix}, doc_id from a-z, 0-9 and '-' (3-81 characters)."))
        else:  # a link inside the corpus to a regular file
            found.add(stem)
    return DocIds(found), problems


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
    linked = [p for p in (_outside(layout.settings_path, layout.corpus_dir), _outside(layout.sources_path, layout.corpus_dir)) if p]
    if linked:
        report.problems += linked
        return Inventory(report)
    report.settings, problems = check_settings(layout.settings_path, layout.schema_dir) if layout.settings_path.exists() else (None, [problem("file-unreadable", shown_path(layout.settings_path), "corpus/corpus.toml is missing")])
    report.problems += problems
    report.sources, problems = check_sources(layout.sources_path, layout.schema_dir) if layout.sources_path.exists() else (None, [problem("file-unreadable", shown_path(layout.sources_path), "corpus/sources.json is missing")])
    report.problems += problems
    report.files_checked = 2
    texts, problems = _corpus_files(layout.documents_dir, ".txt", layout.corpus_dir)
    report.problems += problems
    annotations, problems = _corpus_files(layout.annotations_dir, ".json", layout.corpus_dir)
    report.problems += problems
    if texts == annotations:  # every text has its annotation: the common case
        return Inventory(report, texts)
    texts, annotations = set(texts), set(annotations)
    return Inventory(report, DocIds(texts | annotations), without_annotation=texts - annotations, without_text=annotations - texts)


def validate_corpus(layout: Layout, workers: int | None = None, keep_documents: bool = True, progress: bool | None = None) -> Report:
    """Every file of the corpus, the registry, the settings, and the pairing of texts and annotations.

    Documents are checked in batches by worker processes (pipeline.py); with keep_documents=False
    the report holds problems only, and memory does not grow with the corpus.
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
    return report


def validate_paths(layout: Layout, paths: list[Path]) -> Report:
    """Only the files named (folders are walked): what a contributor runs on their change."""
    report = Report()
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.suffix not in (".json", ".txt", ".toml"):
                    continue
                linked = _outside(found, layout.corpus_dir)
                if linked is not None:
                    report.problems.append(linked)
                elif found.is_file():
                    files.append(found)
        else:
            files.append(path)
    needs_sources = any(f.suffix == ".json" and f.name != "sources.json" for f in files)
    source_ids = None
    if needs_sources and layout.sources_path.is_file():
        sources, _ = check_sources(layout.sources_path, layout.schema_dir)  # its problems belong to its own run
        source_ids = {s["id"] for s in sources} if sources is not None else None
    text_of: dict = {}
    for path in files:
        report.files_checked += 1
        if path.name == "corpus.toml":
            report.settings, problems = check_settings(path, layout.schema_dir)
        elif path.name == "sources.json":
            report.sources, problems = check_sources(path, layout.schema_dir)
        elif path.name == "splits.json":
            from .splits import read_splits  # splits imports this module
            problems = read_splits(path, layout.schema_dir)[1]
        elif path.suffix == ".txt":
            problems = check_text(path)[2]
        elif path.suffix != ".json":
            problems = [problem("unexpected-file", shown_path(path), "not a corpus file (<doc_id>.txt, <doc_id>.json, sources.json or corpus.toml)")]
        else:  # an annotation: its text is beside it (../documents/) or in the corpus
            documents_dir = path.parent.parent / "documents"
            if not documents_dir.is_dir():
                documents_dir = layout.documents_dir
            problems = check_annotation(path, layout.schema_dir, source_ids, text_of, documents_dir)[1]
        report.problems += problems
    return report
