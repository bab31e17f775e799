"""Systematic corruptions of valid annotation files: every one is reported as records, none crashes.

Each leaf value is swapped for values of other types and sizes, each key is deleted, and each object
gets an unknown key. validate must return problems (or accept the change when it is still valid), never
raise, and never write to the corpus.
"""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path

import pytest

from newsclaims.project import Layout
from newsclaims.validation.files import check_annotation, check_sources

from conftest import MINI, REPO

# Every corruption of a large file takes minutes; the suite checks a fixed sample of them per file.
# NEWSCLAIMS_ALL_CORRUPTIONS=1 runs them all.
SAMPLE = None if os.environ.get("NEWSCLAIMS_ALL_CORRUPTIONS") else 2500
REPLACEMENTS = [None, "", "x" * 300_000, -1, 2**70, 1.5, True, [], {}, ["e1"], {"start": 0}, "\u0301\ud7ff\U0010ffff"]


def leaves(node, path=()):
    """Every (path, value) of a JSON tree, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from leaves(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from leaves(child, path + (index,))


def set_at(tree, path, value):
    node = tree
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _replaced(annotation, path, value):
    mutated = copy.deepcopy(annotation)
    set_at(mutated, path, value)
    return mutated


def _deleted(annotation, path):
    mutated = copy.deepcopy(annotation)
    node = mutated
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return mutated


def corruptions(annotation):
    """(label, make) pairs; `make()` builds the corrupted copy, so a sample costs only what it uses."""
    for path, value in leaves(annotation):
        if not path:
            continue
        where = "/".join(map(str, path))
        for replacement in REPLACEMENTS:
            if replacement != value:
                yield f"{where} = {str(replacement)[:20]!r}", lambda p=path, r=replacement: _replaced(annotation, p, r)
        if isinstance(path[-1], str):
            yield f"del {where}", lambda p=path: _deleted(annotation, p)
        if isinstance(value, dict):
            yield f"{where}/surprise", lambda p=path: _replaced(annotation, p + ("surprise",), 1)


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
        else:
            assert not problems, label
    # Almost every corruption must be caught; the few that stay valid swap a free-text value.
    assert caught >= 0.9 * tried, (caught, tried)
