"""`newsclaims view`: the explorer's static site, from the corpus (validated as `newsclaims validate`
does: an invalid document is rendered too, with its problems at their spans) or from a built data/
folder (what a consumer downloaded, without the corpus).

The site is written into a new folder beside the output folder and swapped in whole, so a failed run
leaves the last site; only a folder `newsclaims view` wrote (or an empty or absent one) is replaced.
"""

from __future__ import annotations

import importlib.resources
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..errors import UsageError
from ..problems.record import Problem, shown_path
from ..project import DOC_ID, Layout
from ..schema.configs import SHARD_PATH
from ..schema.files import vocabularies
from ..splits.recorded import read_splits
from ..validation.files import Report, check_settings, check_sources, check_text
from ..validation.level1_bytes import read_bytes
from ..validation.level1_json import decode_json
from ..validation.limits import MAX_ANNOTATION_BYTES
from ..view.site import MARKER, SiteInfo, SiteResult, ViewDocument, write_site
from .validate import validate_corpus, validate_paths

ORIGINS = ("corpus", "data")
TEMP_PREFIX, OLD_PREFIX = ".view-build-", ".view-old-"


@dataclass
class ViewResult:
    folder: Path
    origin: str
    documents: int
    with_problems: list[str] = field(default_factory=list)
    problems: int = 0
    corpus_problems: int = 0  # problems of no document (sources.json, splits.json, corpus.toml...)

    @property
    def index(self) -> Path:
        return self.folder / "index.html"


def view(layout: Layout | None, out: Path | None = None, origin: str = "corpus", doc_ids: list[str] | None = None,
         data_dir: Path | None = None, workers: int | None = None) -> ViewResult:
    """Write the site of the corpus (origin "corpus") or of a built data folder (origin "data") into out
    (default: the project's site/). doc_ids: only these documents (default: all)."""
    if origin not in ORIGINS:
        raise UsageError(f"--from must be one of {', '.join(ORIGINS)}, not {origin!r}")
    wrong = [doc_id for doc_id in doc_ids or [] if not DOC_ID.match(doc_id)]
    if wrong:
        raise UsageError(f"not a doc_id: {', '.join(wrong)} (a doc_id is lowercase letters, digits and '-', 3 to 81 characters)")
    if origin == "corpus":
        if layout is None:
            raise UsageError("not inside a newsclaims project (no corpus/corpus.toml and schema/ here or above); use --root, "
                             "or --from data --data DIR to view a built data folder")
        documents, info = corpus_documents(layout, doc_ids, workers)
    else:
        folder = Path(data_dir) if data_dir is not None else (layout.data_dir if layout is not None else Path("data"))
        documents, info = data_documents(folder, doc_ids)
    target = Path(out) if out is not None else (layout.root / "site" if layout is not None else Path("site"))
    site = write_swapped(layout, target, documents, info)
    return ViewResult(target, origin, site.documents, site.with_problems, site.problems, len(info.problems))


# --- from the corpus -------------------------------------------------------------------------------

def _owner(found: Problem, layout: Layout) -> str | None:
    """The doc_id whose text or annotation file the problem is about, None for any other file."""
    path = Path(os.path.abspath(found.file))
    folders = {os.path.abspath(layout.documents_dir): ".txt", os.path.abspath(layout.annotations_dir): ".json"}
    suffix = folders.get(str(path.parent))
    if suffix is not None and path.name.endswith(suffix) and DOC_ID.match(path.name[:-len(suffix)]):
        return path.name[:-len(suffix)]
    return None


def read_raw(layout: Layout, doc_id: str) -> tuple[str | None, dict | None]:
    """(text, annotation) of a document as far as they can be read, valid or not: the text even when it
    fails a text check (undecodable bytes shown as U+FFFD), the annotation when it is JSON."""
    text_path, annotation_path = layout.document_path(doc_id), layout.annotation_path(doc_id)
    text = None
    if text_path.is_file():
        text = check_text(text_path)[0]
        if text is None:
            data = read_bytes(text_path, 1 << 40)[0]
            text = data.decode("utf-8", "replace") if data is not None else None
    annotation = None
    if annotation_path.is_file():
        data = read_bytes(annotation_path, MAX_ANNOTATION_BYTES)[0]
        if data is not None:
            value = decode_json(data, shown_path(annotation_path))[0]
            annotation = value if isinstance(value, dict) else None
    return text, annotation


def corpus_documents(layout: Layout, doc_ids: list[str] | None, workers: int | None) -> tuple[Iterator[ViewDocument], SiteInfo]:
    if doc_ids:
        paths = [path for doc_id in doc_ids for path in (layout.document_path(doc_id), layout.annotation_path(doc_id)) if path.exists()]
        missing = [doc_id for doc_id in doc_ids if not layout.document_path(doc_id).exists() and not layout.annotation_path(doc_id).exists()]
        if missing:
            raise UsageError(f"no document {', '.join(missing)} in {layout.corpus_dir} (neither documents/<doc_id>.txt nor annotations/<doc_id>.json)")
        report = validate_paths(layout, paths)
        report.settings = check_settings(layout.settings_path, layout.schema_dir)[0] if layout.settings_path.is_file() else None
        report.sources = check_sources(layout.sources_path, layout.schema_dir)[0] if layout.sources_path.is_file() else None
    else:
        report = validate_corpus(layout, workers=workers, keep_documents=True)
    by_doc: dict[str, list[Problem]] = {}
    corpus_problems = []
    for found in report.problems:
        owner = _owner(found, layout)
        if owner is None:
            corpus_problems.append(found)
        else:
            by_doc.setdefault(owner, []).append(found)
    recorded = read_splits(layout.splits_path, layout.schema_dir)[0] if layout.splits_path.is_file() else None
    split_of = recorded["documents"] if recorded is not None else {}
    settings = report.settings or {}
    info = _info(settings.get("dataset", {}).get("name") or layout.root.name, settings.get("dataset", {}).get("version"),
                 "corpus", layout.corpus_dir, report.sources or [], corpus_problems, layout.schema_dir)
    names = sorted(set(doc_ids) if doc_ids else set(report.documents) | set(by_doc))
    return _corpus_pages(layout, names, report, by_doc, split_of), info


def _corpus_pages(layout: Layout, names: list[str], report: Report, by_doc: dict, split_of: dict) -> Iterator[ViewDocument]:
    for doc_id in names:
        kept = report.documents.pop(doc_id, None)  # each document is held until its page is written
        if kept is not None and doc_id not in by_doc:
            yield ViewDocument(doc_id, kept.text, kept.annotation, [], split_of.get(doc_id))
        else:
            text, annotation = (kept.text, kept.annotation) if kept is not None else read_raw(layout, doc_id)
            yield ViewDocument(doc_id, text, annotation, by_doc.get(doc_id, []), split_of.get(doc_id))


def _info(name: str, version: str | None, origin: str, path: Path, sources: list[dict], problems: list[Problem], schema_dir: Path) -> SiteInfo:
    try:
        vocabulary = vocabularies(Path(schema_dir))
    except (OSError, ValueError, KeyError):  # an unreadable schema: its problems are validate's to report
        vocabulary = {}
    return SiteInfo(name=name, version=version, origin=origin, origin_path=os.path.abspath(path), sources=list(sources), problems=problems,
                    entity_types=list(vocabulary.get("entity_type", {})), claim_types=list(vocabulary.get("claim_type", {})),
                    attribution_modes=list(vocabulary.get("attribution_mode", {})))


# --- from a built data folder ----------------------------------------------------------------------

def packaged_schema_dir() -> Path:
    """The schema files shipped in the package (a data folder comes without the project's schema/)."""
    return Path(str(importlib.resources.files("newsclaims.schema").joinpath("json")))


def data_documents(data_dir: Path, doc_ids: list[str] | None) -> tuple[Iterator[ViewDocument], SiteInfo]:
    from ..dataset.roundtrip import RoundTripError, iter_config, parquet_files

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise UsageError(f"{data_dir}: no such data folder (build one with `newsclaims build`, or name it with --data DIR)")
    try:
        files = parquet_files(data_dir, "documents")
        sources = [{name: value for name, value in row.items() if value is not None} for row, _ in iter_config(data_dir, "sources")]
    except RoundTripError as error:
        raise UsageError(str(error)) from None
    manifest = {}
    if (data_dir / "manifest.json").is_file():
        try:
            manifest = orjson.loads((data_dir / "manifest.json").read_bytes())
        except orjson.JSONDecodeError:
            manifest = {}  # `newsclaims verify` reports it; the tables themselves are read
    info = _info(manifest.get("dataset") or data_dir.resolve().name, manifest.get("version"), "data", data_dir, sources, [], packaged_schema_dir())
    return _data_pages(data_dir, files, set(doc_ids) if doc_ids else None), info


def _data_pages(data_dir: Path, files: list[Path], wanted: set[str] | None) -> Iterator[ViewDocument]:
    from ..dataset.roundtrip import RoundTripError, annotation_of, read_rows

    seen: set[str] = set()
    for path in files:
        match = SHARD_PATH.match(f"documents/{path.name}")
        split = match["split"] if match else None
        try:
            rows, ours = read_rows(path)
        except RoundTripError as error:
            raise UsageError(str(error)) from None
        for row in rows:
            if wanted is None or row["doc_id"] in wanted:
                seen.add(row["doc_id"])
                yield ViewDocument(row["doc_id"], row["text"], annotation_of(row, ours.get("schema_version", "")), [], split)
    if wanted is not None and wanted - seen:
        raise UsageError(f"no document {', '.join(sorted(wanted - seen))} in {data_dir}")


# --- the output folder -----------------------------------------------------------------------------

def check_out(layout: Layout | None, target: Path) -> Path:
    """The real output folder; a UsageError for one that must not be replaced."""
    path = Path(os.path.realpath(target))
    if layout is not None:
        root = Path(os.path.realpath(layout.root))
        guarded = {root: "the project folder", Path(os.path.realpath(layout.corpus_dir)): "the corpus folder",
                   Path(os.path.realpath(layout.schema_dir)): "the schema folder", Path(os.path.realpath(layout.data_dir)): "the data folder"}
        for other, what in guarded.items():
            if path == other or path in other.parents or (other in path.parents and other != root):
                raise UsageError(f"the output folder {target} is or holds or is inside {what} ({other}): the site replaces its folder whole; "
                                 "use --out DIR with a new or empty folder, or one `newsclaims view` wrote (default: the project's site/)")
    if path.exists() and not path.is_dir():
        raise UsageError(f"the output folder {target} is a file; use --out DIR with a new or empty folder")
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).is_file():
        shown = ", ".join(sorted(entry.name for entry in path.iterdir())[:5])
        raise UsageError(f"the output folder {target} holds files `newsclaims view` did not write ({shown}...); it is left as it is: "
                         "use --out DIR with a new or empty folder, or one `newsclaims view` wrote")
    return path


def write_swapped(layout: Layout | None, target: Path, documents, info: SiteInfo) -> SiteResult:
    """The site written into a new folder beside target, then put in target's place."""
    path = check_out(layout, target)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}"
    temporary.mkdir()
    try:
        result = write_site(temporary, documents, info)
        if path.exists():
            old = path.parent / f"{OLD_PREFIX}{secrets.token_hex(4)}"
            os.rename(path, old)
            os.rename(temporary, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(temporary, path)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    result.folder = path
    return result
