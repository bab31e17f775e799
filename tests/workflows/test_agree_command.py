"""`newsclaims agree` on the seed's two readings, and the build's data/agreement.json and card section."""

from __future__ import annotations

import json

from newsclaims.cli import main
from newsclaims.project import Layout
from newsclaims.workflows.agree import agree
from newsclaims.workflows.build import build

SEED = "b8270d0f4451370c"


def test_agree_reports_every_layer_with_its_item_count(seed_project, capsys, monkeypatch):
    monkeypatch.chdir(seed_project)
    assert main(["agree", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (document,) = report["documents"]
    assert document["annotators"] == ["newsclaims-team", "second-reader-model"]
    assert document["statuses"]["second-reader-model"] == "machine"
    assert document["quoted_by_guideline"] is True
    assert document["mentions"]["strict"]["f1"] == 1.0 and document["mentions"]["items"] == 118
    assert document["claims"]["items"] == 47 and 0 < document["claims"]["exact"]["f1"] < 1
    assert document["claim_attributes"]["claim_type"]["items"] == document["claims"]["overlap"]["matched"]
    assert main(["agree", SEED]) == 0
    text = capsys.readouterr().out
    assert "overstates" in text and "kappa" in text


def test_agree_refuses_an_invalid_reading(seed_project, capsys, monkeypatch):
    path = seed_project / "corpus" / "annotators" / SEED / "second-reader-model.json"
    reading = json.loads(path.read_text(encoding="utf-8"))
    reading["annotation"]["annotators"] = ["someone"]
    path.write_text(json.dumps(reading), encoding="utf-8")
    monkeypatch.chdir(seed_project)
    assert main(["agree"]) == 1
    assert "annotator-mismatch" in capsys.readouterr().out
    assert main(["agree", "no-such-doc"]) == 2


def test_the_build_writes_the_agreement_and_the_cards_warning(seed_project):
    layout = Layout(seed_project)
    assert not build(layout).problems
    written = json.loads((layout.data_dir / "agreement.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(agree(layout).report))
    card = (layout.data_dir / "README.md").read_text(encoding="utf-8")
    assert "## Inter-annotator agreement" in card
    assert f"`{SEED}`: corpus/GUIDELINES.md takes its examples" in card and "overstates" in card
    manifest = json.loads((layout.data_dir / "manifest.json").read_text(encoding="utf-8"))
    assert "agreement.json" in manifest["files"] and manifest["rows"]["raw_annotations"] == {"train": 2}


def test_a_document_with_one_reading_is_named_and_not_measured(seed_project):
    (seed_project / "corpus" / "annotators" / SEED / "second-reader-model.json").unlink()
    report = agree(Layout(seed_project)).report
    assert report["documents"] == [] and report["single_reading"] == [SEED]
