"""Systematic corruptions of valid annotation files: every one is reported as records, none crashes.

Each leaf value is swapped for values of other types and sizes, each key is deleted, and each object
gets an unknown key. validate must return problems (or accept the change when it is still valid), never
raise, and never write to the corpus.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from newsclaims.corpus import Layout
from newsclaims.validate import check_annotation, check_sources

from conftest import MINI, REPO

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


def corruptions(annotation):
    for path, value in leaves(annotation):
        if not path:
            continue
        for replacement in REPLACEMENTS:
            if replacement != value:
                mutated = copy.deepcopy(annotation)
                set_at(mutated, path, replacement)
                yield f"{'/'.join(map(str, path))} = {str(replacement)[:20]!r}", mutated
        if isinstance(path[-1], str):
            mutated = copy.deepcopy(annotation)
            node = mutated
            for part in path[:-1]:
                node = node[part]
            del node[path[-1]]
            yield f"del {'/'.join(map(str, path))}", mutated
        if isinstance(value, dict):
            mutated = copy.deepcopy(annotation)
            set_at(mutated, path + ("surprise",), 1)
            yield f"{'/'.join(map(str, path))}/surprise", mutated


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
    for label, mutated in corruptions(original):
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
