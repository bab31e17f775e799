"""Hints that lead to a valid file: each realistic mistake, its hint followed literally, then validate."""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsclaims.cli import main

DOC = "gdansk-port"
TEXT = "Port reopens\n\nShips left Gdańsk on Monday. Officials in Gdańsk said the port would reopen.\n"


def _validate(root: Path, capsys) -> tuple[int, list[dict]]:
    code = main(["--root", str(root), "validate", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)["problems"]


def _path(root: Path, doc_id: str = "mini-doc") -> Path:
    return root / "corpus" / "annotations" / f"{doc_id}.json"


def _edit(root: Path, change, doc_id: str = "mini-doc") -> None:
    path = _path(root, doc_id)
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _only(problems: list[dict], code: str) -> dict:
    assert [p["code"] for p in problems] == [code], problems
    return problems[0]


def _gdansk_document(root: Path, tmp_path: Path, capsys) -> None:
    """A new document with two mentions of Gdańsk, anchored and split: valid."""
    source = tmp_path / f"{DOC}.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert main(["--root", str(root), "new", str(source), "--annotator", "ana"]) == 0
    _edit(root, lambda a: a["entities"].append({"type": "PLACE", "name": "Gdańsk", "mentions": [{"text": "Gdańsk", "occurrence": 1},
                                                                                              {"text": "Gdańsk", "prefix": "Officials in"}]}), DOC)
    assert main(["--root", str(root), "anchor"]) == 0
    assert main(["--root", str(root), "split"]) == 0
    capsys.readouterr()
    assert _validate(root, capsys) == (0, [])


def test_an_offset_mismatch_points_to_the_nearest_occurrence_not_the_first(mini_project, tmp_path, capsys):
    _gdansk_document(mini_project, tmp_path, capsys)
    second = TEXT.index("Gdańsk", TEXT.index("Gdańsk") + 1)
    _edit(mini_project, lambda a: a["entities"][0]["mentions"][1].update(start=second + 1, end=second + 7), DOC)  # off by one
    record = _only(_validate(mini_project, capsys)[1], "span-text-mismatch")
    assert f"Set start={second}, end={second + 6}" in record["hint"]
    start, end = map(int, re.search(r"Set start=(\d+), end=(\d+)", record["hint"]).groups())
    _edit(mini_project, lambda a: a["entities"][0]["mentions"][1].update(start=start, end=end), DOC)
    assert _validate(mini_project, capsys) == (0, [])  # not mention-duplicate


def test_an_unknown_source_suggests_the_near_id(mini_project, capsys):
    _edit(mini_project, lambda a: a["claims"][1].update(source_id="israeli_media"))
    record = _only(_validate(mini_project, capsys)[1], "unknown-source")
    assert "Did you mean `israeli-media`?" in record["hint"]
    assert "The source ids are: `author`, `israeli-media`." in record["hint"]
    suggested = re.search(r"Did you mean `([^`]+)`", record["hint"]).group(1)
    _edit(mini_project, lambda a: a["claims"][1].update(source_id=suggested))
    assert _validate(mini_project, capsys) == (0, [])


def test_an_unknown_entity_lists_the_entities_with_their_names(mini_project, capsys):
    annotation = json.loads(_path(mini_project).read_text(encoding="utf-8"))
    about = annotation["claims"][0]["about"]
    free = [e["id"] for e in annotation["entities"] if e["id"] not in about]
    typo = free[0] + "0"  # e.g. e30 for e3
    _edit(mini_project, lambda a: a["claims"][0]["about"].append(typo))
    record = _only(_validate(mini_project, capsys)[1], "unknown-entity")
    assert f"Did you mean `{free[0]}`" in record["hint"] and "(Vladimir Putin)" in record["hint"]
    suggested = re.search(r"Did you mean `([^`]+)`", record["hint"]).group(1)
    # in id order, as GUIDELINES.md asks (`about-order` warns otherwise)
    _edit(mini_project, lambda a: a["claims"][0].__setitem__("about", sorted(a["claims"][0]["about"][:-1] + [suggested],
                                                                              key=lambda e: int(e[1:]))))
    assert _validate(mini_project, capsys) == (0, [])


def test_a_misspelt_label_suggests_the_value(mini_project, capsys):
    _edit(mini_project, lambda a: a["entities"][0].update(type="Persn"))
    record = _only(_validate(mini_project, capsys)[1], "schema-enum")
    assert record["hint"].startswith('Did you mean "PERSON"?')
    _edit(mini_project, lambda a: a["entities"][0].update(type=json.loads(re.search(r"Did you mean (\"[^\"]+\")", record["hint"]).group(1))))
    assert _validate(mini_project, capsys) == (0, [])


def test_a_misspelt_field_suggests_its_name(mini_project, capsys):
    def misspell(a):
        a["claims"][0]["claim_typ"] = a["claims"][0].pop("claim_type")
    _edit(mini_project, misspell)
    problems = _validate(mini_project, capsys)[1]
    unknown = next(p for p in problems if p["code"] == "schema-unknown-field")
    assert "rename 'claim_typ' to 'claim_type'" in unknown["hint"] and "`claim_type`" in unknown["hint"]
    required = next(p for p in problems if p["code"] == "schema-required")
    assert required["message"] == "required field 'claim_type' is missing from /claims/0" and required["pointer"] == "/claims/0"

    def rename(a):
        a["claims"][0]["claim_type"] = a["claims"][0].pop("claim_typ")
    _edit(mini_project, rename)
    assert _validate(mini_project, capsys) == (0, [])


def test_a_missing_text_sha256_gives_the_value(mini_project, capsys):
    _edit(mini_project, lambda a: a.pop("text_sha256"))
    record = _only(_validate(mini_project, capsys)[1], "schema-required")
    assert record["message"] == "required field 'text_sha256' is missing from the top-level object"
    value = re.search(r'"text_sha256": "([0-9a-f]{64})"', record["hint"]).group(1)
    _edit(mini_project, lambda a: a.update(text_sha256=value))
    assert _validate(mini_project, capsys) == (0, [])


def test_a_malformed_text_sha256_gives_the_value_too(mini_project, capsys):
    _edit(mini_project, lambda a: a.update(text_sha256="sha256:abc"))
    record = _only(_validate(mini_project, capsys)[1], "schema-pattern")
    value = re.search(r'"text_sha256": "([0-9a-f]{64})"', record["hint"]).group(1)
    _edit(mini_project, lambda a: a.update(text_sha256=value))
    assert _validate(mini_project, capsys) == (0, [])


def test_a_quote_not_found_suggests_the_document_form(mini_project, capsys):
    def by_quote(a):
        mention = a["entities"][1]["mentions"][1]  # "Netanyahu"
        del mention["start"], mention["end"]
        mention["text"] = "NETANYAHU"
    _edit(mini_project, by_quote)
    record = _only(_validate(mini_project, capsys)[1], "quote-not-found")
    suggested = re.search(r"Set text to the document's own form: '([^']+)'", record["hint"]).group(1)
    assert suggested == "Netanyahu"
    _edit(mini_project, lambda a: a["entities"][1]["mentions"][1].update(text=suggested))
    record = _only(_validate(mini_project, capsys)[1], "span-not-anchored")
    assert "newsclaims anchor" in record["hint"]
    assert main(["--root", str(mini_project), "anchor"]) == 0
    capsys.readouterr()
    assert _validate(mini_project, capsys) == (0, [])


def test_a_trailing_comma_is_reported_on_its_own_line_and_column(mini_project, capsys):
    path = _path(mini_project)
    lines = path.read_text(encoding="utf-8").split("\n")
    last = max(i for i, line in enumerate(lines) if line.strip() == '"e4"')  # the last item of c1's `about`
    lines[last] += ","  # the next line is the array's `]`
    path.write_text("\n".join(lines), encoding="utf-8")
    record = _only(_validate(mini_project, capsys)[1], "json-invalid")
    assert (record["line"], record["column"]) == (last + 1, len(lines[last]))
    assert "trailing comma" in record["message"] and "Remove the comma" in record["hint"]
    lines[last] = lines[last][:record["column"] - 1] + lines[last][record["column"]:]  # the hint, followed literally
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _validate(mini_project, capsys) == (0, [])


def test_a_missing_comma_says_after_which_value(mini_project, capsys):
    path = _path(mini_project)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[2].endswith('"mini-doc",')
    lines[2] = lines[2][:-1]
    path.write_text("\n".join(lines), encoding="utf-8")
    record = _only(_validate(mini_project, capsys)[1], "json-invalid")
    assert (record["line"], record["column"]) == (4, 3)  # where the comma was expected, and where it goes:
    assert f"Add a comma after line 3, column {len(lines[2])}" in record["hint"]
    lines[2] += ","
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _validate(mini_project, capsys) == (0, [])


def test_an_unknown_entity_hint_gives_about_in_id_order(mini_project, capsys):
    _edit(mini_project, lambda a: a["claims"][0]["about"].insert(0, "e10"))  # e1 (Vladimir Putin) mistyped, written first
    record = _only(_validate(mini_project, capsys)[1], "unknown-entity")
    about = json.loads(re.search(r"Then about is: (\[[^\]]*\])", record["hint"]).group(1))
    assert about == ["e1", "e3", "e4"]  # the near id in place of the typo, in id order: no about-order after it
    _edit(mini_project, lambda a: a["claims"][0].update(about=about))
    assert _validate(mini_project, capsys) == (0, [])
