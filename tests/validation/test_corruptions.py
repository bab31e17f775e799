"""Systematic corruptions of valid annotation files: every one is reported as records, none crashes.

Each leaf value is swapped for values of other types and sizes, each key is deleted, and each object
gets an unknown key. validate must return problems (or accept the change when it is still valid), never
raise, and never write to the corpus.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from newsclaims.project import Layout
from newsclaims.validation.files import check_annotation, check_sources

from helpers.bad_inputs import corruptions
from helpers.project import MINI, REPO

# Every corruption of a large file takes minutes; the suite checks a fixed sample of them per file.
# NEWSCLAIMS_ALL_CORRUPTIONS=1 runs them all.
SAMPLE = None if os.environ.get("NEWSCLAIMS_ALL_CORRUPTIONS") else 2500
def corpus_annotations():
    paths = sorted((MINI / "corpus" / "annotations").glob("*.json")) + sorted((REPO / "corpus" / "annotations").glob("*.json"))
    return [pytest.param(p, id=p.parent.parent.parent.name + "/" + p.name) for p in paths]


@pytest.mark.parametrize("source", corpus_annotations())
def test_every_corruption_is_reported_not_raised(source: Path, tmp_path):
    project = source.parent.parent.parent
    layout = Layout(project)
    sources, _ = check_sources(layout.sources_path, REPO / "schema")
    source_ids = {s["id"] for s in sources}
    original = json.loads(source.read_text(encoding="utf-8"))
    target = tmp_path / "annotations" / source.name
    target.parent.mkdir()
    tried = caught = 0
    cases = list(corruptions(original))
    if SAMPLE is not None and len(cases) > SAMPLE:
        cases = random.Random(source.name).sample(cases, SAMPLE)
    for label, make in cases:
        mutated = make()
        target.write_text(json.dumps(mutated, ensure_ascii=False), encoding="utf-8")
        before = target.read_bytes()
        result, problems = check_annotation(target, REPO / "schema", source_ids, {}, layout.documents_dir)
        tried += 1
        assert target.read_bytes() == before
        if result is None:
            caught += 1
            assert problems, label
            for p in problems:
                assert p.code and p.hint and p.file.endswith(source.name), (label, p)
                assert p.line is not None or p.code in ("file-too-large",), (label, p)
        else:  # a file that stays valid may carry warnings (the guideline's rules), never an error
            assert not [p for p in problems if p.severity == "error"], label
    # Almost every corruption must be caught; the few that stay valid swap a free-text value.
    assert caught >= 0.9 * tried, (caught, tried)
