"""The per-document stage, over batches: read, validate (levels 1-4), convert to encoded Arrow rows.

`process_batch(context, items)` is a pure function of its arguments and the files it reads, so any
engine runs it: the local one (engine/local.py: processes, ordered, bounded memory) or Ray Data
(engine/ray.py). What is corpus-wide (settings, sources, file listing, splits) is done once by the
caller and handed in as a `StageContext`.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..problems.record import Problem
from ..schema.configs import CONFIG_NAMES, STATISTICS_COLUMNS
from ..splits.recorded import stale_split
from ..validation.files import Document, check_annotation, check_text, missing_annotation
from ..validation.level1_bytes import may_compose_backward


# The text check's table (14 ms) is built here, at import: the fork server imports this module
# before it forks, so that workers inherit the table instead of each building its own.
may_compose_backward()



@dataclass(frozen=True)
class StageContext:
    """What every batch needs to know about the corpus (small: shipped once to each worker)."""

    schema_dir: str
    documents_dir: str
    annotations_dir: str
    sources: dict[str, dict] | None  # id -> source record; None when sources.json is invalid
    convert: bool = True  # False: validate only
    keep_documents: bool = False  # return each valid document (text and annotation) too
    # (salt, ratios): compare each document's split with its group's hash (stale_split)
    split_hashes: tuple[str, dict[str, float]] | None = None
    without: tuple[str, ...] = ()  # per-document configs not to make (a benchmark's baseline)

    def batch_paths(self, batch: list) -> list[str]:
        """The files a batch of items reads (the engine reads them ahead when they are not in memory)."""
        paths = []
        for doc_id, has_text, has_annotation, _ in batch:
            if has_text:
                paths.append(f"{self.documents_dir}{os.sep}{doc_id}.txt")
            if has_annotation:
                paths.append(f"{self.annotations_dir}{os.sep}{doc_id}.json")
        return paths


@dataclass
class PassSummary:
    """What the per-document pass found, for a batch or summed over every batch (`merge`)."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    stories: dict[str, str] = field(default_factory=dict)  # valid doc_id -> story_id, for documents in a story
    stale: dict[str, tuple[str, str]] = field(default_factory=dict)  # doc_id -> (its split, its group's hash)
    statistics: Counter = field(default_factory=Counter)  # (config, split, column, value) -> count

    def merge(self, other: PassSummary, statistics: bool = True) -> None:
        self.problems += other.problems
        self.files_checked += other.files_checked
        self.stories.update(other.stories)
        self.stale.update(other.stale)
        if statistics:
            self.statistics.update(other.statistics)


@dataclass
class BatchResult(PassSummary):
    # (config, split) -> the rows as an Arrow IPC stream (see `record_batch`): three times cheaper to
    # send between processes than a pickled RecordBatch, and the same buffer layout whichever engine
    # or process made it (Arrow byte counts decide row groups and shards, so they must not vary).
    batches: dict[tuple[str, str], bytearray] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)


@lru_cache(maxsize=4)
def converters(schema_dir: str):
    """(the Arrow schema annotations are read with, an encoder per config, the schema's entity types)."""
    # Imported here: `datasets` takes a second to import, and validation does not need it.
    from ..schema.features import RowEncoder, annotation_features, config_features, input_schema

    features = config_features(Path(schema_dir))
    entity_types = annotation_features(Path(schema_dir))["entities"].feature["type"].names
    return (input_schema(annotation_features(Path(schema_dir))), {config: RowEncoder(features[config]) for config in CONFIG_NAMES},
            entity_types)


def process_batch(context: StageContext, items: list[tuple[str, bool, bool, str | None]]) -> BatchResult:
    """items: (doc_id, has_text, has_annotation, split or None). Rows are made only for valid
    documents with a split; the caller refuses the build if any problem is reported."""
    # A batch allocates millions of small objects and frees them all at the end; Python's cycle
    # collector would traverse them again and again meanwhile (a third of the time, measured).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _process_batch(context, items)
    finally:
        if collecting:
            gc.enable()


def _process_batch(context: StageContext, items: list[tuple[str, bool, bool, str | None]]) -> BatchResult:
    result = BatchResult()
    documents_dir, annotations_dir = context.documents_dir, context.annotations_dir  # str: pathlib costs more than a check
    source_ids = set(context.sources) if context.sources is not None else None
    schema_dir = Path(context.schema_dir)
    valid: dict[str, tuple[list[str], list[dict]]] = {}  # split -> (texts, annotations) to convert
    for doc_id, has_text, has_annotation, split in items:
        text_of: dict = {}
        text_path = f"{documents_dir}{os.sep}{doc_id}.txt"
        if has_text:
            text, data, problems = check_text(text_path)
            text_of[doc_id] = (text, data)
            result.problems += problems
            result.files_checked += 1
        else:
            text_of[doc_id] = None
        if not has_annotation:
            result.problems.append(missing_annotation(text_path, os.path.join(annotations_dir, doc_id + ".json")))
            continue
        annotation, problems = check_annotation(f"{annotations_dir}{os.sep}{doc_id}.json", schema_dir, source_ids, text_of, documents_dir)
        result.problems += problems
        result.files_checked += 1
        if annotation is None or text_of.get(doc_id) is None or text_of[doc_id][0] is None:
            continue
        text = text_of[doc_id][0]
        story_id = annotation["metadata"]["story_id"]
        if story_id:  # the others are groups of their own (group_key)
            result.stories[doc_id] = story_id
        if split is not None and context.split_hashes is not None:
            hashed = stale_split(context.split_hashes, doc_id, story_id, split)
            if hashed is not None:
                result.stale[doc_id] = (split, hashed)
        if context.keep_documents:
            result.documents.append(Document(doc_id, text, annotation))
        if context.convert and split is not None and context.sources is not None:
            texts, annotations = valid.setdefault(split, ([], []))
            texts.append(text)
            annotations.append(annotation)
    if valid:


        from .rows import batch_columns  # pyarrow: imported only when converting

        annotation_schema, encoders, entity_types = converters(context.schema_dir)
        for split, (texts, annotations) in valid.items():
            for config, columns in batch_columns(texts, annotations, context.sources, annotation_schema, entity_types, context.without).items():
                batch = encoders[config].encode_columns(columns)
                if batch.num_rows == 0:  # no empty batch: an empty split must never be written
                    continue
                for stats_config, column in STATISTICS_COLUMNS:
                    if stats_config == config:
                        counts = columns[column].value_counts()
                        result.statistics.update({(config, split, column, value): count for value, count in
                                                  zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist())})
                result.batches[(config, split)] = _ipc_stream(batch)
    return result


def _ipc_stream(batch) -> bytearray:
    """The batch as an Arrow IPC stream, written once, into memory of its exact size: a growing
    buffer and then its copy into bytes took 3.6 times as long (0.87 against 0.24 ms for a 5 MB
    batch of `ner` rows, which are 2.2 GB per 100k documents); the bytes are the same."""
    import pyarrow as pa

    counter = pa.MockOutputStream()  # counts what would be written, keeps nothing
    with pa.ipc.new_stream(counter, batch.schema) as writer:
        writer.write_batch(batch)
    stream = bytearray(counter.size())
    with pa.ipc.new_stream(pa.FixedSizeBufferWriter(pa.py_buffer(stream)), batch.schema) as writer:
        writer.write_batch(batch)
    return stream


def record_batch(stream: bytearray):
    """The RecordBatch of one of BatchResult.batches (zero-copy over its memory)."""
    import pyarrow as pa

    return pa.ipc.open_stream(stream).read_next_batch()
