"""`newsclaims build`: validated corpus -> data/, a self-contained Hugging Face dataset folder.

corpus -> validate (an invalid corpus is refused) -> split assignment (corpus/splits.json) -> rows per
config and split (rows.py) -> Arrow tables with the schema-derived features (features.py) -> Parquet,
card (card.py), manifest (manifest.py), changelog.

Deterministic: rows are sorted, tables are single-chunk, nothing depends on time, paths or dict order,
so the same corpus and tool versions give byte-identical files. Atomic: everything is written into a
temporary folder beside data/ and swapped in only when complete, so a failure leaves data/ untouched.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..dataset import card, croissant, manifest
from ..dataset.parquet import SHARD_BYTES, ShardWriter, file_schema
from ..dataset.rows import source_rows
from ..dataset.stage import PassSummary, StageContext, process_batch, record_batch
from ..engine.local import run_local, start_workers_early
from ..problems.record import Problem, has_errors, shown_path
from ..publish.release import version_problems
from ..project import Layout
from ..schema.configs import CONFIG_NAMES, SOURCES_SPLIT, SPLITS
from ..schema.features import RowEncoder, config_columns, config_features
from ..schema.files import schema_version, vocabularies

from ..splits.recorded import ListedAssignment, listed_assignment, located, read_splits, stale_problems
from ..validation.annotators import check_readings
from ..validation.files import changelog_section, check_changelog
from ..validation.listing import corpus_inventory
from ..annotations.agreement import card_lines
from .agree import agreement_json, agreement_report
from .output_folder import (OutFolder, build_environment_failure, build_lock, check_replaceable, mount_point_refusal, publish, recover, resolve_out,
                            sync_tree, temporary_folder)
from .. import errors



@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)  # errors (and warnings) of a refused build
    files_checked: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # config -> split -> rows
    warnings: list[Problem] = field(default_factory=list)  # of a build that was not refused for them


@dataclass
class Written(PassSummary):
    """What the per-document pass produced: its summary over every batch, and the Parquet writers."""

    writers: dict[tuple[str, str], ShardWriter] = field(default_factory=dict)


def write_documents(layout: Layout, inventory, listed: ListedAssignment | None, target: Path, workers: int | None,
                    shard_bytes: int, progress: bool | None, engine: str = "local", without: tuple[str, ...] = ()) -> Written:
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
                           split_hashes=listed.hashes if listed is not None else None, without=tuple(without))
    # Made as batches are handed out: a list of a million 4-tuples would be 80 MB held for the whole pass.
    split_of_each = listed.splits() if listed is not None else itertools.repeat(None)
    items = ((doc_id, has_text, has_annotation, split) for (doc_id, has_text, has_annotation), split in zip(inventory.items(), split_of_each))
    if engine == "ray":
        from ..engine.ray import run_ray
        results = run_ray(process_batch, context, list(items), workers=workers)
    else:
        results = run_local(process_batch, context, items, workers=workers, progress=progress, total=len(inventory.doc_ids))
    written = Written(files_checked=report.files_checked)
    refused = False
    for result in results:
        refused = refused or has_errors(result.problems)  # warnings (a bidi control in a text) do not stop the build
        written.merge(result, statistics=not refused)
        if refused:
            continue
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


def write_readings(layout: Layout, inventory, listed: ListedAssignment, report, target: Path,
                   writers: dict[tuple[str, str], ShardWriter], shard_bytes: int) -> tuple[list, list[Problem], int]:
    """Check every annotator's reading (corpus/annotators/) and write the raw_annotations config, each
    reading in its document's split. Returns (the valid readings, the problems, files checked); with a
    problem nothing is written."""
    from ..dataset.rows import reading_columns
    from ..dataset.stage import converters

    checked = check_readings(layout, {source["id"] for source in report.sources})
    if has_errors(checked.problems) or not checked.valid:
        return checked.valid, checked.problems, checked.files_checked
    split_of = dict(zip(inventory.doc_ids, listed.splits()))
    by_split: dict[str, list] = {}
    for reading, annotation in checked.valid:  # sorted by doc_id, then annotator
        if split_of.get(reading.doc_id) is not None:
            by_split.setdefault(split_of[reading.doc_id], []).append((reading.annotator, annotation))
    annotation_schema, encoders, _ = converters(str(layout.schema_dir))
    features = config_features(layout.schema_dir)["raw_annotations"]
    for split, readings in sorted(by_split.items()):
        columns = reading_columns([handle for handle, _ in readings], [annotation for _, annotation in readings], annotation_schema)
        folder = target / "raw_annotations"
        folder.mkdir(exist_ok=True)
        schema = file_schema(features, report.settings, schema_version(layout.schema_dir), "raw_annotations", split)
        writer = writers[("raw_annotations", split)] = ShardWriter(folder, split, schema, shard_bytes)
        writer.add(encoders["raw_annotations"].encode_columns(columns, schema))
    return checked.valid, checked.problems, checked.files_checked


def build(layout: Layout, data_dir: Path | None = None, workers: int | None = None, shard_bytes: int = SHARD_BYTES,
          progress: bool | None = None, engine: str = "local", without: tuple[str, ...] = ()) -> BuildResult:
    """Validate, then write the dataset to `data_dir` (default: <root>/data) atomically. Through a
    symbolic link, into its target (the link stays). Only a folder a build wrote (with its
    manifest.json and nothing else), an empty or an absent one is replaced: else a UsageError.
    `without`: per-document configs not to build (scripts/bench_interop.py times the build without `ner`)."""
    out = resolve_out(layout, Path(data_dir) if data_dir is not None else layout.data_dir)
    try:
        out.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise build_environment_failure(error, "creating the folder", out.path.parent, f"nothing was written: {out.state()}") from None
    with build_lock(out.path):
        recover(out.path.parent, out.path)
        check_replaceable(out)
        return _build_locked(layout, out, workers, shard_bytes, progress, engine, without)


def _build_locked(layout: Layout, out: OutFolder, workers, shard_bytes: int, progress, engine: str, without=()) -> BuildResult:
    result = BuildResult()
    if engine == "local":
        start_workers_early(layout.documents_dir, workers, process_batch.__module__)
    inventory = corpus_inventory(layout)
    report = inventory.report
    result.files_checked = report.files_checked
    if not report.valid:  # settings or sources invalid, stray files: nothing can be built
        result.problems = report.problems
        return result
    recorded, split_problems = read_splits(layout.splits_path, layout.schema_dir)
    listed = None
    if recorded is not None:
        listed = listed_assignment(recorded, inventory.doc_ids, report.settings, shown_path(layout.splits_path))
        del recorded  # a million documents: its map is some 150 MB; `listed` holds a byte each
    try:
        target = temporary_folder(out.path.parent)
    except OSError as error:
        raise build_environment_failure(error, f"building {out.shown}: creating a temporary folder in", out.path.parent,
                                        f"nothing was written: {out.state()}") from None
    # The new version gets the old one's mode (a new one keeps mkdir's, from the umask); read before
    # the build, as the caller saw it.
    mode = stat.S_IMODE(out.path.stat().st_mode) if out.path.exists() else None
    try:
        written = write_documents(layout, inventory, listed, target, workers, shard_bytes, progress, engine, without)
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
            problems += stale_problems(layout.splits_path, layout.schema_dir, inventory.doc_ids, written.stories, written.stale)
        problems = located(problems, layout.splits_path)
        problems += check_changelog(layout, report.settings["dataset"]["version"])
        if problems:
            result.problems = problems
            return result
        writers = dict(written.writers)
        readings, problems, checked = write_readings(layout, inventory, listed, report, target, writers, shard_bytes)
        result.files_checked += checked
        if has_errors(problems):
            result.problems = problems
            return result
        agreement = agreement_report(layout, readings) if readings else None
        writers[("sources", SOURCES_SPLIT)] = write_sources(layout, report, target)
        for writer in writers.values():
            writer.finish()
        counts = {config: {split: writers[(config, split)].rows for split in SPLITS if (config, split) in writers}
                  for config in CONFIG_NAMES}
        num_bytes = {config: {split: writers[(config, split)].nbytes for split in counts[config]} for config in CONFIG_NAMES}
        changelog = (layout.root / "CHANGELOG.md").read_text(encoding="utf-8")
        (target / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
        if agreement is not None:  # data/agreement.json: what `newsclaims agree` says, as of this build
            (target / "agreement.json").write_bytes(agreement_json(agreement))
        features = config_features(layout.schema_dir)
        card_text = card.render_card(layout, report.settings, features, counts, num_bytes, written.statistics,
                                     facts=card.corpus_facts(target, features),
                                     changelog=changelog_section(changelog, report.settings["dataset"]["version"]),
                                     sections=card_lines(agreement) if agreement is not None else ())
        (target / "README.md").write_text(card_text, encoding="utf-8")
        write_croissant(layout, report.settings, target, counts)
        manifest.write_manifest(target, report.settings, schema_version(layout.schema_dir), counts)
        if mode is not None:
            os.chmod(target, mode)
        sync_tree(target)
        check_replaceable(out)  # again: a long build gives a user time to put a file in data/
        publish(target, out.path, out.shown)
        result.counts = counts
        result.warnings += version_problems(layout.root, report.settings["dataset"]["version"], "release-version-unchanged")
    except OSError as error:  # disk full, read-only: nothing was published, and nothing is left behind
        shutil.rmtree(target, ignore_errors=True)
        if error.errno == errno.EBUSY and out.path.is_dir():  # a bind mount, which ismount does not see
            raise mount_point_refusal(out) from None
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
        raise build_environment_failure(error, doing, out.path.parent, f"the build was not published: {out.state()}{left}") from None
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
