"""`newsclaims reanchor DOC_ID`: nothing is written unless every span is placed; the old text from --old or git."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from newsclaims.cli import main
from newsclaims.project import Layout
from newsclaims.workflows.validate import validate_corpus

SEED = "b8270d0f4451370c"


def files_of(project):
    return {path: path.read_bytes() for path in sorted((project / "corpus").rglob("*.json"))}


def correct(project, old: str, new: str):
    text_path = project / "corpus" / "documents" / f"{SEED}.txt"
    saved = project / "old.txt"
    shutil.copy2(text_path, saved)
    text_path.write_text(text_path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return saved


def test_an_edited_span_is_written_only_when_accepted(seed_project, monkeypatch, capsys):
    monkeypatch.chdir(seed_project)
    old = correct(seed_project, "Vladamir", "Vladimir")
    before = files_of(seed_project)
    assert main(["reanchor", SEED, "--old", str(old)]) == 1
    out = capsys.readouterr().out
    assert "'Vladamir Putin' is now 'Vladimir Putin'" in out and "--accept-edited" in out
    assert files_of(seed_project) == before  # byte-identical: nothing may be written
    assert main(["reanchor", SEED, "--old", str(old), "--accept-edited"]) == 0
    assert not validate_corpus(Layout(seed_project), workers=1).problems  # gold and both readings
    gold = json.loads((seed_project / "corpus" / "annotations" / f"{SEED}.json").read_text(encoding="utf-8"))
    assert any(m["text"] == "Vladimir Putin" for e in gold["entities"] for m in e["mentions"])
    assert main(["reanchor", SEED]) == 0 and "up to date" in capsys.readouterr().out


def test_lost_spans_are_named_in_json_and_nothing_is_written(seed_project, monkeypatch, capsys):
    monkeypatch.chdir(seed_project)
    text_path = seed_project / "corpus" / "documents" / f"{SEED}.txt"
    old = seed_project / "old.txt"
    shutil.copy2(text_path, old)
    text = text_path.read_text(encoding="utf-8")
    text_path.write_text(text[:text.rindex("\n\n")], encoding="utf-8")
    before = files_of(seed_project)
    assert main(["reanchor", SEED, "--old", str(old), "--accept-edited", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["needs_a_person"] and len(report["files"]) == 3
    lost = [s for s in report["files"][0]["spans"] if s["status"] == "lost"]
    assert any(s["text"].startswith("Russia’s play") for s in lost)
    assert files_of(seed_project) == before


def test_the_old_text_comes_from_git_when_not_given(seed_project, monkeypatch, capsys):
    if shutil.which("git") is None:
        pytest.skip("no git")
    monkeypatch.chdir(seed_project)
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "seed"]):
        subprocess.run(["git", *command], cwd=seed_project, check=True)
    correct(seed_project, "According to the Israeli media,", "Netanyahu spoke again this week. According to the Israeli media,")
    assert main(["reanchor", SEED]) == 0
    assert "old text: git" in capsys.readouterr().out
    assert not validate_corpus(Layout(seed_project), workers=1).problems


def test_an_old_text_of_another_version_is_refused(seed_project, monkeypatch, capsys):
    monkeypatch.chdir(seed_project)
    correct(seed_project, "abrest", "abreast")
    wrong = seed_project / "wrong.txt"
    wrong.write_text("something else", encoding="utf-8")
    assert main(["reanchor", SEED, "--old", str(wrong)]) == 2
    assert "not the text that file was annotated on" in capsys.readouterr().err
