"""`newsclaims validate FILE` also checks the corpus-wide files FILE depends on."""

from __future__ import annotations

import json

from newsclaims.cli import main


def test_validating_one_annotation_reports_an_invalid_source_kind(mini_project, capsys):
    sources = mini_project / "corpus" / "sources.json"
    registry = json.loads(sources.read_text(encoding="utf-8"))
    registry["sources"][1]["kind"] = "media_colective"
    sources.write_text(json.dumps(registry, indent=2) + "\n", encoding="utf-8")
    annotation = mini_project / "corpus" / "annotations" / "mini-doc.json"
    assert main(["--root", str(mini_project), "validate", "--format", "json", str(annotation)]) == 1
    [record] = json.loads(capsys.readouterr().out)["problems"]
    assert record["code"] == "schema-enum" and record["file"].endswith("sources.json")
    assert record["hint"].startswith('Did you mean "media_collective"?')


def test_validating_one_annotation_reports_a_broken_corpus_toml(mini_project, capsys):
    settings = mini_project / "corpus" / "corpus.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('version = "0.1.0"', "version = 0.1.0"), encoding="utf-8")
    annotation = mini_project / "corpus" / "annotations" / "mini-doc.json"
    assert main(["--root", str(mini_project), "validate", "--format", "json", str(annotation)]) == 1
    assert [p["code"] for p in json.loads(capsys.readouterr().out)["problems"]] == ["toml-invalid"]
