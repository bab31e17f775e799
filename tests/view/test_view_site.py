"""`newsclaims view` without a browser: what it writes, from the corpus (invalid too) and from data/,
and which folders it refuses to replace."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers.view_site import SEED, break_seed, write_view

from newsclaims.cli import main
from newsclaims.errors import UsageError
from newsclaims.project import Layout
from newsclaims.workflows.view import view

REPO = Path(__file__).resolve().parents[2]


def test_the_site_of_the_seed_holds_everything_it_needs(seed_project, tmp_path, capsys):
    out = tmp_path / "site"
    assert write_view(seed_project, out) == 0
    assert "wrote 1 document page" in capsys.readouterr().out
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == [".newsclaims-view", f"doc/{SEED}.html", "index.html", "index/docs-0000.js",
                     "static/document.js", "static/overview.js", "static/view.css"]
    page = (out / "doc" / f"{SEED}.html").read_text(encoding="utf-8")
    assert f'data-doc-id="{SEED}"' in page and '<html lang="en">' in page and 'id="text" lang="en"' in page
    for html in (page, (out / "index.html").read_text(encoding="utf-8")):
        # nothing from the network: every src and href is relative (links out to the article and Wikidata only)
        assert not [ref for ref in re.findall(r'(?:src|href)="([^"]+)"', html)
                    if "://" in ref and not ref.startswith(("https://www.wikidata.org/", "https://")) or ref.startswith("//")]
        assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="[a-z]+://', html)
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert overview.count("<svg") == 6 and "Israeli media" in overview and "claims asserted" in overview


def test_an_invalid_corpus_is_rendered_and_the_run_says_how_many_documents_have_problems(seed_project, tmp_path, capsys):
    expected = break_seed(seed_project)
    out = tmp_path / "site"
    assert write_view(seed_project, out) == 0
    err = capsys.readouterr().err
    assert "1 document has validation problems (5 in all), shown at their spans" in err
    page = (out / "doc" / f"{SEED}.html").read_text(encoding="utf-8")
    for span_id, code in expected.items():
        last = re.findall(rf'<span class="[^"]*\bp\b[^"]*" data-span-id="{re.escape(span_id)}"[^>]*data-after="[^"]*{code}', page)
        assert last, f"{span_id}: no {code} at its span"
    banner = page[page.index('id="problems-banner"'):page.index("</section>", page.index('id="problems-banner"'))]
    assert "span-out-of-range" in banner and "unknown-source" in banner and "span-text-mismatch" not in banner


def test_an_annotation_that_is_not_json_still_shows_its_text(seed_project, tmp_path, capsys):
    (seed_project / "corpus" / "annotations" / f"{SEED}.json").write_bytes(b'{"doc_id": ')
    out = tmp_path / "site"
    assert write_view(seed_project, out, "--format", "json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["documents_with_problems"] == [SEED]
    page = (out / "doc" / f"{SEED}.html").read_text(encoding="utf-8")
    assert "Vladamir Putin" in page and "json-invalid" in page.split('id="problems-banner"')[1]


def test_the_named_documents_only(seed_project, tmp_path, capsys):
    out = tmp_path / "site"
    assert write_view(seed_project, out, SEED) == 0
    assert (out / "doc" / f"{SEED}.html").is_file()
    assert write_view(seed_project, out, "no-such-doc") == 2
    assert "no document no-such-doc" in capsys.readouterr().err
    assert (out / "doc" / f"{SEED}.html").is_file()  # the refused run left the last site


def test_from_data_renders_a_built_folder_without_the_corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no project here: a consumer with a downloaded data folder
    out = tmp_path / "site"
    assert main(["view", "--from", "data", "--data", str(REPO / "data"), "--out", str(out)]) == 0
    page = (out / "doc" / f"{SEED}.html").read_text(encoding="utf-8")
    assert "split: train" in page and 'data-span-id="c11.hedge1"' in page and "made from the data folder" in page


def test_only_a_folder_view_wrote_is_replaced(seed_project, tmp_path):
    layout = Layout(seed_project)
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="did not write"):
        view(layout, mine)
    assert (mine / "todo.txt").read_text(encoding="utf-8") == "mine"
    for inside in (seed_project, seed_project / "corpus", seed_project / "corpus" / "site", seed_project / "schema", tmp_path):
        with pytest.raises(UsageError):
            view(layout, inside)
    site = view(layout).folder  # the default: the project's site/
    assert site == seed_project / "site"
    (site / "stale.html").write_text("old", encoding="utf-8")
    view(layout)
    assert not (site / "stale.html").exists() and (site / "index.html").is_file()
    assert not [p for p in seed_project.iterdir() if p.name.startswith(".view-")]
