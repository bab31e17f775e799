"""Importers on real data nobody here wrote (brat's example data) and on our own exports: every imported
document validates, every span's text is the source's, and what cannot be carried is a coded warning."""

from __future__ import annotations

import json
from pathlib import Path

from newsclaims.cli import main
from newsclaims.project import Layout
from newsclaims.workflows.import_ import import_documents
from newsclaims.workflows.validate import validate_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BRAT_NEWS = FIXTURES / "brat" / "news"
BRAT_CONLL = FIXTURES / "brat" / "conll2002"


def codes(problems):
    return sorted({p.code for p in problems})


def imported_files_validate(layout: Layout, report) -> None:
    checked = validate_paths(layout, report.written)
    assert [p for p in checked.problems if p.severity == "error"] == []
    assert checked.files_checked == len(report.written)


def test_brat_news_tutorial_every_line_kind(mini_project):
    layout = Layout(mini_project)
    out = mini_project / "imported"
    report = import_documents(layout, "brat", BRAT_NEWS, out, skip_unmapped=True, language="en")
    assert not report.refused
    imported_files_validate(layout, report)
    found = codes(report.problems)
    for code in ("import-event", "import-note-dropped", "import-relation-dropped", "import-attribute-dropped", "import-label-skipped"):
        assert code in found
    # every warning names its .ann file and line
    assert all(p.file.endswith(".ann") and p.line for p in report.problems)
    assert report.skipped_labels == {"Money": 1}
    assert report.counts["events skipped"] == 11
    # `*	Alias T3 T4 T5` joins the three Rowling mentions into one entity; T6-T10 stay entities of their own
    relation = json.loads((out / "annotations" / "060-relation-annotation.json").read_text())
    rowling = [e for e in relation["entities"] if e["name"] == "Joanne Rowling"]
    assert [len(e["mentions"]) for e in rowling] == [3, 1]
    # N to Wikipedia (not Wikidata) sets no wikidata; the spans are the source's text exactly
    intro = json.loads((out / "annotations" / "000-introduction.json").read_text())
    text = (out / "documents" / "000-introduction.txt").read_text()
    assert all("wikidata" not in e for e in intro["entities"])
    ann = {line.split("\t")[1].split()[1]: line.split("\t")[2] for line in (BRAT_NEWS / "000-introduction.ann").read_text().splitlines()
           if line.startswith("T")}
    for entity in intro["entities"]:
        for mention in entity["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"] == ann[str(mention["start"])]


def test_brat_conll2002_spanish_and_dutch_refuses_misc_then_skips_it(mini_project):
    layout = Layout(mini_project)
    refused = import_documents(layout, "brat", BRAT_CONLL, mini_project / "out")
    assert refused.refused and codes(refused.problems) == ["import-label-unmapped"]
    assert "MISC" in refused.problems[0].message and refused.problems[0].line
    assert not (mini_project / "out").exists()
    report = import_documents(layout, "brat", BRAT_CONLL, mini_project / "out", skip_unmapped=True)
    imported_files_validate(layout, report)
    assert report.counts["documents"] == 2 and report.skipped_labels["MISC"] > 0
    esp = json.loads((mini_project / "out" / "annotations" / "esp-train-doc-46.json").read_text())
    assert {"type": "PLACE", "text": "Freetown"} in [{"type": e["type"], "text": m["text"]} for e in esp["entities"] for m in e["mentions"]]


def test_the_cli_dry_run_writes_nothing_and_a_second_import_is_refused(mini_project, capsys):
    out = mini_project / "imported"
    args = ["--root", str(mini_project), "import", "brat", str(BRAT_CONLL), "--out", str(out), "--unmapped", "skip"]
    assert main(args + ["--dry-run"]) == 0
    assert "would write" in capsys.readouterr().out and not out.exists()
    assert main(args) == 0
    capsys.readouterr()
    assert main(args + ["--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert "import-doc-id-collision" in {p["code"] for p in report["problems"]}
    assert main(args + ["--force"]) == 0


def test_conll_columns_iob1_and_iob2_rebuild_the_text(mini_project, tmp_path):
    # The first sentence of the CoNLL-2003 English training data, in IOB1 (as published) and IOB2.
    iob1 = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\ncall NN I-NP O\n" \
           "to TO I-VP O\nboycott VB I-VP O\nBritish JJ I-NP I-MISC\nlamb NN I-NP O\n. . O O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n"
    path = tmp_path / "train.conll"
    path.write_text(iob1)
    report = import_documents(Layout(mini_project), "conll", path, mini_project / "out", skip_unmapped=True)
    imported_files_validate(Layout(mini_project), report)
    text = (mini_project / "out" / "documents" / "train-1.txt").read_text()
    assert text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    annotation = json.loads((mini_project / "out" / "annotations" / "train-1.json").read_text())
    assert [(e["type"], e["mentions"][0]["text"]) for e in annotation["entities"]] == [("ORGANIZATION", "EU"), ("PERSON", "Peter Blackburn")]
    assert report.skipped_labels == {"MISC": 2}
