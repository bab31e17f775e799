"""Hugging Face features of every config, derived from schema/ by one mapper.

schema/ is the single source of truth: `feature_of` turns any JSON Schema node into a `datasets`
feature (an enum becomes a ClassLabel whose names follow the schema's order, an object a dict of
features in the schema's property order, an array a List). The configs below only choose which
schema nodes become columns, and add the few columns the build derives (global ids, the source's
name, the claim's context sentence). A new enum value in schema/ therefore reaches the Parquet
metadata, the card and the loaded dataset without touching this file.
"""

from __future__ import annotations

from pathlib import Path
import pyarrow as pa
import pyarrow.compute as pc
from datasets import ClassLabel, Features, List, Sequence, Value

from .files import ANNOTATION, SOURCES, load_schema, resolve

INT32_MAX = 2**31 - 1


class SchemaMappingError(ValueError):
    """A schema construct the mapper does not turn into a feature (a schema/ author's mistake)."""


def _types(node: dict) -> set[str]:
    declared = node.get("type")
    if declared is None:
        return {"object"} if "properties" in node else set()
    return {declared} if isinstance(declared, str) else set(declared)


def data_properties(schema: dict, node: dict) -> dict:
    """The properties of an object node that are data: not the authoring helpers (`x-authoring`: prefix,
    suffix, occurrence), which `newsclaims anchor` removes before a file is valid."""
    return {name: sub for name, sub in node.get("properties", {}).items() if not resolve(schema, sub).get("x-authoring")}


def feature_of(schema: dict, node: dict):
    """The `datasets` feature for one JSON Schema node. null in a type list only makes it nullable."""
    node = resolve(schema, node)
    types = _types(node) - {"null"}
    if "enum" in node:
        return ClassLabel(names=list(node["enum"]))
    if types == {"object"}:
        return {name: feature_of(schema, sub) for name, sub in data_properties(schema, node).items()}
    if types == {"array"}:
        return List(feature_of(schema, node["items"]))
    if types == {"string"}:
        return Value("string")
    if types == {"boolean"}:
        return Value("bool")
    if types == {"integer"}:
        fits_int32 = node.get("minimum", -INT32_MAX) >= -INT32_MAX and node.get("maximum", INT32_MAX + 1) <= INT32_MAX
        return Value("int32" if fits_int32 else "int64")
    if types == {"number"}:
        return Value("float64")
    raise SchemaMappingError(f"no feature for a schema node of type {sorted(types) or 'unspecified'}: {node}")


class SchemaNodes:
    """The schema nodes the configs are made of: (feature, description) of each."""

    def __init__(self, schema_dir: Path):
        self.annotation = load_schema(schema_dir, ANNOTATION)
        self.sources = load_schema(schema_dir, SOURCES)

    def annotation_node(self, *path: str) -> dict:
        """The resolved node at a path of property names ('items' steps into an array)."""
        node = resolve(self.annotation, self.annotation)
        for step in path:
            node = resolve(self.annotation, node["items"] if step == "items" else node["properties"][step])
        return node

    def annotation_column(self, *path: str) -> tuple:
        node = self.annotation_node(*path)
        return feature_of(self.annotation, node), node.get("description", "")

    def annotation_columns(self, *path: str, prefix: str = "", skip=()) -> dict[str, tuple]:
        """(feature, description) of every property of the object at `path`, in schema order."""
        node = self.annotation_node(*path)
        return {prefix + name: self.annotation_column(*path, name) for name in data_properties(self.annotation, node) if name not in skip}

    def source_columns(self) -> dict[str, tuple]:
        source = resolve(self.sources, self.sources["$defs"]["source"])
        columns = {}
        for name, sub in source["properties"].items():
            resolved = resolve(self.sources, sub)
            columns[name] = (feature_of(self.sources, resolved), resolved.get("description", ""))
        return columns


def iob2_names(entity_types) -> list[str]:
    """The `ner` config's tag names, in ClassLabel order: O, then B- and I- of each entity type in the
    schema's order (so a new entity type in schema/ gives two new tags at the end)."""
    return ["O"] + [f"{prefix}-{kind}" for kind in entity_types for prefix in ("B", "I")]


# What each derived column holds (the schema describes the others).
GLOBAL_ID = "Global id: `<doc_id>:<local id>` (local ids e1, m1, c1 are unique within a document)."


def config_columns(schema_dir: Path) -> dict[str, dict[str, tuple]]:
    """config -> column -> (feature, description), in column order. rows.py fills exactly these."""
    nodes = SchemaNodes(schema_dir)
    column = nodes.annotation_column
    doc_id = column("doc_id")
    global_id = (Value("string"), GLOBAL_ID)
    entity = nodes.annotation_columns("entities", "items")
    claim = nodes.annotation_columns("claims", "items")
    sources = nodes.source_columns()

    documents = {
        "doc_id": doc_id,
        "schema_version": column("schema_version"),
        "text": (Value("string"), "The document text exactly as published (UTF-8, NFC, LF); offsets are Unicode code points into it."),
        "text_sha256": column("text_sha256"),
        **nodes.annotation_columns("metadata"),
        **nodes.annotation_columns("annotation", prefix="annotation_"),
        "entities": column("entities"),
        "claims": column("claims"),
    }
    entities = {
        "id": global_id,
        "doc_id": doc_id,
        **{name: value for name, value in entity.items() if name not in ("id", "mentions")},
        "mention_count": (Value("int32"), "Number of mentions of the entity in its document."),
    }
    mentions = {
        "id": global_id,
        "doc_id": doc_id,
        "entity_id": (Value("string"), "Global id of the entity the mention belongs to."),
        "entity_type": (entity["type"][0], "Type of the entity the mention belongs to."),
        "entity_name": (entity["name"][0], "Canonical name of the entity the mention belongs to."),
        **nodes.annotation_columns("entities", "items", "mentions", "items", skip=("id",)),
    }
    claims = {
        "id": global_id,
        "doc_id": doc_id,
        **{name: value for name, value in claim.items() if name not in ("id", "attribution", "about", "verdict")},
        "source_name": (sources["name"][0], "Display name of the claim's source (corpus/sources.json)."),
        "source_kind": (sources["kind"][0], "Kind of the claim's source (corpus/sources.json)."),
        **nodes.annotation_columns("claims", "items", "attribution", prefix="attribution_"),
        "about": (List(Value("string")), "Global ids of the entities the claim is about."),
        "verdict": claim["verdict"],
        "context": (Value("string"), "The sentence(s) around the claim: the claim is context[start - context_start : end - context_start]."),
        "context_start": (Value("int32"), "Offset of the context in the document text."),
    }
    raw_annotations = {
        "id": (Value("string"), "Global id of the reading: `<doc_id>:<annotator>`."),
        "doc_id": doc_id,
        "annotator": (Value("string"), "Handle of the annotator whose reading this is (the file corpus/annotators/<doc_id>/<annotator>.json)."),
        "text_sha256": column("text_sha256"),
        **nodes.annotation_columns("annotation", prefix="annotation_", skip=("annotators",)),
        "entities": column("entities"),
        "claims": column("claims"),
    }
    ner = {
        "id": (Value("string"), "Global id of the sentence: `<doc_id>:s<n>` (n from 1, in text order)."),
        "doc_id": doc_id,
        "tokens": (List(Value("string")), "The sentence's tokens (the rule: the card's *The `ner` config*); never across a mention boundary."),
        "ner_tags": (List(ClassLabel(names=iob2_names(entity["type"][0].names))),
                     "IOB2 tag of each token: B-/I- and the type of the outermost mention over it, else O."),
        "token_starts": (List(Value("int32")), "Offset of each token in the document text (Unicode code points)."),
        "token_ends": (List(Value("int32")), "End of each token in the document text (exclusive): text[start:end] is the token."),
    }
    return {"documents": documents, "entities": entities, "mentions": mentions, "claims": claims,
            "raw_annotations": raw_annotations, "sources": sources, "ner": ner}


def annotation_features(schema_dir: Path) -> Features:
    """The features of a whole annotation file: what the build reads the annotations as (labels are
    ClassLabels here; `input_schema` gives the Arrow schema with label names as strings)."""
    schema = load_schema(schema_dir, ANNOTATION)
    return Features(feature_of(schema, schema))


def config_features(schema_dir: Path) -> dict[str, Features]:
    """The `datasets` Features of every config."""
    return {config: Features({name: feature for name, (feature, _) in columns.items()})
            for config, columns in config_columns(schema_dir).items()}


def input_type(feature) -> pa.DataType:
    """The Arrow type of a feature before encoding: ClassLabel values are still their names."""
    if isinstance(feature, ClassLabel):
        return pa.string()
    if isinstance(feature, List):
        return pa.list_(input_type(feature.feature))
    if isinstance(feature, dict):
        return pa.struct([pa.field(name, input_type(sub)) for name, sub in feature.items()])
    return feature.pa_type


def input_schema(features: Features) -> pa.Schema:
    """The Arrow schema of rows (or annotations) before encoding: label names as strings."""
    return pa.schema([pa.field(name, input_type(feature)) for name, feature in features.items()])


def _encode_array(array: pa.Array, feature) -> pa.Array:
    """Replace label names by ClassLabel ids everywhere in an (unsliced) array, in Arrow's C++."""
    if isinstance(feature, ClassLabel):
        ids = pc.index_in(array, value_set=pa.array(feature.names, pa.string()))
        if ids.null_count != array.null_count:  # validation makes this impossible; never write a wrong id
            raise ValueError(f"a value outside the ClassLabel names {feature.names}")
        return ids.cast(pa.int64())
    if isinstance(feature, List):
        values = _encode_array(array.values, feature.feature)
        return pa.ListArray.from_arrays(array.offsets, values, mask=array.is_null() if array.null_count else None)
    if isinstance(feature, dict):
        # flatten() merges the struct's own nulls into its children, so a null verdict has null fields
        children = [_encode_array(child, sub) for child, sub in zip(array.flatten(), feature.values())]
        return pa.StructArray.from_arrays(children, names=list(feature), mask=array.is_null() if array.null_count else None)
    return array


class RowEncoder:
    """Rows with label names -> a RecordBatch of the features' schema (ClassLabel names -> ids).

    Arrow converts the Python rows once; labels are then mapped column by column in C++, about
    twenty times faster than `Features.encode_example` row by row.
    """

    def __init__(self, features: Features):
        self.features = features
        self.schema = features.arrow_schema
        self.input_schema = input_schema(features)
        self.has_labels = self.input_schema != pa.schema([pa.field(f.name, f.type) for f in self.schema])

    def encode(self, rows: list[dict], schema: pa.Schema | None = None) -> pa.RecordBatch:
        batch = pa.RecordBatch.from_pylist(rows, schema=self.input_schema)
        return self.encode_columns(dict(zip(batch.schema.names, batch.columns)), schema)

    def encode_columns(self, columns: dict[str, pa.Array], schema: pa.Schema | None = None) -> pa.RecordBatch:
        """Arrays with label names, by column name (extra names are ignored) -> the encoded batch.
        Each array is cast to its input type first, so a derived column of another width (an int64
        count for an int32 column) is converted, and one of a wrong kind is refused by Arrow. A label
        column given already encoded (the ids' type, as the `ner` tags are made) is taken as it is."""
        arrays = []
        for (name, feature), field, encoded in zip(self.features.items(), self.input_schema, self.schema):
            array = columns[name]
            if array.type == encoded.type != field.type:
                arrays.append(array)
                continue
            if array.type != field.type:
                array = array.cast(field.type)
            arrays.append(_encode_array(array, feature) if self.has_labels else array)
        return pa.RecordBatch.from_arrays(arrays, schema=schema or self.schema)


# --- reading back: the inverse of the encoding, for diff and the round trip ------------------------

def features_of(arrow_schema: pa.Schema) -> Features | None:
    """The Hugging Face features a Parquet file carries in its b"huggingface" metadata, None without."""
    if b"huggingface" not in (arrow_schema.metadata or {}):
        return None
    try:
        return Features.from_arrow_schema(arrow_schema)
    except (ValueError, KeyError, TypeError):  # unreadable metadata
        return None


def decode_labels(feature, value):
    """A value read from Parquet with ClassLabel ids replaced by their names, at any depth.
    An id outside the names (the -1 of "no label") is left as it is rather than guessed."""
    if value is None or feature is None:
        return value
    if isinstance(feature, ClassLabel):
        names = feature.names
        return names[value] if type(value) is int and 0 <= value < len(names) else value
    if isinstance(feature, dict):
        return {name: decode_labels(feature.get(name), sub) for name, sub in value.items()} if isinstance(value, dict) else value
    if isinstance(feature, (List, Sequence)):
        inner = feature.feature
        if isinstance(value, dict) and isinstance(inner, dict):  # a legacy Sequence of a dict is a dict of lists
            return {name: [decode_labels(inner.get(name), item) for item in items] for name, items in value.items()}
        if isinstance(value, list):
            return [decode_labels(inner, item) for item in value]
    return value
