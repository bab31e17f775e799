"""Known errors injected into synthetic documents: each kind's edit makes exactly one problem code
certain, so the validator must report exactly the (file, code) pairs listed in injected_errors.json.
"""

from __future__ import annotations

import hashlib
import random

from ..validation.limits import MAX_JSON_DEPTH
from .document import Registry, dump_json, make_document


# --- error injection ------------------------------------------------------------------------------
# Each kind breaks one thing whose problem code is certain, and nothing else (a file that fails a level
# is not checked further, so a broken text hides nothing of its annotation's other checks).

def _first_non_hedged(annotation: dict) -> dict:
    return next(claim for claim in annotation["claims"] if not claim["hedged"])


def _first_authorial(annotation: dict) -> dict:
    return next(claim for claim in annotation["claims"] if claim["attribution"]["mode"] == "authorial")


def _widen_onto_whitespace(annotation: dict, text: str) -> None:
    for entity in annotation["entities"]:
        for mention in entity["mentions"]:
            start = mention["start"]
            if start > 0 and text[start - 1].isspace():
                mention["start"], mention["text"] = start - 1, text[start - 1:mention["end"]]
                return
    raise AssertionError("no mention after whitespace")  # every document has one (sentence-initial names)


def _add_duplicate_mention(annotation: dict) -> None:
    mentions = annotation["entities"][0]["mentions"]
    count = sum(len(entity["mentions"]) for entity in annotation["entities"])
    mentions.append({**mentions[0], "id": f"m{count + 1}"})


def _nest(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _set(path: list, value):
    def apply(annotation: dict) -> None:
        target = annotation
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return apply


# kind -> edit of the annotation dict (and the text, read only), before it is serialised.
ANNOTATION_EDITS = {
    "span-text-mismatch": lambda a, t: a["entities"][0]["mentions"][0].update(text=a["entities"][0]["mentions"][0]["text"] + "s"),
    "span-out-of-range": lambda a, t: a["claims"][-1].update(end=len(t) + 7),
    "unknown-entity": lambda a, t: a["claims"][0]["about"].append("e999"),
    "unknown-source": lambda a, t: _set(["metadata", "publisher_source_id"], "synth-no-such-outlet")(a),
    "schema-enum": lambda a, t: a["entities"][0].update(type="ANIMAL"),
    "schema-required": lambda a, t: a["metadata"].pop("license"),
    "text-sha256-mismatch": lambda a, t: a.update(text_sha256=hashlib.sha256(t.encode("utf-8") + b"!").hexdigest()),
    "duplicate-id": lambda a, t: a["claims"][1].update(id=a["claims"][0]["id"]),
    "hedge-mismatch": lambda a, t: _first_non_hedged(a).update(hedged=True),
    "span-invalid-range": lambda a, t: a["entities"][0]["mentions"][0].update(end=a["entities"][0]["mentions"][0]["start"]),
    "span-whitespace": _widen_onto_whitespace,
    "mention-duplicate": lambda a, t: _add_duplicate_mention(a),
    "attribution-mismatch": lambda a, t: _first_authorial(a).update(source_id="exile-media"),
    "schema-unknown-field": lambda a, t: a["metadata"].update(source_notes="added by hand"),
    "schema-type": lambda a, t: a["claims"][0].update(check_worthy="yes"),
    "schema-pattern": lambda a, t: a["metadata"].update(published_at="12/03/2021"),
    "schema-range": lambda a, t: a["entities"][0].update(name=""),
    "schema-unique-items": lambda a, t: a["claims"][0].update(about=["e1", "e1"]),
    "doc-id-invalid": lambda a, t: a.update(doc_id="Synth_Document"),
    "json-too-deep": lambda a, t: a["metadata"].update(license=_nest(MAX_JSON_DEPTH + 8)),
}
BYTE_EDITS = {  # kind -> (which file: "json" or "txt", bytes -> bytes, or None: the file is not written)
    "json-invalid": ("json", lambda data: data.rstrip()[:-1]),  # the final closing brace is missing
    "json-duplicate-key": ("json", lambda data: b'{\n  "doc_id": "synth-duplicate-key",' + data[1:]),
    "file-empty": ("json", lambda data: b""),
    "missing-annotation": ("json", lambda data: None),
    "encoding-bom": ("txt", lambda data: b"\xef\xbb\xbf" + data),
    "encoding-not-utf8": ("txt", lambda data: data.replace(b"\n", b"\n\xff", 1)),
    "text-crlf": ("txt", lambda data: data.replace(b"\n", b"\r\n", 1)),
    "text-not-nfc": ("txt", lambda data: data + "\nCafe\u0301.".encode("utf-8")),
    "text-control-char": ("txt", lambda data: data.replace(b"\n", b"\n\x07", 1)),
    "missing-document": ("txt", lambda data: None),
}
# The order kinds are handed out in (cycling): the most common mistakes first.
ERROR_KINDS = [
    "span-text-mismatch", "span-out-of-range", "unknown-entity", "unknown-source", "schema-enum",
    "schema-required", "json-invalid", "text-sha256-mismatch", "duplicate-id", "hedge-mismatch",
    "encoding-bom", "span-invalid-range", "span-whitespace", "mention-duplicate", "attribution-mismatch",
    "schema-unknown-field", "schema-type", "schema-pattern", "schema-range", "schema-unique-items",
    "doc-id-invalid", "json-duplicate-key", "json-too-deep", "encoding-not-utf8", "text-crlf",
    "text-not-nfc", "text-control-char", "file-empty", "missing-document", "missing-annotation",
]
assert set(ERROR_KINDS) == set(ANNOTATION_EDITS) | set(BYTE_EDITS)


def error_file(kind: str, doc_id: str) -> str:
    """The file (relative to the project) on which the validator reports the kind's problem."""
    if kind == "missing-annotation":  # reported on the text that has no annotation
        return f"corpus/documents/{doc_id}.txt"
    if kind == "missing-document":  # reported on the annotation that has no text
        return f"corpus/annotations/{doc_id}.json"
    if kind in BYTE_EDITS and BYTE_EDITS[kind][0] == "txt":
        return f"corpus/documents/{doc_id}.txt"
    return f"corpus/annotations/{doc_id}.json"


def plan_errors(n_docs: int, seed: int, errors: int) -> dict[int, str]:
    """0-based document index -> error kind, for `errors` distinct documents."""
    if not errors:
        return {}
    chosen = sorted(random.Random(f"newsclaims-synth-errors:{seed}:{n_docs}").sample(range(n_docs), errors))
    return {index: ERROR_KINDS[number % len(ERROR_KINDS)] for number, index in enumerate(chosen)}


def document_files(seed: int, index: int, kind: str | None = None, registry: Registry | None = None) -> tuple[str, bytes | None, bytes | None, str | None]:
    """(doc_id, text bytes, annotation bytes, story_id) of one document, with the error `kind` injected.

    None for a file that is not to be written.
    """
    doc_id, text, annotation = make_document(seed, index, registry)
    story_id = annotation["metadata"]["story_id"]
    if kind in ANNOTATION_EDITS:
        ANNOTATION_EDITS[kind](annotation, text)
    text_bytes, json_bytes = text.encode("utf-8"), dump_json(annotation)
    if kind in BYTE_EDITS:
        which, edit = BYTE_EDITS[kind]
        if which == "txt":
            text_bytes = edit(text_bytes)
        else:
            json_bytes = edit(json_bytes)
    return doc_id, text_bytes, json_bytes, story_id
