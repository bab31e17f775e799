"""The JSON Schema files of schema/: loading, compiled validators, versions and the closed vocabularies.

schema/ is the single source of truth for fields and closed vocabularies: the validator, the Hugging
Face features, the card and the docs all read it through this module.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
import jsonschema_rs


ANNOTATION, SOURCES, CORPUS = "annotation", "sources", "corpus"
SCHEMA_FILES = {ANNOTATION: "annotation.schema.json", SOURCES: "sources.schema.json", CORPUS: "corpus.schema.json"}


@lru_cache(maxsize=None)
def load_schema(schema_dir: Path, name: str) -> dict:
    return json.loads((schema_dir / SCHEMA_FILES[name]).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(schema_dir: Path, name: str):
    # jsonschema_rs implements draft 2020-12 (the same standard as `jsonschema`, ~100x faster).
    return jsonschema_rs.validator_for(load_schema(schema_dir, name))


def schema_version(schema_dir: Path) -> str:
    return load_schema(schema_dir, ANNOTATION)["x-schemaVersion"]


def vocabularies(schema_dir: Path) -> dict[str, dict[str, str]]:
    """Every closed vocabulary: $defs name -> {value: one-line definition}, in the schema's order."""
    result = {}
    for name in SCHEMA_FILES:
        for def_name, definition in load_schema(schema_dir, name).get("$defs", {}).items():
            if "enum" in definition:
                descriptions = definition.get("x-enumDescriptions", {})
                result[def_name] = {value: descriptions.get(value, "") for value in definition["enum"]}
    return result


def resolve(schema: dict, node: dict) -> dict:
    """The node with its local $ref merged in (siblings of $ref override the referenced keywords)."""
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, not {ref!r}")
        target = schema
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node
