"""`newsclaims build`: validated corpus -> data/, a self-contained Hugging Face dataset folder.

corpus -> validate (an invalid corpus is refused) -> split assignment (corpus/splits.json) -> rows per
config and split (rows.py) -> Arrow tables with the schema-derived features (features.py) -> Parquet,
card (card.py), manifest (manifest.py), changelog.

Deterministic: rows are sorted, tables are single-chunk, nothing depends on time, paths or dict order,
so the same corpus and tool versions give byte-identical files. Atomic: everything is written into a
temporary folder beside data/ and swapped in only when complete, so a failure leaves data/ untouched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import os
from contextlib import contextmanager
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from . import card, croissant, manifest, splits
from .cli import UsageError
from .corpus import Layout
from .features import CONFIGS, RowEncoder, config_columns, config_features
from .pipeline import StageContext, record_batch, run_local, start_workers_early
from .problems import Problem, has_errors
from .rows import source_rows
from .schemas import schema_version, vocabularies
from .validate import check_changelog, corpus_inventory, shown_path

SPLIT_ORDER = splits.SPLIT_NAMES
# The sources registry is corpus-wide, not per document: it is published as one split.
SOURCES_SPLIT = "train"
# zstd's default level 3: level 6 made files 7% smaller and took twice as long to write, which
# was a third of a 100,000-document build (the writes are serial, in the main process).
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "write_statistics": True}
ROW_GROUP_BYTES = 16 << 20  # Arrow bytes per row group: 5 configs x 3 splits of them are held at most
SHARD_BYTES = 1 << 30  # Arrow bytes per file: about 300-500 MB of Parquet, the Hub's usual shard size
METADATA_KEY = b"newsclaims"  # our key-value metadata in every Parquet file, beside b"huggingface"
TEMP_PREFIX = ".data-build-"
OLD_PREFIX = ".data-old-"


@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)  # errors (and warnings) of a refused build
    files_checked: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # config -> split -> rows
    warnings: list[Problem] = field(default_factory=list)  # of a build that was not refused for them


def shard_name(split: str, index: int = 0, total: int = 1) -> str:
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


class ShardWriter:
    """The Parquet files of one config and split, written as record batches arrive.

    Batches are gathered into row groups of about ROW_GROUP_BYTES and files are rolled over after
    about `shard_bytes` (both counted in Arrow bytes, which do not depend on timing or compression,
    so the layout is deterministic). Files get their final `-of-N` names in `finish`, once N is known.
    """

    def __init__(self, folder: Path, split: str, schema: pa.Schema, shard_bytes: int):
        self.folder, self.split, self.schema, self.shard_bytes = folder, split, schema, shard_bytes
        self.pending: list[pa.RecordBatch] = []
        self.pending_bytes = 0
        self.writer: pq.ParquetWriter | None = None
        self.shard_written = 0
        self.paths: list[Path] = []
        self.rows = 0
        self.nbytes = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.pending_bytes += batch.nbytes
        self.rows += batch.num_rows
        self.nbytes += batch.nbytes
        if self.pending_bytes >= min(ROW_GROUP_BYTES, self.shard_bytes):
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        if self.writer is None:
            path = self.folder / f"{self.split}-{len(self.paths):05d}.parquet.part"
            self.paths.append(path)
            self.writer = pq.ParquetWriter(path, self.schema, **PARQUET_OPTIONS)
        table = pa.Table.from_batches(self.pending, schema=self.schema).combine_chunks()
        self.writer.write_table(table, row_group_size=table.num_rows)
        self.shard_written += self.pending_bytes
        self.pending, self.pending_bytes = [], 0
        if self.shard_written >= self.shard_bytes:
            self.writer.close()
            self.writer, self.shard_written = None, 0

    def finish(self) -> None:
        self._flush()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        for index, path in enumerate(self.paths):
            path.rename(self.folder / shard_name(self.split, index, len(self.paths)))


def file_schema(features, settings: dict, schema_version_value: str, config: str, split: str) -> pa.Schema:
    """The features' Arrow schema (with the Hugging Face features as metadata) plus our versions."""
    schema = features.arrow_schema
    ours = {"dataset": settings["dataset"]["name"], "dataset_version": settings["dataset"]["version"],
            "schema_version": schema_version_value, "config": config, "split": split, "tools": manifest.tool_versions()}
    return schema.with_metadata({**schema.metadata, METADATA_KEY: orjson.dumps(ours, option=orjson.OPT_SORT_KEYS)})


@dataclass
class Written:
    """What the per-document pass produced."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    stories: dict[str, str] = field(default_factory=dict)  # valid doc_id -> story_id, for documents in a story
    stale: dict[str, tuple[str, str]] = field(default_factory=dict)  # doc_id -> (its split, its group's hash)
    writers: dict[tuple[str, str], ShardWriter] = field(default_factory=dict)
    statistics: Counter = field(default_factory=Counter)


def write_documents(layout: Layout, inventory, listed: splits.ListedAssignment | None, target: Path, workers: int | None,
                    shard_bytes: int, progress: bool | None, engine: str = "local") -> Written:
    """Validate and convert every document, streaming its rows into the Parquet writers under `target`.
    Once a problem is found nothing more is written (the build will be refused) but checking goes
    on, so that every problem is reported in one run. `listed`: each document's split (None: no
    valid splits.json, nothing is converted)."""
    report = inventory.report
    settings = report.settings
    sources = {source["id"]: source for source in report.sources}
    features = config_features(layout.schema_dir)
    version_of_schema = schema_version(layout.schema_dir)
    context = StageContext(str(layout.schema_dir), str(layout.documents_dir), str(layout.annotations_dir), sources,
                           split_hashes=listed.hashes if listed is not None else None)
    # Made as batches are handed out: a list of a million 4-tuples would be 80 MB held for the whole pass.
    split_of_each = listed.splits() if listed is not None else itertools.repeat(None)
    items = ((doc_id, has_text, has_annotation, split) for (doc_id, has_text, has_annotation), split in zip(inventory.items(), split_of_each))
    if engine == "ray":
        from .engine_ray import run_ray
        results = run_ray(context, list(items), workers=workers)
    else:
        results = run_local(context, items, workers=workers, progress=progress, total=len(inventory.doc_ids))
    written = Written(files_checked=report.files_checked)
    refused = False
    for result in results:
        written.problems += result.problems
        written.files_checked += result.files_checked
        written.stories.update(result.stories)
        written.stale.update(result.stale)
        refused = refused or has_errors(result.problems)  # warnings (a bidi control in a text) do not stop the build
        if refused:
            continue
        written.statistics.update(result.statistics)
        for (config, split), stream in result.batches.items():
            batch = record_batch(stream)
            writer = written.writers.get((config, split))
            if writer is None:
                folder = target / config
                folder.mkdir(exist_ok=True)
                schema = file_schema(features[config], settings, version_of_schema, config, split)
                writer = written.writers[(config, split)] = ShardWriter(folder, split, schema, shard_bytes)
            writer.add(batch)
    return written


def write_sources(layout: Layout, report, target: Path) -> ShardWriter:
    features = config_features(layout.schema_dir)["sources"]
    rows = source_rows(report.sources, list(features))
    folder = target / "sources"
    folder.mkdir(exist_ok=True)
    schema = file_schema(features, report.settings, schema_version(layout.schema_dir), "sources", SOURCES_SPLIT)
    writer = ShardWriter(folder, SOURCES_SPLIT, schema, shard_bytes=1 << 62)
    writer.add(RowEncoder(features).encode(rows, schema))
    return writer


# --- publishing: swap the complete new folder in --------------------------------------------------

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def publish(new: Path, data_dir: Path) -> None:
    """Make `new` the data folder. With an atomic exchange a reader sees the old or the new folder,
    never a mix; elsewhere the old folder is set aside first and restored by `recover` after a crash."""
    if not data_dir.exists():
        os.replace(new, data_dir)
        return
    if _exchange(new, data_dir):
        shutil.rmtree(new)  # now holds the old version
        return
    old = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=data_dir.parent))
    os.rmdir(old)
    os.replace(data_dir, old)
    os.replace(new, data_dir)
    shutil.rmtree(old)


def recover(root: Path, data_dir: Path) -> None:
    """Clean up after a build that was killed: a half-written temporary folder is never published;
    an old version set aside during a non-atomic swap is put back if data/ is missing."""
    for leftover in sorted(root.glob(TEMP_PREFIX + "*")):
        shutil.rmtree(leftover, ignore_errors=True)
    for old in sorted(root.glob(OLD_PREFIX + "*")):
        if not data_dir.exists():
            os.replace(old, data_dir)
        else:
            shutil.rmtree(old, ignore_errors=True)


class BuildLocked(UsageError):
    """Another build holds the lock on the same data folder."""


@contextmanager
def build_lock(data_dir: Path):
    """One build at a time per folder holding data folders (they share its temporary folders).

    The lock is flock on the folder itself: nothing is written to the project, and the kernel
    releases it when its holder dies, so a killed build never leaves a stale lock."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, builds must not be run at once
        yield
        return
    fd = os.open(data_dir.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing in {data_dir.parent}; wait until it ends, then build again") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def build(layout: Layout, data_dir: Path | None = None, workers: int | None = None, shard_bytes: int = SHARD_BYTES,
          progress: bool | None = None, engine: str = "local") -> BuildResult:
    """Validate, then write the dataset to `data_dir` (default: <root>/data) atomically."""
    data_dir = Path(data_dir) if data_dir is not None else layout.data_dir
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(data_dir):
        recover(data_dir.parent, data_dir)
        return _build_locked(layout, data_dir, workers, shard_bytes, progress, engine)


def _build_locked(layout: Layout, data_dir: Path, workers, shard_bytes: int, progress, engine: str) -> BuildResult:
    result = BuildResult()
    if engine == "local":
        start_workers_early(layout.documents_dir, workers)
    inventory = corpus_inventory(layout)
    report = inventory.report
    result.files_checked = report.files_checked
    if not report.valid:  # settings or sources invalid, stray files: nothing can be built
        result.problems = report.problems
        return result
    recorded, split_problems = splits.read_splits(layout.splits_path, layout.schema_dir)
    listed = None
    if recorded is not None:
        listed = splits.listed_assignment(recorded, inventory.doc_ids, report.settings, shown_path(layout.splits_path))
        del recorded  # a million documents: its map is some 150 MB; `listed` holds a byte each
    target = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=data_dir.parent))
    try:
        written = write_documents(layout, inventory, listed, target, workers, shard_bytes, progress, engine)
        result.files_checked = written.files_checked
        if has_errors(written.problems):
            result.problems = written.problems
            return result
        result.warnings = written.problems
        if listed is None:
            result.problems = split_problems
            return result
        # No problem: every listed document is valid. The workers compared each split with its hash.
        problems = list(listed.problems)
        if written.stale:
            problems += splits.stale_problems(layout.splits_path, layout.schema_dir, inventory.doc_ids, written.stories, written.stale)
        problems = splits.located(problems, layout.splits_path)
        problems += check_changelog(layout, report.settings["dataset"]["version"])
        if problems:
            result.problems = problems
            return result
        writers = dict(written.writers)
        writers[("sources", SOURCES_SPLIT)] = write_sources(layout, report, target)
        for writer in writers.values():
            writer.finish()
        counts = {config: {split: writers[(config, split)].rows for split in SPLIT_ORDER if (config, split) in writers}
                  for config in CONFIGS}
        num_bytes = {config: {split: writers[(config, split)].nbytes for split in counts[config]} for config in CONFIGS}
        changelog = (layout.root / "CHANGELOG.md").read_text(encoding="utf-8")
        (target / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
        card_text = card.render_card(layout, report.settings, config_features(layout.schema_dir), counts, num_bytes, written.statistics)
        (target / "README.md").write_text(card_text, encoding="utf-8")
        write_croissant(layout, report.settings, target, counts)
        manifest.write_manifest(target, report.settings, schema_version(layout.schema_dir), counts)
        _sync_tree(target)
        publish(target, data_dir)
        result.counts = counts
    finally:
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
    return result


def write_croissant(layout: Layout, settings: dict, target: Path, counts: dict[str, dict[str, int]]) -> None:
    """croissant.json: Croissant 1.1 metadata of the Parquet files (hashes included)."""
    parquet = [(p.relative_to(target).as_posix(), manifest.sha256_of(p)) for p in sorted(target.rglob("*.parquet"))]
    descriptions = {config: {name: text for name, (_, text) in columns.items()} for config, columns in config_columns(layout.schema_dir).items()}
    published = {config: by_split for config, by_split in counts.items() if by_split}  # configs with rows
    features = {config: f for config, f in config_features(layout.schema_dir).items() if config in published}
    content = croissant.croissant_json(settings, features, {c: descriptions[c] for c in published}, parquet, published,
                                       vocabularies(layout.schema_dir))
    (target / "croissant.json").write_bytes(content)


def _sync_tree(folder: Path) -> None:
    """fsync every file and folder, so that after a power cut the swapped-in folder is complete."""
    for path in sorted(folder.rglob("*")) + [folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
