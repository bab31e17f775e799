"""Parquet files of one config and split: the schema with the Hugging Face features and our versions in
its metadata, row groups and shards of a deterministic layout.
"""

from __future__ import annotations

from pathlib import Path
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from ..dataset import manifest
from ..schema.configs import BY_NAME, METADATA_KEY, shard_name
# zstd's default level 3: level 6 made files 7% smaller and took twice as long to write, which
# was a third of a 100,000-document build (the writes are serial, in the main process).
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}
ROW_GROUP_BYTES = 16 << 20  # Arrow bytes per row group: 5 configs x 3 splits of them are held at most
SHARD_BYTES = 1 << 30  # Arrow bytes per file: about 300-500 MB of Parquet, the Hub's usual shard size


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
            self.writer = pq.ParquetWriter(path, self.schema, **writer_options(self.schema))
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


def writer_options(schema: pa.Schema) -> dict:
    """PARQUET_OPTIONS for the config of `schema` (read from our metadata in it, see file_schema): the
    config's own `encodings`, a dictionary for every other column, and statistics (min, max, nulls)
    only for the columns outside lists, which readers can skip row groups by; those of the items of a
    list are of no use to them, and cost a tenth of writing the `ner` config (docs/benchmarks.md)."""
    ours = orjson.loads((schema.metadata or {}).get(METADATA_KEY, b"{}"))
    config = BY_NAME.get(ours.get("config"))
    paths = {field.name: leaf_paths(field) for field in schema}
    encoded = {path: encoding for name, encoding in (config.encodings if config else ()) for path in paths[name]}
    # Arrow takes an encoding only for a column that is not dictionary-encoded: the others keep theirs.
    return {**PARQUET_OPTIONS, "write_statistics": [path for field in schema for path in leaf_paths(field, into_lists=False)],
            "use_dictionary": [path for name in paths for path in paths[name] if path not in encoded], "column_encoding": encoded}


def leaf_paths(field: pa.Field, prefix: str = "", into_lists: bool = True) -> list[str]:
    """The Parquet column paths of an Arrow field, as Arrow's writer names them (`a.b` in a struct,
    `a.list.element` in a list): options naming any other path are ignored by Arrow without a word.
    `into_lists` False: only those outside lists."""
    path, kind = prefix + field.name, field.type
    if pa.types.is_struct(kind):
        return [leaf for child in kind for leaf in leaf_paths(child, path + ".", into_lists)]
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return leaf_paths(pa.field("element", kind.value_type), path + ".list.") if into_lists else []
    return [path]


def file_schema(features, settings: dict, schema_version_value: str, config: str, split: str) -> pa.Schema:
    """The features' Arrow schema (with the Hugging Face features as metadata) plus our versions."""
    schema = features.arrow_schema
    ours = {"dataset": settings["dataset"]["name"], "dataset_version": settings["dataset"]["version"],
            "schema_version": schema_version_value, "config": config, "split": split, "tools": manifest.tool_versions()}
    return schema.with_metadata({**schema.metadata, METADATA_KEY: orjson.dumps(ours, option=orjson.OPT_SORT_KEYS)})
