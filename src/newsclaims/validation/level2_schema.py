"""Level 2, schema: the problems JSON Schema finds, each with its code, pointer and a hint."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs

from ..problems.record import Problem, json_pointer, problem
from ..problems.suggest import near_matches
from ..schema.files import load_schema, resolve, validator


def _quote_all(values) -> str:
    return ", ".join(json.dumps(value, ensure_ascii=False) for value in values)


def node_at(schema: dict, node: dict, instance_path) -> dict | None:
    """The schema node (resolved) that describes the value at instance_path below `node`; None when the
    path leaves what the schema describes."""
    node = resolve(schema, node)
    for step in instance_path:
        if isinstance(step, int):
            node = node.get("items")
        else:
            node = node.get("properties", {}).get(step)
        if not isinstance(node, dict):
            return None
        node = resolve(schema, node)
    return node


def describe_schema_error(error, schema: dict | None = None, node: dict | None = None, prefix_path=()) -> tuple[str, str, str | None]:
    """(code, message, specific hint or None) for one jsonschema_rs error; schema and node (the node
    the error's instance path starts from) let the hint name the fields allowed."""
    kind = error.kind
    kind_name = type(kind).__name__
    if kind_name == "Required":
        where = json_pointer([*prefix_path, *error.instance_path]) or "the top-level object"
        return "schema-required", f"required field {kind.property!r} is missing from {where}", None
    if kind_name in ("AdditionalProperties", "UnevaluatedProperties"):
        unexpected = list(getattr(kind, "unexpected", []))
        names = _quote_all(unexpected)
        hint = None
        parent = node_at(schema, node, error.instance_path) if schema is not None and node is not None else None
        if parent is not None and parent.get("properties"):
            allowed = [name for name in parent["properties"] if name not in (error.instance or {})]
            tips = []
            for name in unexpected:
                near = near_matches(name, allowed, limit=1)
                if near:
                    tips.append(f"rename {name!r} to {near[0]!r}")
            fields = ", ".join(f"`{name}`" for name in parent["properties"])
            hint = (("Did you mean to " + " and ".join(tips) + "? ") if tips else "Remove the field. ") + f"The fields here are: {fields}."
        return "schema-unknown-field", f"unknown field {names}", hint
    if kind_name == "Enum":
        allowed = _quote_all(kind.options)
        near = near_matches(error.instance, [o for o in kind.options if isinstance(o, str)], limit=1) if isinstance(error.instance, str) else []
        also = f"Did you mean {json.dumps(near[0], ensure_ascii=False)}? " if near else ""
        return (
            "schema-enum",
            f"{json.dumps(error.instance, ensure_ascii=False)[:200]} is not an allowed value; allowed: {allowed}",
            f"{also}Use one of: {allowed} (definitions in corpus/GUIDELINES.md).",
        )
    if kind_name == "Type":
        return "schema-type", error.message[:300], None
    if kind_name == "Pattern":
        if list(error.instance_path) == ["doc_id"]:
            return "doc-id-invalid", f"doc_id {json.dumps(error.instance, ensure_ascii=False)[:200]} is not a slug matching {kind.pattern}", None
        return "schema-pattern", f"{json.dumps(error.instance, ensure_ascii=False)[:200]} does not match {kind.pattern}", None
    if kind_name in (
        "Minimum",
        "Maximum",
        "ExclusiveMinimum",
        "ExclusiveMaximum",
        "MinLength",
        "MaxLength",
        "MinItems",
        "MaxItems",
        "MinProperties",
        "MaxProperties",
    ):
        shown = json.dumps(error.instance, ensure_ascii=False)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return "schema-range", f"{shown} breaks {kind_name[0].lower() + kind_name[1:]} {kind.limit}", None
    if kind_name == "FalseSchema" and error.instance_path and error.instance_path[-1] in ("prefix", "suffix", "occurrence"):
        return (
            "span-not-anchored",
            f"{error.instance_path[-1]} is an authoring helper, and this span already has start/end",
            "Run `newsclaims anchor FILE`: it places the span by its quote and removes the helper; or delete the helper to keep the offsets.",
        )
    if kind_name == "UniqueItems":
        return "schema-unique-items", error.message[:300], None
    return "schema-invalid", error.message[:300], None


MAX_SCHEMA_PROBLEMS = 1000  # records per file: beyond, the file is broken wholesale and more would be noise


def _item_lists(schema: dict, node: dict) -> dict[str, dict]:
    """Properties of an object node that are arrays of objects: name -> the items' node."""
    lists = {}
    for name, sub in node.get("properties", {}).items():
        sub = resolve(schema, sub)
        if "items" in sub and "properties" in resolve(schema, sub["items"]):
            lists[name] = sub["items"]
    return lists


_piece_validators: dict = {}


def _piece_validator(schema: dict, node: dict, shallow: bool):
    """A validator for one node of the schema (with its $defs); shallow: item lists are not looked into."""
    key = (id(schema), id(node), shallow)
    if key not in _piece_validators:
        resolved = resolve(schema, node)
        if shallow:
            properties = dict(resolved["properties"])
            for name in _item_lists(schema, resolved):
                properties[name] = {k: v for k, v in resolve(schema, properties[name]).items() if k != "items"}
            resolved = {**resolved, "properties": properties}
        piece = {"$schema": schema.get("$schema"), "$defs": schema.get("$defs", {}), **resolved}
        _piece_validators[key] = (schema, jsonschema_rs.validator_for(piece))  # schema kept alive: ids stay unique
    return _piece_validators[key][1]


def _check_piece(schema: dict, node: dict, instance, path: list, shown: str, problems: list[Problem]) -> None:
    """Problems of `instance` against `node`, item by item: jsonschema_rs computes every error of a call
    before returning the first, so a file of 100,000 broken items is checked in pieces, and checking
    stops once MAX_SCHEMA_PROBLEMS are found."""
    resolved = resolve(schema, node)
    lists = _item_lists(schema, resolved) if isinstance(instance, dict) else {}
    validator_ = _piece_validator(schema, node, shallow=bool(lists))
    if not validator_.is_valid(instance):
        for error in validator_.iter_errors(instance):
            code, message, hint = describe_schema_error(error, schema, node, path)
            problems.append(problem(code, shown, message, pointer=json_pointer([*path, *error.instance_path]), hint=hint))
            if len(problems) > MAX_SCHEMA_PROBLEMS:
                return
    for name, items in lists.items():
        values = instance.get(name)
        if not isinstance(values, list):
            continue  # its type problem is reported above
        for index, value in enumerate(values):
            if len(problems) > MAX_SCHEMA_PROBLEMS:
                return
            _check_piece(schema, items, value, [*path, name, index], shown, problems)


def check_schema(instance, schema_dir: Path, name: str, shown: str) -> list[Problem]:
    if validator(schema_dir, name).is_valid(instance):
        return []
    schema = load_schema(schema_dir, name)
    problems: list[Problem] = []
    _check_piece(schema, schema, instance, [], shown, problems)
    if len(problems) > MAX_SCHEMA_PROBLEMS:
        first = problems[MAX_SCHEMA_PROBLEMS - 1]
        problems = problems[: MAX_SCHEMA_PROBLEMS - 1] + [
            problem(
                first.code,
                shown,
                f"{first.message}; and more schema problems that are not listed (at most {MAX_SCHEMA_PROBLEMS} per file): fix these first",
                pointer=first.pointer,
                hint=first.hint,
            )
        ]
    # Errors come in schema order; report them in document order, stable for tests.
    return sorted(problems, key=lambda p: (p.pointer, p.code, p.message))
