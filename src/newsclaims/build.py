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
import errno
import itertools
import os
from contextlib import contextmanager
import secrets
import shutil
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from . import card, croissant, errors, manifest, splits
from .errors import EnvironmentFailure, UsageError
from .corpus import Layout
from .manifest import MANIFEST
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


# --- the output folder: a build replaces only a folder a build wrote ------------------------------

SHOWN_NAMES = 5  # a refusal names this many of the files in the way, then says how many more
ELSEWHERE = "--out DIR: a new or empty folder, or one a build wrote; without --out, the project's data/"


@dataclass(frozen=True)
class OutFolder:
    """Where a build goes: `path` is the real folder (a symbolic link's target), `shown` names it as the
    caller did (and where it leads, when that differs)."""

    path: Path
    shown: str

    def state(self) -> str:
        return f"{self.shown} is unchanged" if self.path.exists() else f"{self.shown} was not created"


def _relation(path: Path, other: Path) -> str | None:
    if path == other:
        return "is"
    if other in path.parents:
        return "is inside"
    if path in other.parents:
        return "holds"
    return None


def resolve_out(layout: Layout, data_dir: Path) -> OutFolder:
    """The folder a build may write, from what the caller named; a UsageError (the reason and the fix)
    for a dangling link, a file, the corpus, the schema, the project folder or a folder above it.
    Reads nothing but the paths: a folder's contents are checked under the lock (check_replaceable)."""
    given = Path(data_dir)
    path = Path(os.path.realpath(given))  # through every link, so the swap happens beside the real folder
    if os.path.islink(given):
        shown = f"{given} (a symbolic link to {path})"
    else:
        shown = str(given) if os.path.abspath(given) == str(path) else f"{given} (that is {path})"
    root = Path(os.path.realpath(layout.root))
    guarded = [(root, {"is": "is the project folder", "holds": "is above the project folder"}),  # inside it: data/
               (Path(os.path.realpath(layout.corpus_dir)), {r: f"{r} the corpus folder" for r in ("is", "is inside", "holds")}),
               (Path(os.path.realpath(layout.schema_dir)), {r: f"{r} the schema folder" for r in ("is", "is inside", "holds")})]
    for other, refused in guarded:
        relation = refused.get(_relation(path, other))
        if relation is not None:
            raise UsageError(f"the output folder {shown} {relation} ({other}): a build replaces its output folder whole, so it is never "
                             f"the project folder, a folder above it, the corpus or the schema; build elsewhere ({ELSEWHERE})")
    if os.path.islink(given) and not path.exists():  # after the guards: `mkdir -p` must not make a folder in the corpus
        raise UsageError(f"the output folder {given} is a symbolic link to {os.readlink(given)}, which does not exist; "
                         f"create that folder (mkdir -p {path}) and build again, or remove the link to build into a new folder {given}")
    existing = next(folder for folder in [path, *path.parents] if os.path.lexists(folder))
    if existing == path and not existing.is_dir():
        raise UsageError(f"the output folder {shown} is a file, not a folder: a build writes a folder there and would replace the file; "
                         f"build elsewhere ({ELSEWHERE})")
    if not existing.is_dir():
        raise UsageError(f"the output folder {shown} cannot be made: {existing} is a file, not a folder; build elsewhere ({ELSEWHERE})")
    return OutFolder(path, shown)


def _manifest_files(out: OutFolder) -> set[str] | None:
    """The files the manifest.json of a build folder lists (None: there is no manifest.json)."""
    path = out.path / MANIFEST
    if not os.path.lexists(path):
        return None
    files, why = None, "it is a link or a folder, not a file"
    try:
        if path.is_file() and not path.is_symlink():
            content = orjson.loads(path.read_bytes())
            files = content.get("files") if isinstance(content, dict) and "manifest_format" in content else None
            why = "it has no manifest_format and files"
    except orjson.JSONDecodeError as error:
        why = f"it is not JSON: {error}"
    except OSError as error:
        if error.errno not in errors.ENVIRONMENT_ERRNOS:
            raise
        raise _not_replaceable(out, path, error.errno, "cannot be read") from None
    if not isinstance(files, dict):
        raise UsageError(f"the output folder {out.shown} has a {MANIFEST} that is not a build's manifest ({why}), and a build replaces only "
                         f"a folder a build wrote; if {out.path} is an old build you no longer need, delete it (rm -r {out.path}) and build "
                         f"again, or build elsewhere ({ELSEWHERE})")
    return set(files)


def _survey(folder: Path, listed: set[str]) -> tuple[list[str], list[Path]]:
    """What a build would delete without having written it (paths relative to `folder`, a folder with a
    trailing /: not below it), and every folder under `folder`, which all must be writable."""
    expected_folders = {parent.as_posix() for name in listed for parent in PurePosixPath(name).parents} - {"."}
    foreign, folders, pending = [], [folder], [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False) and name in expected_folders:
                    folders.append(Path(entry.path))
                    pending.append((Path(entry.path), name + "/"))
                elif entry.is_dir(follow_symlinks=False):
                    foreign.append(name + "/")
                elif not (entry.is_file(follow_symlinks=False) and (name in listed or name == MANIFEST)):
                    foreign.append(name)  # a link or anything a build did not write
    return sorted(foreign), folders


def _writable(path: Path, mode: int) -> OSError | None:
    """An OSError saying why `path` does not allow `mode` (read-only file system, or permission), else None."""
    if os.access(path, mode, effective_ids=os.access in os.supports_effective_ids):
        return None
    code = errno.EROFS if os.statvfs(path).f_flag & os.ST_RDONLY else errno.EACCES
    return OSError(code, os.strerror(code), os.fspath(path))


def check_replaceable(out: OutFolder) -> None:
    """Before any work: refuse a folder holding anything a build did not write (UsageError), and a
    folder the build could not replace (EnvironmentFailure): the temporary folder is made beside it,
    and after the swap the old version is deleted whole, so its every folder must be writable."""
    parent = out.path.parent
    problem_path = _writable(parent, os.W_OK | os.X_OK)
    if problem_path is not None:
        failure = errors.environment_failure(problem_path, "creating the build's temporary folder in")
        raise EnvironmentFailure(f"{failure}; nothing was written: {out.state()}", parent)
    if not out.path.exists():
        return
    if os.path.ismount(out.path):  # the swap renames it, which a mount point refuses (EBUSY)
        raise _mount_point(out)
    listed = _manifest_files(out)
    try:
        foreign, folders = _survey(out.path, listed or set())
    except OSError as error:
        if error.errno not in errors.ENVIRONMENT_ERRNOS:
            raise
        raise _not_replaceable(out, Path(error.filename or out.path), error.errno, "cannot be read") from None
    if foreign:
        names = ", ".join(foreign[:SHOWN_NAMES]) + (f" and {len(foreign) - SHOWN_NAMES} more" if len(foreign) > SHOWN_NAMES else "")
        why = ("files that no build wrote (they are not in its manifest.json)" if listed is not None
               else f"files, and it is not a folder a build wrote (it has no {MANIFEST})")
        raise UsageError(f"the output folder {out.shown} holds {why}: {names}; a build replaces the folder whole and would delete them. "
                         f"Move them out of {out.path} and build again, or build elsewhere ({ELSEWHERE})")
    for folder in folders:
        problem_path = _writable(folder, os.R_OK | os.W_OK | os.X_OK)
        if problem_path is not None:
            raise _not_replaceable(out, folder, problem_path.errno, "is not writable")


def _mount_point(out: OutFolder) -> UsageError:
    return UsageError(f"the output folder {out.shown} is a mount point: a build swaps its new version in by renaming the folder, which "
                      f"a mount point does not allow; build into a folder inside it (--out {out.path / 'data'}); nothing was written: {out.state()}")


def _not_replaceable(out: OutFolder, folder: Path, code: int, verb: str) -> EnvironmentFailure:
    what, fix = errors.ENVIRONMENT_ERRNOS[code]
    if code == errno.EACCES:
        fix = f"a build deletes the previous version whole, so its every folder must be readable and writable: `chmod -R u+rwX {out.path}`, then build again"
    return EnvironmentFailure(f"the previous build in {out.shown} cannot be replaced: {folder} {verb} ({what}); {fix}; "
                              f"nothing was written: {out.state()}", folder)


def _environment(error: OSError, doing: str, path: Path, state: str) -> EnvironmentFailure | OSError:
    """The EnvironmentFailure for an OSError from the machine, naming its file (else `path`) and the
    state it left; any other OSError is returned as it is, for the caller to raise (a bug)."""
    code = error.errno  # pyarrow's errors carry the errno but no file name
    failure = errors.environment_failure(OSError(code, os.strerror(code) if code else str(error), error.filename or os.fspath(path)), doing)
    if failure is None:
        return error
    return EnvironmentFailure(f"{failure}; {state}", failure.path)


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


def temporary_folder(parent: Path) -> Path:
    """A new folder for the next version beside data/. Made by mkdir, so it has the umask's mode, as a
    new data/ must (mkdtemp's is always 0700)."""
    while True:
        path = parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _old_prefix(data_dir: Path) -> str:
    """Where a non-atomic swap sets aside the old version of data_dir: its name tells whose it is."""
    return f"{OLD_PREFIX}{data_dir.name}."


def publish(new: Path, data_dir: Path, shown: str | None = None) -> None:
    """Make `new` the data folder. With an atomic exchange a reader sees the old or the new folder,
    never a mix; elsewhere the old folder is set aside first and restored by `recover` after a crash.
    A failure before the swap leaves data_dir as it was; one after it (deleting the old version) is an
    EnvironmentFailure that says so."""
    if not data_dir.exists():
        os.replace(new, data_dir)
        return
    if _exchange(new, data_dir):
        old = new  # now holds the old version
    else:
        old = Path(tempfile.mkdtemp(prefix=_old_prefix(data_dir), dir=data_dir.parent))
        os.rmdir(old)
        os.replace(data_dir, old)
        try:
            os.replace(new, data_dir)
        except OSError:
            os.replace(old, data_dir)
            raise
    try:
        shutil.rmtree(old)
    except OSError as error:
        state = (f"{shown or data_dir} holds the new build, complete; what is left of the previous version is in {old}: "
                 f"delete it (chmod -R u+w {old} && rm -r {old})")
        failure = _environment(error, "after the new build was swapped in, deleting the previous version:", old, state)
        if isinstance(failure, EnvironmentFailure):
            raise failure from None
        raise RuntimeError(f"{error}; {state}") from error  # not an OSError: the caller must not take it for one before the swap


def recover(root: Path, data_dir: Path) -> None:
    """Clean up after a build that was killed: a half-written temporary folder is never published;
    an old version set aside during a non-atomic swap is put back if data/ is missing."""
    for leftover in sorted(root.glob(TEMP_PREFIX + "*")):
        shutil.rmtree(leftover, ignore_errors=True)
    prefix = _old_prefix(data_dir)
    for old in sorted(p for p in root.iterdir() if p.name.startswith(prefix)):  # not another folder's old version
        if not data_dir.exists():
            try:
                os.replace(old, data_dir)
            except OSError as error:
                raise _environment(error, "putting back the previous version that an interrupted build set aside:", old,
                                   f"{data_dir} is missing and its last good version is {old}: move it back (mv {old} {data_dir})") from None
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
    try:
        fd = os.open(data_dir.parent, os.O_RDONLY)
    except OSError as error:
        raise _environment(error, "opening the folder to lock it:", data_dir.parent, f"nothing was written in {data_dir.parent}") from None
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
    """Validate, then write the dataset to `data_dir` (default: <root>/data) atomically. Through a
    symbolic link, into its target (the link stays). Only a folder a build wrote (with its
    manifest.json and nothing else), an empty or an absent one is replaced: else a UsageError."""
    out = resolve_out(layout, Path(data_dir) if data_dir is not None else layout.data_dir)
    try:
        out.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _environment(error, "creating the folder", out.path.parent, f"nothing was written: {out.state()}") from None
    with build_lock(out.path):
        recover(out.path.parent, out.path)
        check_replaceable(out)
        return _build_locked(layout, out, workers, shard_bytes, progress, engine)


def _build_locked(layout: Layout, out: OutFolder, workers, shard_bytes: int, progress, engine: str) -> BuildResult:
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
    try:
        target = temporary_folder(out.path.parent)
    except OSError as error:
        raise _environment(error, f"building {out.shown}: creating a temporary folder in", out.path.parent, f"nothing was written: {out.state()}") from None
    # The new version gets the old one's mode (a new one keeps mkdir's, from the umask); read before
    # the build, as the caller saw it.
    mode = stat.S_IMODE(out.path.stat().st_mode) if out.path.exists() else None
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
        if mode is not None:
            os.chmod(target, mode)
        _sync_tree(target)
        check_replaceable(out)  # again: a long build gives a user time to put a file in data/
        publish(target, out.path, out.shown)
        result.counts = counts
    except OSError as error:  # disk full, read-only: nothing was published, and nothing is left behind
        shutil.rmtree(target, ignore_errors=True)
        if error.errno == errno.EBUSY and out.path.is_dir():  # a bind mount, which ismount does not see
            raise _mount_point(out) from None
        if error.errno not in errors.ENVIRONMENT_ERRNOS:
            raise  # not the machine's refusal: a bug
        left = (f", and the temporary folder {target} could not be removed: delete it (rm -r {target})" if os.path.lexists(target)
                else ", and the temporary folder was removed")
        where = os.fsdecode(error.filename) if error.filename is not None else None
        if where is None or Path(where) == target or target in Path(where).parents:
            # pyarrow names no file, and one in the temporary folder is gone: name the folder that needs the space
            error, doing = OSError(error.errno, error.strerror or str(error)), f"building {out.shown}: writing the new version in"
        else:
            doing = f"building {out.shown}: using"
        raise _environment(error, doing, out.path.parent, f"the build was not published: {out.state()}{left}") from None
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
