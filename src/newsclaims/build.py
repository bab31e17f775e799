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
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from . import card, manifest, splits
from .corpus import Layout
from .features import CONFIGS, config_features
from .problems import Problem, problem
from .rows import document_rows, source_rows
from .schemas import schema_version
from .validate import shown_path, validate_corpus

SPLIT_ORDER = splits.SPLIT_NAMES
# The sources registry is corpus-wide, not per document: it is published as one split.
SOURCES_SPLIT = "train"
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 9, "write_statistics": True}
METADATA_KEY = b"newsclaims"  # our key-value metadata in every Parquet file, beside b"huggingface"
TEMP_PREFIX = ".data-build-"
OLD_PREFIX = ".data-old-"


@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # config -> split -> rows


def shard_name(split: str, index: int = 0, total: int = 1) -> str:
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


def changelog_section(changelog: str, version: str) -> str | None:
    """The text of the `## <version>` section of CHANGELOG.md, or None when there is none."""
    match = re.search(rf"^## \[?{re.escape(version)}\]?[^\n]*\n(.*?)(?=^## |\Z)", changelog, re.M | re.S)
    return match.group(1).strip() if match else None


def encode_table(rows: list[dict], features) -> pa.Table:
    """Rows with label strings -> one Arrow table with ClassLabel ints and the features' schema."""
    encoded = [features.encode_example(row) for row in rows]
    return pa.Table.from_pylist(encoded, schema=features.arrow_schema).combine_chunks()


def collect_rows(report, assignment: dict[str, str]) -> dict[str, dict[str, list[dict]]]:
    """config -> split -> rows, sorted so that the output does not depend on file-system order."""
    sources = {source["id"]: source for source in report.sources}
    tables: dict[str, dict[str, list[dict]]] = {config: {} for config in CONFIGS}
    for doc_id in sorted(report.documents):
        document = report.documents[doc_id]
        split = assignment[doc_id]
        for config, rows in document_rows(doc_id, document.text, document.annotation, sources).items():
            tables[config].setdefault(split, []).extend(rows)
    return tables


def write_dataset(layout: Layout, report, assignment: dict[str, str], target: Path) -> dict[str, dict[str, int]]:
    """Write every file of the dataset into the empty folder `target`; returns row counts."""
    settings = report.settings
    version = settings["dataset"]["version"]
    features = config_features(layout.schema_dir)
    tables = collect_rows(report, assignment)
    source_features = features["sources"]
    tables["sources"] = {SOURCES_SPLIT: source_rows(report.sources, list(source_features))}

    counts: dict[str, dict[str, int]] = {}
    num_bytes: dict[str, dict[str, int]] = {}  # Arrow size of each split, as `datasets` reports it
    for config in CONFIGS:
        counts[config], num_bytes[config] = {}, {}
        for split in [s for s in SPLIT_ORDER if tables[config].get(s)]:  # never write an empty split
            table = encode_table(tables[config][split], features[config])
            ours = {"dataset": settings["dataset"]["name"], "dataset_version": version,
                    "schema_version": schema_version(layout.schema_dir), "config": config, "split": split}
            metadata = {**table.schema.metadata, METADATA_KEY: orjson.dumps(ours, option=orjson.OPT_SORT_KEYS)}
            table = table.replace_schema_metadata(metadata)
            folder = target / config
            folder.mkdir(exist_ok=True)
            pq.write_table(table, folder / shard_name(split), **PARQUET_OPTIONS)
            counts[config][split] = table.num_rows
            num_bytes[config][split] = table.nbytes

    changelog = (layout.root / "CHANGELOG.md").read_text(encoding="utf-8")
    (target / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    (target / "README.md").write_text(card.render_card(layout, report, features, counts, num_bytes, tables), encoding="utf-8")
    manifest.write_manifest(target, settings, schema_version(layout.schema_dir), counts)
    return counts


def check_changelog(layout: Layout, version: str) -> list[Problem]:
    path = layout.root / "CHANGELOG.md"
    if not path.is_file() or changelog_section(path.read_text(encoding="utf-8"), version) is None:
        return [problem("changelog-missing-version", shown_path(path), f"CHANGELOG.md has no section '## {version}' for the version in corpus/corpus.toml")]
    return []


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


def build(layout: Layout, data_dir: Path | None = None) -> BuildResult:
    """Validate, then write the dataset to `data_dir` (default: <root>/data) atomically."""
    data_dir = Path(data_dir) if data_dir is not None else layout.data_dir
    result = BuildResult()
    report = validate_corpus(layout)
    result.files_checked = report.files_checked
    if not report.valid:
        result.problems = report.problems
        return result
    assignment, problems = splits.check_assignment(layout, set(report.documents), layout.splits_path,
                                                   groups=splits.groups_of(report.documents))
    problems += check_changelog(layout, report.settings["dataset"]["version"])
    if problems:
        result.problems = problems
        return result

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(data_dir.parent, data_dir)
    target = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=data_dir.parent))
    try:
        result.counts = write_dataset(layout, report, assignment, target)
        publish(target, data_dir)
    finally:
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
    return result

