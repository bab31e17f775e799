"""Fuzzing the validator: mutated annotation files are reported as problem records, never crash it.

Every mutator turns the bytes of a valid annotation file into hostile bytes (bit flips, truncation,
swapped types, huge numbers, deep nesting, long strings, random Unicode with lone surrogates, combining
marks and NUL...). For each case `newsclaims validate --format json` must:

- return normally (NEWSCLAIMS_DEBUG=1 makes an internal error raise here instead of exiting 2);
- exit 1 with at least one problem record, each with a catalogue code, file, message and hint; or exit 0,
  and then the file must really be valid: an independent check (the reference `jsonschema` library and
  plain re-implementations of the reference and content rules) agrees, and mutators that only re-format
  the JSON must always give 0;
- write nothing: the corpus tree is byte-identical afterwards.

The suite runs a short budget (hypothesis, ~150 cases); `scripts/fuzz.py` runs the same mutators and
checks for as long as asked.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.project import MINI, REPO, copy_project
from helpers.fuzzing import (MUTATORS, PRESERVING, RAW_SURROGATES, SOURCES, check_case, corpus_digest, independently_valid, mutate,
                             mutate_stack, run_campaign, source_annotation)


# --- the tests ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    return {name: copy_project(folder, tmp_path_factory.mktemp(name) / "project") for name, folder in SOURCES.items()}


def test_every_mutator_runs_and_changes_the_file():
    for name in SOURCES:
        data = source_annotation(name).read_bytes()
        for mutator in MUTATORS:
            for seed in range(5):
                result = mutate(mutator, data, random.Random(f"{mutator}:{seed}"))
                assert isinstance(result, bytes)
                if mutator not in PRESERVING and seed == 0:
                    assert result != data or mutator == "offset_shift", mutator


def test_the_independent_check_accepts_the_valid_files_and_refuses_a_broken_one(projects):
    for name, project in projects.items():
        target = project / "corpus" / "annotations" / source_annotation(name).name
        assert independently_valid(project, target) is None
        original = target.read_bytes()
        try:
            tree = json.loads(original)
            tree["entities"][0]["mentions"][0]["start"] += 1
            target.write_text(json.dumps(tree), encoding="utf-8")
            assert independently_valid(project, target) == "span text"
        finally:
            target.write_bytes(original)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(source=st.sampled_from(sorted(SOURCES)), mutator=st.sampled_from(sorted(MUTATORS)),
       rounds=st.sampled_from([1, 1, 1, 2, 3]), rnd=st.randoms(use_true_random=False))
def test_mutated_annotation_files_are_reported_never_crash(projects, source, mutator, rounds, rnd):
    project = projects[source]
    target = project / "corpus" / "annotations" / source_annotation(source).name
    original = source_annotation(source).read_bytes()
    try:
        check_case(project, target, *mutate_stack(mutator, original, rnd, rounds))
    finally:
        target.write_bytes(original)


def test_hostile_files_give_no_traceback_through_the_command(tmp_path):
    """Several kinds of damage at once, through `python -m newsclaims` as a contributor runs it (one
    process for all the files: starting Python costs more than validating)."""
    project = copy_project(MINI, tmp_path / "project")
    annotations = project / "corpus" / "annotations"
    data = (annotations / "mini-doc.json").read_bytes()
    hostile = {
        "mini-doc.json": data[:40] + RAW_SURROGATES[0] + b"\x00" + "\u0301".encode() + data[40:200] + b"\\ud800" + b"9" * 5000 + b"[" * 5000 + data[200:],
        "deep-doc.json": mutate("deep_nesting", data, random.Random(1)),
        "huge-doc.json": data.replace(b'"start": 6,', b'"start": ' + b"9" * 5000 + b",", 1),
        "escaped-doc.json": data.replace(b'"Putin"', b'"Put\\ud800in"', 1),
        "wide-doc.json": b"[" + b"{}," * 2_000_000 + b"{}]",
    }
    for name, content in hostile.items():
        (annotations / name).write_bytes(content)
    before = corpus_digest(project)
    env = {k: v for k, v in os.environ.items() if k != "NEWSCLAIMS_DEBUG"}
    result = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(project), "validate"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1, (result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stdout + result.stderr and "internal error" not in result.stderr
    assert result.stderr == ""
    for name in hostile:
        assert f"corpus/annotations/{name}:" in result.stdout, name
    assert "hint:" in result.stdout
    assert corpus_digest(project) == before


def test_the_bad_input_catalogue_names_every_input(request):
    """docs/bad-input.md is generated by `scripts/fuzz.py --catalogue` (it runs every input and the hostile
    commands, a few minutes); this checks cheaply that it is not behind the tests: every code, mutator,
    limit probe, path case, hostile command and known hole collected in this run is on the page, and no
    case broke a promise when it was written."""
    from helpers.bad_inputs import OVER_LIMIT
    from helpers.catalogue import cell, hostile_cases, known_holes, path_scenarios
    from newsclaims.problems.codes import CATALOGUE, INTEROP

    page = (REPO / "docs" / "bad-input.md").read_text(encoding="utf-8")
    assert "python scripts/fuzz.py --catalogue docs/bad-input.md" in page
    missing = [f"code {code}" for code in CATALOGUE if CATALOGUE[code].level != INTEROP and f"| `{code}` |" not in page]
    missing += [f"mutator {name}" for name in MUTATORS if f"| `{name}` |" not in page]
    missing += [f"limit {what}" for what, _, _ in OVER_LIMIT if f"one over the schema's limit: {what} (" not in page]
    if os.name == "posix":
        missing += [f"path case {name}" for name, _, _ in path_scenarios() if f"| {cell(name)} |" not in page]
    missing += [f"hostile command {case.name}" for _, case, _ in hostile_cases(request.session.items)
                if f"| `{case.name}` |" not in page]
    missing += [f"known hole {test}" for test, _ in known_holes(request.session.items) if f"`{test}`" not in page]
    assert missing == [], f"docs/bad-input.md is stale ({missing[:5]}): run `python scripts/fuzz.py --catalogue docs/bad-input.md`"
    assert not re.search(r"failed: [A-Za-z]+ x\d", page), "a mutator case broke a promise when the page was written"
    assert "| failed (" not in page, "a hostile command's test failed when the page was written"


@pytest.mark.parametrize("relative, command", [("corpus/annotations/mini-doc.json", "validate"), ("corpus/sources.json", "validate"),
                                               ("corpus/splits.json", "build")])
def test_a_json_file_holding_only_null_is_a_problem(tmp_path, relative, command):
    """Found by the fuzzer (swapped_type at the root): the readers return None for "failed to parse", so a
    file holding `null` was accepted with no problem. An annotation was then silently left out of the
    build, sources.json made the build crash, and splits.json let the build publish an empty dataset."""
    from newsclaims.cli import main

    project = copy_project(MINI, tmp_path / "project")
    (project / relative).write_text(" null\n", encoding="utf-8")
    argv = ["--root", str(project), command, "--format", "json"] + (["--out", str(tmp_path / "data")] if command == "build" else [])
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 1
    [record] = json.loads(out.getvalue())["problems"]
    assert (record["code"], record["line"], record["column"]) == ("schema-type", 1, 2)
    assert record["file"].endswith(Path(relative).name) and not (tmp_path / "data").exists()


def test_fuzz_campaign(request):
    """The long run: only with --fuzz-seconds or --fuzz-case (scripts/fuzz.py passes them)."""
    option = request.config.getoption
    if option("--fuzz-seconds") is None and option("--fuzz-case") is None:
        pytest.skip("a fuzz campaign runs only when asked: python scripts/fuzz.py --seconds N")
    summary = run_campaign(option("--fuzz-seconds") or 0.0, option("--fuzz-seed"), option("--fuzz-rounds"),
                           Path(option("--fuzz-failures")), option("--fuzz-case"), progress=print)
    if option("--fuzz-summary"):
        Path(option("--fuzz-summary")).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    assert not summary["failures"], json.dumps(summary["failures"], indent=2, ensure_ascii=False)
