"""`newsclaims validate --fix`: each certain fix on an exact case, then a clean validate; nothing written
without --fix; an uncertain problem left as it is."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers.project import tree_digest
from newsclaims.cli import main

TEXT = "corpus/documents/mini-doc.txt"
ANNOTATION = "corpus/annotations/mini-doc.json"


def _edit(root: Path, change) -> None:
    path = root / ANNOTATION
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _run(root: Path, capsys, *args) -> tuple[int, dict]:
    code = main(["--root", str(root), "validate", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def _fix(root: Path, capsys) -> list[dict]:
    """--fix (JSON), then a plain validate that must be clean; the fixes made."""
    _, report = _run(root, capsys, "--fix")
    assert _run(root, capsys) == (0, {"valid": True, "files_checked": 4, "problem_count": 0, "problems": []})
    return report["fixed"]


def test_an_offset_moves_to_the_nearest_occurrence_and_the_file_keeps_its_format(mini_project, capsys):
    original = (mini_project / ANNOTATION).read_bytes()
    _edit(mini_project, lambda a: a["entities"][0]["mentions"][0].update(start=7, end=12))  # "Putin" is at 6 and 180
    [done] = _fix(mini_project, capsys)
    assert done["file"].endswith("mini-doc.json")
    assert done["fixes"] == [{"pointer": "/entities/0/mentions/0", "change": "start 7 -> 6, end 12 -> 11 (the nearest occurrence of 'Putin')"}]
    assert (mini_project / ANNOTATION).read_bytes() == original  # indent=2, UTF-8 as is, final newline


def test_about_and_mentions_are_put_in_order(mini_project, capsys):
    _edit(mini_project, lambda a: (a["claims"][0]["about"].reverse(), a["entities"][0]["mentions"].reverse()))
    [done] = _fix(mini_project, capsys)
    assert [f["pointer"] for f in done["fixes"]] == ["/entities/0/mentions", "/claims/0/about"]
    annotation = json.loads((mini_project / ANNOTATION).read_text(encoding="utf-8"))
    assert annotation["claims"][0]["about"] == ["e3", "e4"] and [m["id"] for m in annotation["entities"][0]["mentions"]] == ["m1", "m2"]


def test_text_sha256_is_recomputed_when_the_text_change_left_every_span_valid(mini_project, capsys):
    text = mini_project / TEXT
    text.write_bytes(text.read_bytes() + "\nA line added at the end.".encode("utf-8"))
    assert [p["code"] for p in _run(mini_project, capsys)[1]["problems"]] == ["text-sha256-mismatch"]
    [done] = _fix(mini_project, capsys)
    assert [f["pointer"] for f in done["fixes"]] == ["/text_sha256"]
    assert json.loads((mini_project / ANNOTATION).read_text(encoding="utf-8"))["text_sha256"] == hashlib.sha256(text.read_bytes()).hexdigest()


def test_text_sha256_is_left_when_the_text_change_moved_spans(mini_project, capsys):
    text = mini_project / TEXT
    text.write_bytes(b"Updated: " + text.read_bytes())  # every span is now 9 code points off
    before = tree_digest(mini_project)
    code, report = _run(mini_project, capsys, "--fix")
    assert code == 1 and tree_digest(mini_project) == before  # not a guess on a changed text
    [done] = report["fixed"]
    assert done["fixes"] == [] and [f["pointer"] for f in done["not_fixed"]] == ["/text_sha256"]
    assert "reanchor" in done["not_fixed"][0]["change"]


def test_nothing_is_written_without_fix(mini_project, capsys):
    _edit(mini_project, lambda a: (a["claims"][0]["about"].reverse(), a["entities"][0]["mentions"][0].update(start=7, end=12)))
    before = tree_digest(mini_project)
    code, report = _run(mini_project, capsys)
    assert code == 1 and "fixed" not in report and [p["code"] for p in report["problems"]] == ["span-text-mismatch"]
    assert tree_digest(mini_project) == before


def test_an_uncertain_offset_is_left_and_the_certain_fixes_of_the_file_are_made(mini_project, capsys):
    # a hedge cue halfway between the two "Putin" (6 and 180): no occurrence is the nearest
    _edit(mini_project, lambda a: (a["claims"][0]["about"].reverse(),
                                   a["claims"][1].update(hedged=True, hedge_cues=[{"start": 93, "end": 98, "text": "Putin"}])))
    code, report = _run(mini_project, capsys, "--fix")
    [done] = report["fixed"]
    assert [f["pointer"] for f in done["fixes"]] == ["/claims/0/about"]
    assert [f["pointer"] for f in done["not_fixed"]] == ["/claims/1/hedge_cues/0"]
    assert code == 1 and [p["code"] for p in report["problems"]] == ["span-text-mismatch"]
    assert json.loads((mini_project / ANNOTATION).read_text(encoding="utf-8"))["claims"][1]["hedge_cues"][0]["start"] == 93


def test_an_occurrence_another_mention_covers_is_not_taken(mini_project, capsys):
    # m1 off by one; its own "Putin" (6) is taken by a new m9, the other one (180) lies inside m2 "Vladamir Putin"
    _edit(mini_project, lambda a: (a["entities"][0]["mentions"][0].update(start=7, end=12),
                                   a["entities"][0]["mentions"].insert(0, {"id": "m9", "start": 6, "end": 11, "text": "Putin"})))
    before = tree_digest(mini_project)
    _, report = _run(mini_project, capsys, "--fix")
    assert tree_digest(mini_project) == before
    assert [f["pointer"] for f in report["fixed"][0]["not_fixed"]] == ["/entities/0/mentions/1"]  # m1, after m9


def test_the_text_report_says_what_changed(mini_project, capsys):
    _edit(mini_project, lambda a: a["claims"][0]["about"].reverse())
    assert main(["--root", str(mini_project), "validate", "--fix"]) == 0
    out = capsys.readouterr().out
    assert "mini-doc.json: fixed /claims/0/about: ['e4', 'e3'] -> ['e3', 'e4'] (entity id order)" in out
    assert "fixed 1 problem(s) in 1 file(s)" in out and "ok: 4 files checked, no problems" in out
