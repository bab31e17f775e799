"""Bad inputs the tests and the bad-input catalogue share: hostile whole files, systematic corruptions
of an annotation, JSON bombs at the size limit, and one-over-the-limit edits of every bounded field."""

from __future__ import annotations

import copy
import os

from helpers.project import MINI
from newsclaims.validation.limits import MAX_ANNOTATION_BYTES

HOSTILE = {
    "binary": os.urandom(2048),
    "nul bytes": b'{"doc_id": "\x00\x00"}',
    "utf-16": '{"doc_id": "mini-doc"}'.encode("utf-16"),
    "lone surrogate": b'{"doc_id": "\\ud800"}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "a number, not an object": b"42",
    "truncated": b'{"schema_version": "1.0", "doc_id": "mini-',
}


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



def bombs() -> dict[str, bytes]:
    limit = MAX_ANNOTATION_BYTES
    n = (limit - 100) // 3
    mini = (MINI / "corpus" / "annotations" / "mini-doc.json").read_bytes()
    return {
        "lists": b"[" + b"[]," * n + b"[]]",
        "objects in arrays": b"[" + b"[{}, {\n}]," * (n // 4) + b"[]]",
        "strings": b"[" + b'"",' * n + b'""]',
        "keys": b"{" + b",".join(b'"%07d":0' % i for i in range((limit - 10) // 12)) + b"}",
        "in-annotation": mini.replace(b'"entities": [', b'"entities": [' + b"{}," * (n - 2000), 1),
        "deep": b"[" * (limit // 2) + b"]" * (limit // 2),
    }



def _verdict(a):
    """The first claim's verdict, made up (valid) on first use."""
    if a["claims"][0]["verdict"] is None:
        a["claims"][0]["verdict"] = {"label": "supported", "justification": "j", "evidence": [{"url": "https://example.org", "quote": "q"}]}
    return a["claims"][0]["verdict"]


# (what, pointer of the too-long value, how to make it one item or character too long)
OVER_LIMIT = [
    ("entities", "/entities", lambda a: a["entities"].extend([a["entities"][0]] * (10_001 - len(a["entities"])))),
    ("claims", "/claims", lambda a: a["claims"].extend([a["claims"][0]] * (10_001 - len(a["claims"])))),
    ("mentions", "/entities/0/mentions", lambda a: a["entities"][0]["mentions"].extend([a["entities"][0]["mentions"][0]] * 9_999)),
    ("about", "/claims/0/about", lambda a: a["claims"][0].update(about=[f"e{i}" for i in range(1001)])),
    ("hedge_cues", "/claims/0/hedge_cues", lambda a: a["claims"][0].update(hedged=True, hedge_cues=[{"start": 0, "end": 1, "text": "W"}] * 101)),
    ("annotators", "/annotation/annotators", lambda a: a["annotation"].update(annotators=["x"] * 101)),
    ("author_source_ids", "/metadata/author_source_ids", lambda a: a["metadata"].update(author_source_ids=["author"] * 101)),
    ("evidence", "/claims/0/verdict/evidence", lambda a: _verdict(a).update(evidence=_verdict(a)["evidence"] * 101)),
    ("title", "/metadata/title", lambda a: a["metadata"].update(title="x" * 2001)),
    ("url", "/metadata/url", lambda a: a["metadata"].update(url="https://" + "x" * 1993)),
    ("license", "/metadata/license", lambda a: a["metadata"].update(license="x" * 201)),
    ("language", "/metadata/language", lambda a: a["metadata"].update(language="en" + "-abcdefgh" * 4)),
    ("published_at", "/metadata/published_at", lambda a: a["metadata"].update(published_at="2020-01-01T00:00:00." + "1" * 30 + "Z")),
    ("publisher_source_id", "/metadata/publisher_source_id", lambda a: a["metadata"].update(publisher_source_id="x" * 101)),
    ("author_source_id", "/metadata/author_source_ids/0", lambda a: a["metadata"].update(author_source_ids=["x" * 101])),
    ("schema_version", "/schema_version", lambda a: a.update(schema_version="1." + "0" * 9)),
    ("guideline_version", "/annotation/guideline_version", lambda a: a["annotation"].update(guideline_version="1." + "0" * 19)),
    ("annotator", "/annotation/annotators/0", lambda a: a["annotation"].update(annotators=["x" * 101])),
    ("entity name", "/entities/0/name", lambda a: a["entities"][0].update(name="x" * 501)),
    ("wikidata", "/entities/0/wikidata", lambda a: a["entities"][0].update(wikidata="Q" + "1" * 20)),
    ("mention id", "/entities/0/mentions/0/id", lambda a: a["entities"][0]["mentions"][0].update(id="m" + "1" * 32)),
    ("quote", "/entities/0/mentions/0/text", lambda a: a["entities"][0]["mentions"][0].update(text="x" * 100_001)),
    ("about item", "/claims/0/about/0", lambda a: a["claims"][0]["about"].__setitem__(0, "e" + "1" * 32)),
    ("source_id", "/claims/0/source_id", lambda a: a["claims"][0].update(source_id="x" * 101)),
    ("justification", "/claims/0/verdict/justification", lambda a: _verdict(a).update(justification="x" * 10_001)),
    ("evidence quote", "/claims/0/verdict/evidence/0/quote", lambda a: _verdict(a)["evidence"][0].update(quote="x" * 10_001)),
]
