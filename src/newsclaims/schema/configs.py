"""The one registry of the dataset's configs and splits: names, order, key columns, what a row is,
which columns nest other configs, which label columns are counted, the shard file names and our
Parquet metadata key. The build, the card, Croissant, diff, verify and the statistics all read it:
a new config is added here (and its columns in features.py), nowhere else."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPLITS = ("train", "validation", "test")  # the order of split ratios, of the card's columns and of loading
SOURCES_SPLIT = "train"  # the corpus-wide sources registry is published as one split
METADATA_KEY = b"newsclaims"  # our key-value metadata in every Parquet file, beside b"huggingface"


@dataclass(frozen=True)
class Config:
    name: str
    key: str                          # the column rows are matched by across versions (stable ids)
    rows: str                         # what one row is, for the card
    nests: tuple[str, ...] = ()       # columns holding rows of other configs (not diffed twice)
    counted: tuple[str, ...] = ()     # label columns (or derived arrays, see rows.py) whose values the card counts per split
    per_document: bool = True         # split by document (False: one split, SOURCES_SPLIT)
    # (column, Parquet encoding) for the columns written without the dictionary every other column
    # gets: smaller, or much cheaper to write (dataset/parquet.py writer_options; docs/benchmarks.md)
    encodings: tuple[tuple[str, str], ...] = ()


CONFIGS = (
    Config("documents", "doc_id", "one row per document: text, metadata, and its entities (with mentions) and claims nested",
           nests=("entities", "mentions", "claims")),
    Config("entities", "id", "one row per entity (a cluster of mentions of one real-world thing in a document)", counted=("type",)),
    Config("mentions", "id", "one row per entity mention, with its entity's id, type and name"),
    Config("claims", "id", "one row per claim, with its source's name and kind, its attribution flattened in, and the sentence around it",
           counted=("claim_type", "attribution_mode", "check_worthy", "hedged")),
    Config("raw_annotations", "id", "one row per annotator's own reading of a document (corpus/annotators/), with its entities and claims "
           "nested: the labels before adjudication, to recompute agreement", nests=("entities", "claims")),
    Config("sources", "id", "one row per source of the corpus-wide registry (a single split, `train`)", per_document=False),
    # mention_tagging is not a column: one value per mention (tagged, nested, overlapping), for the card
    Config("ner", "id", "one row per sentence: its tokens, their IOB2 entity tags and their offsets into the document (see *The `ner` config*)",
           counted=("mention_tagging",),
           # the offsets increase along each list: DELTA_BINARY_PACKED stores the small steps (10k documents'
           # train file: 27.6 -> 12.4 MB); the ids share long prefixes: DELTA_BYTE_ARRAY stores the suffixes;
           # the tokens PLAIN, as zstd finds their repeats: a dictionary hashed every one of them, 9% of the
           # instructions `ner` adds to a build, for a file 10% smaller (docs/benchmarks.md)
           encodings=(("token_starts", "DELTA_BINARY_PACKED"), ("token_ends", "DELTA_BINARY_PACKED"), ("id", "DELTA_BYTE_ARRAY"),
                      ("tokens", "PLAIN"))),
)
CONFIG_NAMES = tuple(config.name for config in CONFIGS)
BY_NAME = {config.name: config for config in CONFIGS}
# Label columns counted for the card's statistics: (config, column).
STATISTICS_COLUMNS = tuple((config.name, column) for config in CONFIGS for column in config.counted)

# A Parquet shard: `<config>/<split>-00000-of-00001.parquet`.
SHARD_PATH = re.compile(r"^(?P<config>[^/]+)/(?P<split>[^/]+)-(?P<index>\d{5})-of-(?P<total>\d{5})\.parquet$")
SHARD_STEM = re.compile(r"^(?P<split>.+?)-\d{5}-of-\d{5}$")  # the file name without .parquet


def shard_name(split: str, index: int = 0, total: int = 1) -> str:
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


def split_order(split: str) -> tuple[int, str]:
    """Sort key: train, validation, test, then other splits by name."""
    return (SPLITS.index(split) if split in SPLITS else len(SPLITS), split)
