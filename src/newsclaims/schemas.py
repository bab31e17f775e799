"""Level 2, schema: the JSON Schema files in schema/ and the problems they find.

schema/ is the single source of truth for fields and closed vocabularies: the validator, the Hugging
Face features, the card and the docs all read it through this module.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema_rs

from .problems import Problem, json_pointer, problem

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


def _quote_all(values) -> str:
    return ", ".join(json.dumps(value, ensure_ascii=False) for value in values)


def _describe(error) -> tuple[str, str, str | None]:
    """(code, message, specific hint or None) for one jsonschema_rs error."""
    kind = error.kind
    kind_name = type(kind).__name__
    if kind_name == "Required":
        return "schema-required", f"required field {kind.property!r} is missing", None
    if kind_name in ("AdditionalProperties", "UnevaluatedProperties"):
        names = _quote_all(getattr(kind, "unexpected", []))
        return "schema-unknown-field", f"unknown field {names}", None
    if kind_name == "Enum":
        allowed = _quote_all(kind.options)
        return "schema-enum", f"{json.dumps(error.instance, ensure_ascii=False)[:200]} is not an allowed value; allowed: {allowed}", f"Use one of: {allowed} (definitions in corpus/GUIDELINES.md)."
    if kind_name == "Type":
        return "schema-type", error.message[:300], None
    if kind_name == "Pattern":
        if list(error.instance_path) == ["doc_id"]:
            return "doc-id-invalid", f"doc_id {json.dumps(error.instance, ensure_ascii=False)[:200]} is not a slug matching {kind.pattern}", None
        return "schema-pattern", f"{json.dumps(error.instance, ensure_ascii=False)[:200]} does not match {kind.pattern}", None
    if kind_name in ("Minimum", "Maximum", "ExclusiveMinimum", "ExclusiveMaximum", "MinLength", "MaxLength", "MinItems", "MaxItems", "MinProperties", "MaxProperties"):
        shown = json.dumps(error.instance, ensure_ascii=False)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return "schema-range", f"{shown} breaks {kind_name[0].lower() + kind_name[1:]} {kind.limit}", None
    if kind_name == "UniqueItems":
        return "schema-unique-items", error.message[:300], None
    return "schema-invalid", error.message[:300], None


def check_schema(instance, schema_dir: Path, name: str, shown: str) -> list[Problem]:
    problems = []
    for error in validator(schema_dir, name).iter_errors(instance):
        code, message, hint = _describe(error)
        problems.append(problem(code, shown, message, pointer=json_pointer(error.instance_path), hint=hint))
    # Errors come in schema order; report them in document order, stable for tests.
    return sorted(problems, key=lambda p: (p.pointer, p.code, p.message))
