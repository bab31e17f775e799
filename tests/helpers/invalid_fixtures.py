"""One invalid fixture per problem code: a change to the valid mini project that produces exactly that code.

Each fixture is a function that edits a temporary copy of tests/fixtures/mini (text, annotation,
sources, settings or schema). test_validate.py checks that the set of fixtures equals the catalogue
and that each yields exactly its code; docs/errors.md shows the fixtures as examples.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from newsclaims.validation import limits as parse

DOC = "mini-doc"


def _paths(root: Path):
    corpus = root / "corpus"
    return corpus / "documents" / f"{DOC}.txt", corpus / "annotations" / f"{DOC}.json"


def _edit_annotation(root: Path, change) -> None:
    path = _paths(root)[1]
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _edit_text(root: Path, change) -> None:
    path = _paths(root)[0]
    path.write_bytes(change(path.read_bytes()))


def _replace_in_file(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, f"fixture out of date: {old!r} not in {path}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def _mention(annotation, e=0, m=0):
    return annotation["entities"][e]["mentions"][m]


def _unanchor(span: dict) -> dict:
    """The span as a contributor writes it by quote: no offsets."""
    del span["start"], span["end"]
    return span


def _schema_const_language(root: Path) -> None:
    path = root / "schema" / "annotation.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$defs"]["metadata"]["properties"]["language"]["const"] = "fr"  # a rule with no specific code
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def _add_reading(root: Path, handle: str, **annotation_info) -> None:
    """An annotator's reading corpus/annotators/<doc_id>/<handle>.json: the gold file's labels, its annotation info changed."""
    content = json.loads(_paths(root)[1].read_text(encoding="utf-8"))
    content["annotation"].update({"status": "silver", "annotators": [handle], **annotation_info})
    folder = root / "corpus" / "annotators" / DOC
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{handle}.json").write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _add_copy(root: Path, doc_id: str) -> None:
    """A second valid document (the mini one under another id) that splits.json does not know."""
    text, annotation = _paths(root)
    (text.parent / f"{doc_id}.txt").write_bytes(text.read_bytes())
    content = json.loads(annotation.read_text(encoding="utf-8"))
    content["doc_id"] = doc_id
    (annotation.parent / f"{doc_id}.json").write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _bidi_isolate(root: Path) -> None:
    """Hebrew in a right-to-left isolate after the last span, and the annotation's text_sha256 updated."""
    text, annotation = _paths(root)
    text.write_bytes(text.read_bytes() + "\u2067\u05e9\u05dc\u05d5\u05dd\u2069\n".encode("utf-8"))
    _edit_annotation(root, lambda a: a.update(text_sha256=hashlib.sha256(text.read_bytes()).hexdigest()))


def _whitespace_edge(annotation):
    claim = annotation["claims"][0]  # the title claim; the title line ends with a newline after it
    claim["end"] += 1
    claim["text"] += "\n"


FIXTURES = {
    "file-empty": lambda root: _paths(root)[1].write_bytes(b""),
    "file-too-large": lambda root: _edit_text(root, lambda data: data + b" " * (parse.MAX_TEXT_BYTES + 1 - len(data))),
    "file-unreadable": lambda root: (root / "corpus" / "sources.json").unlink(),
    "encoding-not-utf8": lambda root: _edit_text(root, lambda data: data.decode("utf-8").encode("cp1252")),
    "encoding-bom": lambda root: _paths(root)[1].write_bytes(b"\xef\xbb\xbf" + _paths(root)[1].read_bytes()),
    "text-crlf": lambda root: _edit_text(root, lambda data: data.replace(b"\n", b"\r\n")),
    "text-not-nfc": lambda root: _edit_text(root, lambda data: data.replace(b"Damascus", "Dame\u0301scus".encode())),
    "text-control-char": lambda root: _edit_text(root, lambda data: data.replace(b"Speak,", b"Speak\x00,")),
    "text-bidi-control": _bidi_isolate,  # a warning: validate exits 0
    "json-invalid": lambda root: _replace_in_file(_paths(root)[1], '"claims": [', '"claims": [,'),
    "json-duplicate-key": lambda root: _replace_in_file(_paths(root)[1], '"doc_id": "mini-doc",', '"doc_id": "mini-doc",\n  "doc_id": "mini-doc",'),
    "json-too-deep": lambda root: _replace_in_file(_paths(root)[1], '"claims": [', '"deep": ' + "[" * 40 + "]" * 40 + ',\n  "claims": ['),
    "json-too-many-values": lambda root: _replace_in_file(_paths(root)[1], '"claims": [', '"wide": [' + "[]," * parse.MAX_JSON_VALUES + '[]],\n  "claims": ['),
    "toml-invalid": lambda root: _replace_in_file(root / "corpus" / "corpus.toml", 'version = "0.1.0"', 'version = 0.1.0'),
    "schema-required": lambda root: _edit_annotation(root, lambda a: a.pop("claims")),
    "schema-unknown-field": lambda root: _edit_annotation(root, lambda a: a["entities"][0].update(gender="male")),
    "schema-enum": lambda root: _edit_annotation(root, lambda a: a["entities"][0].update(type="PERSN")),
    "schema-type": lambda root: _edit_annotation(root, lambda a: _mention(a).update(start=str(_mention(a)["start"]))),
    "schema-pattern": lambda root: _edit_annotation(root, lambda a: a.update(text_sha256="not-a-hash")),
    "schema-range": lambda root: _edit_annotation(root, lambda a: _mention(a).update(start=-1)),
    "schema-unique-items": lambda root: _edit_annotation(root, lambda a: a["claims"][0]["about"].append(a["claims"][0]["about"][0])),
    "schema-invalid": lambda root: _schema_const_language(root),
    "span-not-anchored": lambda root: _edit_annotation(root, lambda a: _unanchor(_mention(a, 0, 1))),  # "Vladamir Putin" occurs once
    "doc-id-invalid": lambda root: _edit_annotation(root, lambda a: a.update(doc_id="../etc/passwd")),
    "duplicate-id": lambda root: _edit_annotation(root, lambda a: _mention(a, 0, 1).update(id=_mention(a, 0, 0)["id"])),
    "unknown-entity": lambda root: _edit_annotation(root, lambda a: a["claims"][0]["about"].append("e99")),
    "unknown-source": lambda root: _edit_annotation(root, lambda a: a["claims"][1].update(source_id="reuters")),
    "doc-id-mismatch": lambda root: (root / "corpus" / "annotations" / "other-doc.json").write_bytes(_paths(root)[1].read_bytes()),
    "missing-document": lambda root: _paths(root)[0].rename(root / "corpus" / f"{DOC}.txt.bak"),
    "missing-annotation": lambda root: _paths(root)[1].rename(root / "corpus" / f"{DOC}.json.bak"),
    "annotator-mismatch": lambda root: _add_reading(root, "second-reader", annotators=["someone-else"]),
    "adjudication-unresolved": lambda root: _edit_annotation(root, lambda a: a.update(unresolved=[
        {"label": "claim_type", "message": "claim c1", "readings": [{"annotator": "a", "value": "factual"}, {"annotator": "b", "value": "opinion"}]}])),
    "unexpected-file": lambda root: (root / "corpus" / "documents" / "Notes.TXT").write_text("to do", encoding="utf-8"),
    "text-sha256-mismatch": lambda root: _edit_annotation(root, lambda a: a.update(text_sha256="0" * 64)),
    "quote-not-found": lambda root: _edit_annotation(root, lambda a: _unanchor(_mention(a, 0, 1)).update(text="Vladimir Putin")),  # the text misspells it
    "quote-ambiguous": lambda root: _edit_annotation(root, lambda a: _unanchor(_mention(a, 0, 0))),  # "Putin" occurs twice
    "span-out-of-range": lambda root: _edit_annotation(root, lambda a: _mention(a).update(start=5000, end=5005)),
    "span-invalid-range": lambda root: _edit_annotation(root, lambda a: _mention(a).update(end=_mention(a)["start"])),
    "span-text-mismatch": lambda root: _edit_annotation(root, lambda a: _mention(a, 0, 1).update(text="Vladimir Putin")),
    "span-whitespace": lambda root: _edit_annotation(root, _whitespace_edge),
    "mention-duplicate": lambda root: _edit_annotation(root, lambda a: a["entities"][0]["mentions"].append({**_mention(a), "id": "m99"})),
    "hedge-mismatch": lambda root: _edit_annotation(root, lambda a: a["claims"][1].update(hedged=True)),
    "attribution-mismatch": lambda root: _edit_annotation(root, lambda a: a["claims"][1]["attribution"].update(mode="authorial", cue=None)),
    "split-ratios-sum": lambda root: _replace_in_file(root / "corpus" / "corpus.toml", "test = 0.1", "test = 0.2"),
    # build level: a valid corpus the build still refuses
    "splits-missing": lambda root: (root / "corpus" / "splits.json").unlink(),
    "split-unassigned": lambda root: _add_copy(root, "mini-doc-two"),
    "split-stale": lambda root: _replace_in_file(root / "corpus" / "corpus.toml", 'salt = "', 'salt = "changed-'),
    "changelog-missing-version": lambda root: _replace_in_file(root / "CHANGELOG.md", "## 0.1.0", "## 0.0.9"),
}
