"""Nothing lost: the corpus (texts, annotation files, sources) rebuilt from a built data/ folder.

`read_corpus_from_data(data_dir)` reads every Parquet file of the `documents` and `sources` configs,
turns ClassLabel ids back into their names with the Hugging Face features embedded in each file (the
b"huggingface" schema metadata, what `load_dataset` uses), and rebuilds each annotation file as a dict
equal to the one in corpus/annotations/: the `documents` config holds the metadata, the annotation
info and the nested entities (with their mentions) and claims, with their local ids. An optional field
that the file left out (an entity's or a source's `wikidata`...) is null in Parquet, and left out again.
`write_corpus` writes the result as a corpus folder.

Used by tests/dataset/test_roundtrip.py to prove that a build loses or alters nothing; also a way to recover
the corpus of a published version: `python -m newsclaims.roundtrip DATA_DIR OUT_CORPUS_DIR`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
import orjson
import pyarrow.parquet as pq

from ..schema.features import decode_labels, features_of
from ..schema.configs import METADATA_KEY

# The top-level keys of an annotation file, in the schema's order; the metadata and annotation info
# are the documents config's columns between text_sha256 and entities (`annotation_` prefixed for the latter).
ANNOTATION_KEYS = ("schema_version", "doc_id", "text_sha256", "metadata", "annotation", "entities", "claims")
DOCUMENT_OWN_COLUMNS = ("schema_version", "doc_id", "text", "text_sha256", "entities", "claims")
ANNOTATION_PREFIX = "annotation_"
# Optional fields (absent rather than null in the corpus files), per kind of record.
OPTIONAL_ENTITY_FIELDS = ("wikidata",)


class RoundTripError(ValueError):
    """The data folder cannot be read back into a corpus (a missing config, features or metadata)."""


def parquet_files(data_dir: Path, config: str) -> list[Path]:
    folder = Path(data_dir) / config
    files = sorted(folder.glob("*.parquet"))
    if not files:
        raise RoundTripError(f"{folder}: no Parquet files (is {data_dir} a built data folder?)")
    return files


def read_rows(path: Path) -> tuple[list[dict], dict]:
    """(rows with label names, our b"newsclaims" metadata) of one Parquet file."""
    table = pq.read_table(path)
    metadata = table.schema.metadata or {}
    features = features_of(table.schema)
    if features is None:
        raise RoundTripError(f"{path}: no Hugging Face features in the Parquet metadata")
    ours = orjson.loads(metadata[METADATA_KEY]) if METADATA_KEY in metadata else {}
    rows = [{name: decode_labels(features[name], value) for name, value in row.items()} for row in table.to_pylist()]
    return rows, ours


def iter_config(data_dir: Path, config: str) -> Iterator[tuple[dict, dict]]:
    """(row, file metadata) of every row of a config, over all its splits and shards."""
    for path in parquet_files(data_dir, config):
        rows, ours = read_rows(path)
        for row in rows:
            yield row, ours


def _entity(row: dict) -> dict:
    entity = dict(row)
    for name in OPTIONAL_ENTITY_FIELDS:
        if entity.get(name) is None:
            entity.pop(name, None)
    return entity


def annotation_of(row: dict, schema_version: str) -> dict:
    """The annotation file of one row of the documents config. schema_version is the file's metadata's,
    used unless the documents config has a schema_version column of its own."""
    metadata = {name: value for name, value in row.items()
                if name not in DOCUMENT_OWN_COLUMNS and not name.startswith(ANNOTATION_PREFIX)}
    info = {name[len(ANNOTATION_PREFIX):]: value for name, value in row.items() if name.startswith(ANNOTATION_PREFIX)}
    parts = {"schema_version": row.get("schema_version") or schema_version, "doc_id": row["doc_id"], "text_sha256": row["text_sha256"], "metadata": metadata,
             "annotation": info, "entities": [_entity(entity) for entity in row["entities"]], "claims": row["claims"]}
    return {key: parts[key] for key in ANNOTATION_KEYS}


def read_corpus_from_data(data_dir: Path) -> tuple[dict[str, tuple[str, dict]], list[dict]]:
    """(doc_id -> (text, annotation dict), sources) rebuilt from the built Parquet tables.

    The schema_version of each annotation is the one the build recorded in the file's metadata (builds
    do not store each file's own; see tests/dataset/test_roundtrip.py).
    Sources come back sorted by id (as the sources config stores them), optional fields left out when null.
    """
    data_dir = Path(data_dir)
    documents: dict[str, tuple[str, dict]] = {}
    for row, ours in iter_config(data_dir, "documents"):
        if "schema_version" not in ours:
            raise RoundTripError(f"{data_dir / 'documents'}: a Parquet file without the schema version in its metadata")
        doc_id = row["doc_id"]
        if doc_id in documents:
            raise RoundTripError(f"doc_id {doc_id!r} appears in more than one row of the documents config")
        documents[doc_id] = (row["text"], annotation_of(row, ours["schema_version"]))
    sources = [{name: value for name, value in row.items() if value is not None} for row, _ in iter_config(data_dir, "sources")]
    return documents, sources


def write_corpus(documents: dict[str, tuple[str, dict]], sources: list[dict], corpus_dir: Path, schema_version: str = "1.0") -> None:
    """Write documents/<doc_id>.txt, annotations/<doc_id>.json and sources.json under corpus_dir.

    Texts are written byte for byte (UTF-8, as published); annotation files as 2-space indented JSON.
    corpus.toml and splits.json are not in a data folder: copy them from the release's tag.
    """
    corpus_dir = Path(corpus_dir)
    (corpus_dir / "documents").mkdir(parents=True, exist_ok=True)
    (corpus_dir / "annotations").mkdir(parents=True, exist_ok=True)
    for doc_id, (text, annotation) in sorted(documents.items()):
        (corpus_dir / "documents" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        (corpus_dir / "annotations" / f"{doc_id}.json").write_bytes(
            (json.dumps(annotation, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    registry = {"schema_version": schema_version, "sources": sources}
    (corpus_dir / "sources.json").write_bytes((json.dumps(registry, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m newsclaims.roundtrip DATA_DIR OUT_CORPUS_DIR", file=sys.stderr)
        return 2
    try:
        documents, sources = read_corpus_from_data(Path(args[0]))
    except (RoundTripError, OSError) as error:
        print(f"roundtrip: error: {error}", file=sys.stderr)
        return 1
    write_corpus(documents, sources, Path(args[1]))
    print(f"wrote {len(documents)} documents and {len(sources)} sources to {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
