"""Limits against resource abuse: file sizes, nesting depth, number of values, items per list, string
lengths. Each is documented (docs/errors.md is generated from LIMITS and the schema) and each is
tested here at the limit and just over it. A JSON "bomb", deep or wide, is refused quickly and with
bounded memory: it never reaches json.loads.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsclaims.validation.limits import (LIMITS, MAX_ANNOTATION_BYTES, MAX_DUPLICATE_KEYS_REPORTED, MAX_INT_DIGITS, MAX_JSON_DEPTH, MAX_JSON_VALUES,
                                         MAX_REGISTRY_BYTES, MAX_REGISTRY_VALUES, MAX_TEXT_BYTES)
from newsclaims.validation.level1_json import count_values, max_values_for, parse_json, text_depth, values_estimate
from newsclaims.problems.docs import render_error_catalogue
from newsclaims.cli import main

from helpers.bad_inputs import OVER_LIMIT, bombs
from helpers.project import MINI, REPO, copy_project

MIB = 1024 * 1024


def validate(capsys, root: Path) -> tuple[int, dict]:
    code = main(["--root", str(root), "validate", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def codes(report: dict) -> list[str]:
    return sorted({p["code"] for p in report["problems"]})


def annotation_path(root: Path) -> Path:
    return root / "corpus" / "annotations" / "mini-doc.json"


def edit(root: Path, change) -> None:
    path = annotation_path(root)
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")


def values_in(node) -> int:
    if isinstance(node, dict):
        return 1 + sum(values_in(v) for v in node.values())
    if isinstance(node, list):
        return 1 + sum(values_in(v) for v in node)
    return 1


# --- documented -------------------------------------------------------------------------------------

def test_every_limit_is_in_the_error_catalogue_page():
    page = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page == render_error_catalogue(LIMITS)
    for name, (value, what) in LIMITS.items():
        assert f"| `{name}` | {value:,} | {what} |" in page
    assert LIMITS["MAX_JSON_VALUES"][0] == MAX_JSON_VALUES


# --- file sizes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("which, limit", [("annotation", MAX_ANNOTATION_BYTES), ("text", MAX_TEXT_BYTES),
                                          ("sources", MAX_REGISTRY_BYTES), ("settings", MAX_REGISTRY_BYTES)])
def test_a_file_over_its_size_limit_is_refused_without_being_read(mini_project, capsys, which, limit):
    corpus = mini_project / "corpus"
    path = {"annotation": annotation_path(mini_project), "text": corpus / "documents" / "mini-doc.txt",
            "sources": corpus / "sources.json", "settings": corpus / "corpus.toml"}[which]
    with path.open("r+b") as handle:  # sparse: the size is there, the bytes are not
        handle.truncate(limit + 1)
    started = time.monotonic()
    exit_code, report = validate(capsys, mini_project)
    assert time.monotonic() - started < 5
    assert exit_code == 1
    mine = [p for p in report["problems"] if p["file"].endswith(path.name)]
    assert [p["code"] for p in mine] == ["file-too-large"]
    assert f"{limit:,}" in mine[0]["message"]


def test_an_annotation_of_exactly_the_size_limit_is_read(mini_project, capsys):
    path = annotation_path(mini_project)
    data = path.read_bytes().rstrip()
    path.write_bytes(data + b" " * (MAX_ANNOTATION_BYTES - len(data) - 1) + b"\n")
    assert path.stat().st_size == MAX_ANNOTATION_BYTES
    assert validate(capsys, mini_project) == (0, {"valid": True, "files_checked": 4, "problem_count": 0, "problems": []})


# --- nesting depth ----------------------------------------------------------------------------------

def test_nesting_at_the_depth_limit_parses_and_one_level_more_is_refused():
    depth = MAX_JSON_DEPTH
    value, problems = parse_json("[" * depth + "]" * depth, "x.json")
    assert problems == [] and value is not None
    value, problems = parse_json('{"a": ' + "[" * depth + "]" * depth + "}", "x.json")
    assert [p.code for p in problems] == ["json-too-deep"]
    assert problems[0].pointer == "/a" + "/0" * (depth - 1)


def test_brackets_inside_strings_are_not_nesting():
    value, problems = parse_json(json.dumps({"a": "[" * 100 + "{" * 100, "b": ["]]]}}}"]}), "x.json")
    assert problems == [] and value["a"].startswith("[[")
    assert text_depth('{"a": "[[[[", "b": [{"c": "]]]"}]}') == 3


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 5_000, 400_000])
def test_deep_nesting_in_an_annotation_is_one_problem(mini_project, capsys, depth):
    path = annotation_path(mini_project)
    path.write_text(path.read_text(encoding="utf-8").replace('"claims": [', '"deep": ' + "[" * depth + "]" * depth + ', "claims": [', 1),
                    encoding="utf-8")
    started = time.monotonic()
    exit_code, report = validate(capsys, mini_project)
    assert time.monotonic() - started < 5
    assert exit_code == 1 and len(report["problems"]) == 1
    assert codes(report) == ["json-too-deep"]


# --- number of values -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["0", "[]", "{}", "[[]]", '{"a": []}', '[1, "a,b", {"c": [2, {}]}, "[{"]', '[" ,[{ ", {}, []]',
                                  (MINI / "corpus" / "annotations" / "mini-doc.json").read_text(encoding="utf-8"),
                                  (REPO / "corpus" / "sources.json").read_text(encoding="utf-8")])
def test_the_value_count_is_exact_once_over_the_cheap_bound(text):
    exact = values_in(json.loads(text))
    assert count_values(text, limit=0) == exact      # limit 0: always the exact count
    assert count_values(text) >= exact                # the cheap bound never undercounts
    assert values_estimate(text.encode("utf-8")) == values_estimate(text) >= exact  # on bytes too (orjson readers)


def test_values_at_the_limit_parse_and_one_more_is_refused():
    limit = MAX_JSON_VALUES
    at_limit = "[" + "0," * (limit - 2) + "0]"  # the array and limit - 1 numbers
    value, problems = parse_json(at_limit, "x.json")
    assert problems == [] and len(value) == limit - 1
    value, problems = parse_json("[" + "0," * (limit - 1) + "0]", "x.json")
    assert value is None and [p.code for p in problems] == ["json-too-many-values"]
    assert f"{limit + 1:,} values" in problems[0].message and f"{limit:,}" in problems[0].message


def test_commas_and_brackets_inside_strings_do_not_count():
    text = json.dumps({"quote": ",[{" * MAX_JSON_VALUES})
    value, problems = parse_json(text, "x.json")
    assert problems == [] and len(value["quote"]) == 3 * MAX_JSON_VALUES


def test_registries_have_their_own_value_limit():
    assert max_values_for("corpus/sources.json") == MAX_REGISTRY_VALUES
    assert max_values_for("/x/corpus/splits.json") == MAX_REGISTRY_VALUES
    assert max_values_for("corpus/annotations/sources-of-war.json") == MAX_JSON_VALUES
    wide = '{"documents": [' + "0," * (MAX_JSON_VALUES + 10) + "0]}"
    assert parse_json(wide, "corpus/annotations/x.json")[1][0].code == "json-too-many-values"
    value, problems = parse_json(wide, "corpus/splits.json")
    assert problems == [] and len(value["documents"]) == MAX_JSON_VALUES + 11


def test_too_many_values_is_one_problem_through_validate(mini_project, capsys):
    edit(mini_project, lambda a: a["entities"][0]["mentions"].extend([{}] * MAX_JSON_VALUES))
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and codes(report) == ["json-too-many-values"] and len(report["problems"]) == 1


def test_integers_have_at_most_the_digit_limit():
    assert parse_json("[" + "9" * MAX_INT_DIGITS + "]", "x.json")[1] == []
    for literal in ["9" * (MAX_INT_DIGITS + 1), "-" + "9" * 5000, "1" + "0" * 100_000]:
        value, problems = parse_json('{"start": ' + literal + "}", "x.json")
        assert [p.code for p in problems] == ["json-invalid"] and "digits" in problems[0].message
        assert (problems[0].line, problems[0].column) == (1, 11)
    assert parse_json('["' + "9" * 10_000 + '"]', "x.json")[1] == []  # digits in a string are text


def test_many_duplicate_keys_are_reported_up_to_the_limit():
    text = "{" + ", ".join(['"a": 1'] * 5000) + "}"
    value, problems = parse_json(text, "x.json")
    assert len(problems) == MAX_DUPLICATE_KEYS_REPORTED
    assert {p.code for p in problems} == {"json-duplicate-key"}
    assert "(and 4,899 more duplicate keys not listed)" in problems[-1].message


# --- JSON bombs, in a fresh process: time and peak memory ------------------------------------------

MEASURE = textwrap.dedent("""
    import io, json, sys, time, contextlib
    from newsclaims.cli import main

    def run(root):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--root", root, "validate", "--format", "json"])
        return code, json.loads(out.getvalue())

    def status_kib(field):
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

    def reset_peak():
        # Linux: writing 5 to clear_refs resets the peak resident size (VmHWM) of the process
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")

    run(sys.argv[1])  # warm up on the valid project: imports and caches are not the bombs' memory
    results = {}
    for root in sys.argv[2:]:
        reset_peak()
        base = status_kib("VmRSS")
        started = time.perf_counter()
        code, report = run(root)
        results[root] = {"seconds": time.perf_counter() - started, "exit": code, "peak_growth_mib": (status_kib("VmHWM") - base) / 1024,
                         "codes": sorted({p["code"] for p in report["problems"]}), "problems": len(report["problems"])}
    print(json.dumps({"results": results}))
""")


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="peak memory is read from Linux's /proc")
def test_json_bombs_are_refused_quickly_with_bounded_memory(tmp_path):
    valid = copy_project(MINI, tmp_path / "valid")
    roots = {}
    for name, data in bombs().items():
        assert len(data) <= MAX_ANNOTATION_BYTES
        root = copy_project(MINI, tmp_path / name)
        annotation_path(root).write_bytes(data)
        roots[str(root)] = name
    result = subprocess.run([sys.executable, "-c", MEASURE, str(valid), *roots], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout)
    for root, outcome in measured["results"].items():
        name = roots[root]
        assert outcome["exit"] == 1 and outcome["problems"] == 1, (name, outcome)
        assert outcome["codes"][0] in ("json-too-many-values", "json-too-deep"), (name, outcome)
        assert outcome["seconds"] < 5, (name, outcome)
        # Loose bound (the process holds the 16 MiB file as bytes and text, and a copy without strings);
        # before the value limit, the 16 MiB list bomb took ~50 s and ~1.4 GB.
        assert outcome["peak_growth_mib"] < 300, (name, outcome)


# --- items per list and string lengths: the schema's limits ----------------------------------------

SCHEMA = json.loads((REPO / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))
_UNBOUNDED = re.compile(r"[*+]|\{\d+,\}")


def _schema_nodes(node=SCHEMA, path=""):
    if isinstance(node, dict):
        yield path, node
        for key, child in node.items():
            yield from _schema_nodes(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _schema_nodes(child, f"{path}/{index}")


def _types(node) -> set:
    declared = node.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def test_every_list_and_string_of_an_annotation_is_bounded():
    """A list without maxItems or a string without maxLength (or a bounded pattern/enum) would let one
    field hold megabytes that every later stage (rows, Parquet, the card) has to carry."""
    unbounded = []
    for path, node in _schema_nodes():
        if "array" in _types(node) and "maxItems" not in node:
            unbounded.append(path)
        if "string" in _types(node) and "maxLength" not in node and "enum" not in node:
            if "pattern" not in node or _UNBOUNDED.search(node["pattern"]):
                unbounded.append(path)
    assert unbounded == []




@pytest.mark.parametrize("what, pointer, change", OVER_LIMIT, ids=[case[0] for case in OVER_LIMIT])
def test_one_item_or_character_over_a_schema_limit_is_a_range_problem(mini_project, capsys, what, pointer, change):
    edit(mini_project, change)
    started = time.monotonic()
    exit_code, report = validate(capsys, mini_project)
    assert time.monotonic() - started < 10
    assert exit_code == 1 and codes(report) == ["schema-range"], report["problems"][:3]
    assert [p["pointer"] for p in report["problems"]] == [pointer]
    assert len(report["problems"][0]["message"]) < 400  # the value is shortened, not copied into the message


# --- many problems in one small file ----------------------------------------------------------------

def test_a_file_with_many_broken_items_gets_a_bounded_report(mini_project, capsys):
    edit(mini_project, lambda a: a["entities"][0].update(mentions=[{}] * 5_000))
    started = time.monotonic()
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and time.monotonic() - started < 5
    assert len(report["problems"]) <= 1_001
