"""`newsclaims anchor`: spans written by quote get their offsets and ids; all or nothing; --check."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from newsclaims.annotations.anchor import anchor_annotation, fill_ids
from newsclaims.cli import main

TEXT = "Ships left Gdańsk on Monday. Officials in Gdańsk said the port of Gdańsk would reopen."


def _annotation(mentions, claims=()):
    return {"entities": [{"type": "PLACE", "name": "Gdańsk", "mentions": list(mentions)}], "claims": list(claims)}


def _claim(**span):
    return {**span, "claim_type": "prediction", "check_worthy": False, "source_id": "author",
            "attribution": {"mode": "authorial", "cue": None, "source_span": None}, "hedged": False, "hedge_cues": [], "about": [], "verdict": None}


def test_quotes_become_offsets_and_helpers_go():
    result = anchor_annotation(_annotation([{"text": "Gdańsk", "occurrence": 2}, {"text": "Gdańsk", "prefix": "port of"}],
                                           [_claim(text="the port of Gdańsk would reopen")]), TEXT, "f.json")
    mentions = result.annotation["entities"][0]["mentions"]
    assert mentions == [{"id": "m1", "start": 42, "end": 48, "text": "Gdańsk"}, {"id": "m2", "start": 66, "end": 72, "text": "Gdańsk"}]
    claim = result.annotation["claims"][0]
    assert list(claim)[:4] == ["id", "start", "end", "text"] and TEXT[claim["start"]:claim["end"]] == claim["text"]
    assert result.annotation["entities"][0]["id"] == "e1"
    assert result.spans_placed == 3 and result.ids_filled == ["e1", "m1", "m2", "c1"]


def test_nothing_changes_unless_every_quote_resolves():
    original = _annotation([{"text": "Gdańsk"}, {"text": "Officials"}, {"text": "Gdansk"}])
    result = anchor_annotation(original, TEXT, "f.json")
    assert result.annotation is None and not result.changed
    assert [p.code for p in result.problems] == ["quote-ambiguous", "quote-not-found"]
    ambiguous = result.problems[0]
    assert ambiguous.pointer == "/entities/0/mentions/0/text"
    assert "start=11, end=17" in ambiguous.message and "start=42, end=48" in ambiguous.message and "start=66, end=72" in ambiguous.message
    assert '"occurrence": N' in ambiguous.hint
    assert original["entities"][0]["mentions"][0] == {"text": "Gdańsk"}  # the input is not modified


def test_the_ambiguous_hint_followed_literally_resolves():
    result = anchor_annotation(_annotation([{"text": "Gdańsk"}]), TEXT, "f.json")
    hint = result.problems[0].hint
    assert "occurrence 3 for start=66, end=72" in hint
    fixed = anchor_annotation(_annotation([{"text": "Gdańsk", "occurrence": 3}]), TEXT, "f.json")
    assert fixed.annotation["entities"][0]["mentions"][0]["start"] == 66


def test_a_quote_with_the_wrong_apostrophe_gets_the_document_form_in_the_hint():
    text = "The minister said it won’t happen."
    result = anchor_annotation(_annotation([{"text": "won't happen"}]), text, "f.json")
    assert result.problems[0].code == "quote-not-found"
    assert "'won’t happen'" in result.problems[0].hint
    assert anchor_annotation(_annotation([{"text": "won’t happen"}]), text, "f.json").annotation is not None


def test_ids_continue_after_the_highest_and_existing_ids_are_kept():
    annotation = {"entities": [{"id": "e2", "type": "PLACE", "name": "x", "mentions": [{"id": "m7", "start": 50, "end": 51, "text": "a"},
                                                                                          {"start": 10, "end": 11, "text": "b"}]},
                               {"type": "PLACE", "name": "y", "mentions": [{"start": 0, "end": 1, "text": "c"}]}],
                  "claims": []}
    assert fill_ids(annotation) == ["e3", "m8", "m9"]
    assert [m["id"] for m in annotation["entities"][0]["mentions"]] == ["m7", "m9"]  # m8 went to the mention read first
    assert annotation["entities"][1]["mentions"][0]["id"] == "m8"


def test_offsets_with_helpers_are_placed_by_the_quote():
    result = anchor_annotation(_annotation([{"id": "m1", "start": 11, "end": 17, "text": "Gdańsk", "prefix": "port of"}]), TEXT, "f.json")
    assert result.annotation["entities"][0]["mentions"][0] == {"id": "m1", "start": 66, "end": 72, "text": "Gdańsk"}


def test_offsets_left_written_decide_between_occurrences():
    result = anchor_annotation(_annotation([{"id": "m1", "start": 43, "text": "Gdańsk"}]), TEXT, "f.json")
    assert result.annotation["entities"][0]["mentions"][0]["start"] == 42


# --- the command --------------------------------------------------------------------------------

def _write_by_quote(root: Path) -> Path:
    """The mini annotation with its m2 ("Vladamir Putin") and its first claim written by quote only."""
    path = root / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    mention = annotation["entities"][0]["mentions"][1]
    for key in ("id", "start", "end"):
        del mention[key]
    claim = annotation["claims"][0]
    del claim["start"], claim["end"]
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def test_anchor_check_then_anchor_gives_a_valid_file(mini_project, capsys):
    original = (mini_project / "corpus" / "annotations" / "mini-doc.json").read_bytes()
    path = _write_by_quote(mini_project)
    before = path.read_bytes()
    assert main(["--root", str(mini_project), "validate"]) == 1
    assert "span-not-anchored" in capsys.readouterr().out
    assert main(["--root", str(mini_project), "anchor", "--check"]) == 1
    assert path.read_bytes() == before
    assert "would anchor" in capsys.readouterr().out
    assert main(["--root", str(mini_project), "build"]) == 1  # a build requires offsets
    capsys.readouterr()
    assert main(["--root", str(mini_project), "anchor", str(path)]) == 0
    anchored = json.loads(path.read_text(encoding="utf-8"))
    highest = max(int(m["id"][1:]) for e in json.loads(original)["entities"] for m in e["mentions"])
    assert anchored["entities"][0]["mentions"][1] == {"id": f"m{highest + 1}", "start": 171, "end": 185, "text": "Vladamir Putin"}
    assert main(["--root", str(mini_project), "validate"]) == 0
    assert main(["--root", str(mini_project), "anchor", "--check"]) == 0
    # offsets as the original had them
    assert json.loads(original)["claims"][0]["start"] == anchored["claims"][0]["start"]


def test_anchor_writes_nothing_when_a_quote_is_ambiguous(mini_project, capsys):
    path = _write_by_quote(mini_project)
    annotation = json.loads(path.read_text(encoding="utf-8"))
    del annotation["entities"][0]["mentions"][0]["start"], annotation["entities"][0]["mentions"][0]["end"]  # "Putin": twice
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["--root", str(mini_project), "anchor", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["written"] is False and [p["code"] for p in report["problems"]] == ["quote-ambiguous"]
    assert report["problems"][0]["line"] is not None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
