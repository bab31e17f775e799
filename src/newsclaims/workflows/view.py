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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..dataset.stage import StageContext, process_batch
from ..engine.local import run_local, start_workers_early
from ..errors import UsageError
from ..problems.codes import BUILD
from ..problems.record import Problem, has_errors, shown_path
from ..project import DOC_ID, Layout
from ..schema.configs import SHARD_PATH
from ..schema.files import vocabularies
from ..splits.recorded import read_splits
from ..validation.files import check_settings, check_sources, check_text
from ..validation.level1_bytes import read_bytes
from ..validation.level1_json import decode_json
from ..validation.limits import MAX_ANNOTATION_BYTES
from ..validation.listing import corpus_inventory
from ..view.site import (
    MARKER,
    Site,
    SiteInfo,
    SiteResult,
    Tally,
    ViewDocument,
    start_site,
    write_site,
)
from .validate import check_build_inputs, validate_paths

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
    (default: the project's site/). doc_ids: only these documents (default: all). Pages are rendered
    in worker processes (the corpus is validated there too, a batch of documents at a time)."""
    if origin not in ORIGINS:
        raise UsageError(f"--from must be one of {', '.join(ORIGINS)}, not {origin!r}")
    wrong = [doc_id for doc_id in doc_ids or [] if not DOC_ID.match(doc_id)]
    if wrong:
        raise UsageError(f"not a doc_id: {', '.join(wrong)} (a doc_id is lowercase letters, digits and '-', 3 to 81 characters)")
    if origin == "corpus" and layout is None:
        raise UsageError("not inside a newsclaims project (no corpus/corpus.toml and schema/ here or above); use --root, "
                         "or --from data --data DIR to view a built data folder")
    target = Path(out) if out is not None else (layout.root / "site" if layout is not None else Path("site"))
    path = check_out(layout, target)
    if origin == "data":
        folder = Path(data_dir) if data_dir is not None else (layout.data_dir if layout is not None else Path("data"))
        documents, info = data_documents(folder, doc_ids)
        with swapped(path) as temporary:
            site = start_site(temporary, info)
            for tally, _ in run_local(render_batch, RenderContext(str(temporary), info), documents, workers=workers, total=documents.total):
                site.tally.merge(tally)
            result = site.finish()
    elif doc_ids:
        documents, info = named_documents(layout, doc_ids)
        with swapped(path) as temporary:
            result = write_site(temporary, documents, info)
    else:
        with swapped(path) as temporary:
            result = render_corpus(layout, temporary, workers)
    return ViewResult(target, origin, result.documents, result.with_problems, result.problems, result.corpus_problems)


@dataclass(frozen=True)
class RenderContext:
    """What every worker needs: the site's folder and info; for a corpus, the validation stage's context."""

    folder: str
    info: SiteInfo
    stage: StageContext | None = None  # None: the items are ViewDocuments already read
    root: str | None = None

    def batch_paths(self, batch: list) -> list[str]:
        return self.stage.batch_paths(batch) if self.stage is not None else []


_SITES: dict[str, Site] = {}  # the Site of this process (its compiled templates), by folder


def render_batch(context: RenderContext, items: list) -> tuple[Tally, list[Problem]]:
    """The pages of a batch of documents: (their tally for the overview, problems of no document).
    For a corpus, items are (doc_id, has_text, has_annotation, split), validated here as validate does."""
    site = _SITES.get(context.folder)
    if site is None:
        site = _SITES.setdefault(context.folder, Site(Path(context.folder), context.info))
    others: list[Problem] = []
    if context.stage is None:
        documents = items
    else:
        layout = Layout(Path(context.root))
        checked = process_batch(context.stage, [(doc_id, has_text, has_annotation, None) for doc_id, has_text, has_annotation, _ in items])
        by_doc: dict[str, list[Problem]] = {}
        for found in checked.problems:
            owner = _owner(found, layout)
            (by_doc.setdefault(owner, []) if owner is not None else others).append(found)
        kept = {document.doc_id: document for document in checked.documents}
        documents = (_document(layout, doc_id, kept.get(doc_id), by_doc.get(doc_id, []), split) for doc_id, _, _, split in items)
    for document in documents:
        site.document(document)
    return site.take(), others


def _document(layout: Layout, doc_id: str, kept, problems: list[Problem], split: str | None) -> ViewDocument:
    text, annotation = (kept.text, kept.annotation) if kept is not None else read_raw(layout, doc_id)
    return ViewDocument(doc_id, text, annotation, problems, split)


def render_corpus(layout: Layout, folder: Path, workers: int | None) -> SiteResult:
    """Every document of the corpus, validated (as validate_corpus does) and rendered in one pass."""
    start_workers_early(layout.documents_dir, workers, __name__)
    inventory = corpus_inventory(layout)
    report = inventory.report
    sources = {s["id"]: s for s in report.sources} if report.sources is not None else None
    stage = StageContext(str(layout.schema_dir), str(layout.documents_dir), str(layout.annotations_dir), sources,
                         convert=False, keep_documents=True)
    split_of = _splits(layout)
    info = _info(layout, report.settings, report.sources or [])
    site = start_site(folder, info)
    items = ((*item, split_of.get(item[0])) for item in inventory.items())
    others, invalid = list(report.problems), has_errors(report.problems)
    for tally, found in run_local(render_batch, RenderContext(str(folder), info, stage, str(layout.root)), items, workers=workers,
                                  total=len(inventory.doc_ids)):
        site.tally.merge(tally)
        others += found
        invalid = invalid or bool(tally.with_problems) or has_errors(found)
    problems = check_build_inputs(layout, inventory)  # as validate_corpus: build-level problems only on an otherwise valid corpus
    files = [p for p in problems if p.level != BUILD]
    others += files if invalid or has_errors(files) else problems
    info.problems = others
    return site.finish()


def _splits(layout: Layout) -> dict[str, str]:
    recorded = read_splits(layout.splits_path, layout.schema_dir)[0] if layout.splits_path.is_file() else None
    return recorded["documents"] if recorded is not None else {}


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


def named_documents(layout: Layout, doc_ids: list[str]) -> tuple[list[ViewDocument], SiteInfo]:
    """The documents named (and their problems, as `newsclaims validate FILES` reports them)."""
    missing = [doc_id for doc_id in doc_ids if not layout.document_path(doc_id).exists() and not layout.annotation_path(doc_id).exists()]
    if missing:
        raise UsageError(f"no document {', '.join(missing)} in {layout.corpus_dir} (neither documents/<doc_id>.txt nor annotations/<doc_id>.json)")
    paths = [path for doc_id in doc_ids for path in (layout.document_path(doc_id), layout.annotation_path(doc_id)) if path.exists()]
    report = validate_paths(layout, paths)
    by_doc: dict[str, list[Problem]] = {}
    others = []
    for found in report.problems:
        owner = _owner(found, layout)
        (by_doc.setdefault(owner, []) if owner is not None else others).append(found)
    settings = check_settings(layout.settings_path, layout.schema_dir)[0] if layout.settings_path.is_file() else None
    sources = check_sources(layout.sources_path, layout.schema_dir)[0] if layout.sources_path.is_file() else None
    info = _info(layout, settings, sources or [])
    info.problems = others
    split_of = _splits(layout)
    return [_document(layout, doc_id, None, by_doc.get(doc_id, []), split_of.get(doc_id)) for doc_id in sorted(set(doc_ids))], info


def _info(layout: Layout, settings: dict | None, sources: list[dict]) -> SiteInfo:
    dataset = (settings or {}).get("dataset", {})
    return site_info(dataset.get("name") or layout.root.name, dataset.get("version"), "corpus", layout.corpus_dir, sources, layout.schema_dir)


def site_info(name: str, version: str | None, origin: str, path: Path, sources: list[dict], schema_dir: Path) -> SiteInfo:
    try:
        vocabulary = vocabularies(Path(schema_dir))
    except (OSError, ValueError, KeyError):  # an unreadable schema: its problems are validate's to report
        vocabulary = {}
    return SiteInfo(name=name, version=version, origin=origin, origin_path=os.path.abspath(path), sources=list(sources),
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
    info = site_info(manifest.get("dataset") or data_dir.resolve().name, manifest.get("version"), "data", data_dir, sources, packaged_schema_dir())
    return DataDocuments(data_dir, files, set(doc_ids) if doc_ids else None, _rows_of(files)), info


def _rows_of(files: list[Path]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(path).metadata.num_rows for path in files)


@dataclass
class DataDocuments:
    """The documents of a data folder, read one Parquet file at a time as they are iterated."""

    data_dir: Path
    files: list[Path]
    wanted: set[str] | None
    rows: int

    @property
    def total(self) -> int:
        return len(self.wanted) if self.wanted is not None else self.rows

    def __iter__(self) -> Iterator[ViewDocument]:
        return _data_pages(self.data_dir, self.files, self.wanted)


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


@contextmanager
def swapped(path: Path) -> Iterator[Path]:
    """A new folder beside path to write the site into; put in path's place (the old site removed)
    when the block ends without an error, removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}"
    temporary.mkdir()
    try:
        yield temporary
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
