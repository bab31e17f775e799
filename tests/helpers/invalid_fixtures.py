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


def _replace_in_text(root: Path, old: str, new: str) -> None:
    """The same length of text replaced (every offset stays), and text_sha256 updated."""
    assert len(old) == len(new)
    text, _ = _paths(root)
    _replace_in_file(text, old, new)
    _edit_annotation(root, lambda a: a.update(text_sha256=hashlib.sha256(text.read_bytes()).hexdigest()))


def _possessive(annotation):
    """A mention of "Israel’s" (the possessive included), its entity added to the claim that holds it."""
    text = (Path(__file__).resolve().parents[1] / "fixtures" / "mini" / "corpus" / "documents" / f"{DOC}.txt").read_text(encoding="utf-8")
    start = text.index("Israel\u2019s")
    annotation["entities"][5]["mentions"].append({"id": "m9", "start": start, "end": start + 8, "text": "Israel\u2019s"})
    annotation["claims"][1]["about"].append("e6")


def _certainty_cue(root: Path) -> None:
    """"despite" made "clearly" (same length) and listed as c2's hedge cue."""
    _replace_in_text(root, "despite", "clearly")
    text = _paths(root)[0].read_text(encoding="utf-8")
    start = text.index("clearly")

    def change(a):
        claim = a["claims"][1]
        claim["text"] = claim["text"].replace("despite", "clearly")
        claim.update(hedged=True, hedge_cues=[{"start": start, "end": start + 7, "text": "clearly"}])
    _edit_annotation(root, change)


def _crossing_claim(annotation):
    """c3 "Bibi Speak, Syria" starts before c1 and ends inside it."""
    claim = {**annotation["claims"][0], "id": "c3", "start": 16, "end": 33, "text": "Bibi Speak, Syria", "about": ["e2", "e3"]}
    annotation["claims"].append(claim)


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
    # the guideline's rules (validation/guideline.py)
    "span-final-punctuation": lambda root: _edit_annotation(root, lambda a: a["claims"][1].update(end=a["claims"][1]["end"] + 1,
                                                                                                 text=a["claims"][1]["text"] + ".")),
    "mention-possessive": lambda root: _edit_annotation(root, _possessive),
    "mention-overlap": lambda root: _edit_annotation(root, lambda a: a["entities"][0]["mentions"].append(  # "Putin" inside "Vladamir Putin"
        {"id": "m9", "start": 180, "end": 185, "text": "Putin"})),
    "mention-order": lambda root: _edit_annotation(root, lambda a: a["entities"][0]["mentions"].reverse()),
    "claim-question": lambda root: _replace_in_text(root, "Iranian axis.", "Iranian axis?"),
    "claim-overlap": lambda root: _edit_annotation(root, _crossing_claim),
    "check-worthy-mismatch": lambda root: _edit_annotation(root, lambda a: a["claims"][0].update(claim_type="opinion")),
    "hedge-cue-outside": lambda root: _edit_annotation(root, lambda a: a["claims"][1].update(
        hedged=True, hedge_cues=[{"start": 0, "end": 5, "text": "While"}])),
    "hedge-cue-certainty": _certainty_cue,
    "about-order": lambda root: _edit_annotation(root, lambda a: a["claims"][0]["about"].reverse()),
    "about-missing-entity": lambda root: _edit_annotation(root, lambda a: a["claims"][1]["about"].remove("e5")),
    "attribution-quote-marks": lambda root: _edit_annotation(root, lambda a: a["claims"][1]["attribution"].update(mode="mixed")),
    "split-ratios-sum": lambda root: _replace_in_file(root / "corpus" / "corpus.toml", "test = 0.1", "test = 0.2"),
    # build level: a valid corpus the build still refuses
    "splits-missing": lambda root: (root / "corpus" / "splits.json").unlink(),
    "split-unassigned": lambda root: _add_copy(root, "mini-doc-two"),
    "split-stale": lambda root: _replace_in_file(root / "corpus" / "corpus.toml", 'salt = "', 'salt = "changed-'),
    "changelog-missing-version": lambda root: _replace_in_file(root / "CHANGELOG.md", "## 0.1.0", "## 0.0.9"),
}
