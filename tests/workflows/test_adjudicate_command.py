"""`newsclaims adjudicate`: the list, and a gold file that validate refuses until a person has settled it."""

from __future__ import annotations

import json

from newsclaims.cli import main
from newsclaims.project import Layout
from newsclaims.workflows.validate import validate_paths

SEED = "b8270d0f4451370c"


def test_the_disagreements_are_listed_in_text_and_json(seed_project, monkeypatch, capsys):
    monkeypatch.chdir(seed_project)
    assert main(["adjudicate", SEED]) == 1
    assert "7 disagreement(s)" in capsys.readouterr().out
    assert main(["adjudicate", SEED, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["disagreements"]) == 7 and report["written"] is None


def test_write_refuses_to_overwrite_and_the_gold_file_is_refused_until_settled(seed_project, monkeypatch, capsys):
    monkeypatch.chdir(seed_project)
    gold_path = seed_project / "corpus" / "annotations" / f"{SEED}.json"
    before = gold_path.read_bytes()
    assert main(["adjudicate", SEED, "--write"]) == 2
    assert gold_path.read_bytes() == before
    capsys.readouterr()
    assert main(["adjudicate", SEED, "--write", "--force"]) == 1
    problems = validate_paths(Layout(seed_project), [gold_path]).problems
    assert {p.code for p in problems} == {"adjudication-unresolved"} and len(problems) == 7
    settled = json.loads(gold_path.read_text(encoding="utf-8"))
    del settled["unresolved"]  # a person decided: here, to keep only what both readings have
    gold_path.write_text(json.dumps(settled, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert validate_paths(Layout(seed_project), [gold_path]).problems == []
