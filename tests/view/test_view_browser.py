"""The explorer in a real browser (headless Chromium): every span rendered over exactly its text, read
back from the DOM; hover, click and keyboard; the overview's search and paging; problems of an invalid
copy of the seed at their spans. Screenshots go to the test's tmp_path/screenshots."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.view_site import SEED, break_seed, write_view

from newsclaims.cli import main
from newsclaims.view.spans import annotation_spans

REPO = Path(__file__).resolve().parents[2]
SPAN_TEXT = """id => Array.from(document.querySelectorAll('#text [data-span-id]'))
                    .filter(el => el.getAttribute('data-span-id') === id).map(el => el.textContent).join('')"""


def seed_site(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    assert write_view(project, out) == 0
    return out


def test_every_span_of_the_seed_is_rendered_over_exactly_its_text(seed_project, tmp_path, page, screenshots):
    site = seed_site(seed_project, tmp_path)
    annotation = json.loads((REPO / "corpus" / "annotations" / f"{SEED}.json").read_bytes())
    text = (REPO / "corpus" / "documents" / f"{SEED}.txt").read_bytes().decode("utf-8")
    page.goto((site / "doc" / f"{SEED}.html").as_uri())
    page.wait_for_function("window.NC_DOCUMENT_READY === true")
    assert page.get_attribute("body", "data-doc-id") == SEED
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("#text", "lang") == "en"
    assert page.eval_on_selector("#text", "el => el.textContent") == text  # as stored: NBSP, curly quotes, line breaks
    spans = annotation_spans(annotation)
    rendered = {span.span_id: page.evaluate(SPAN_TEXT, span.span_id) for span in spans}
    assert rendered == {span.span_id: span.quote for span in spans}
    mentions = [m for e in annotation["entities"] for m in e["mentions"]]
    assert len([s for s in spans if s.kind == "mention"]) == len(mentions) == 59
    assert len([s for s in spans if s.kind == "claim"]) == len(annotation["claims"])
    page.screenshot(path=str(screenshots / "seed.png"), full_page=True)
    page.goto((site / "index.html").as_uri())
    page.wait_for_function("window.NC_READY === true")
    page.screenshot(path=str(screenshots / "overview.png"), full_page=True)
    assert (screenshots / "seed.png").stat().st_size > 10_000 and (screenshots / "overview.png").stat().st_size > 10_000


def test_hovering_a_claim_shows_its_source_and_cue(seed_project, tmp_path, page, screenshots):
    site = seed_site(seed_project, tmp_path)
    page.goto((site / "doc" / f"{SEED}.html").as_uri())
    tip = page.locator("#tip")
    assert tip.is_hidden()
    page.hover("#claim-c3")  # in the side list
    assert tip.is_visible()
    assert "source: Israeli media (media_collective)" in tip.inner_text() and "cue: “According to”" in tip.inner_text()
    page.mouse.move(0, 0)
    page.locator('#text [data-span-id="c11"]').first.hover()  # in the text: the claim (and whatever is inside it there)
    assert "source: AMN (media_outlet)" in tip.inner_text() and "hedge: “reportedly”" in tip.inner_text()
    page.screenshot(path=str(screenshots / "hover-c11.png"))
    page.mouse.move(0, 0)
    page.focus("#claim-c7")  # focus shows it as hover does
    assert "Unnamed proponents of a view" in tip.inner_text()


def test_clicking_an_entity_highlights_all_its_mentions_and_a_claim_its_cue_and_entities(seed_project, tmp_path, page, screenshots):
    site = seed_site(seed_project, tmp_path)
    page.goto((site / "doc" / f"{SEED}.html").as_uri())
    highlighted = "cls => Array.from(new Set(Array.from(document.querySelectorAll('#text .' + cls)).map(el => el.getAttribute('data-span-id')))).sort()"
    page.click("#entity-e1")
    assert page.evaluate(highlighted, "hl-entity") == ["m1", "m2", "m3", "m4"]  # every mention of Vladimir Putin, nothing else
    page.click('#text [data-span-id="m14"]')  # a mention in the text: its entity (Russia)
    russia = page.evaluate(highlighted, "hl-entity")
    assert "m14" in russia and "m1" not in russia and len(russia) > 5
    page.click("#claim-c3")
    assert page.evaluate(highlighted, "hl") == ["c3"]
    assert page.evaluate(highlighted, "cue-hl") == ["c3.cue", "c3.source"]
    about = page.evaluate("() => Array.from(new Set(Array.from(document.querySelectorAll('#text .about')).map(el => el.getAttribute('data-entity')))).sort()")
    assert about == ["e1", "e2", "e4", "e6", "e7"]
    page.screenshot(path=str(screenshots / "claim-c3.png"))


def test_the_claim_list_works_from_the_keyboard(seed_project, tmp_path, page):
    site = seed_site(seed_project, tmp_path)
    page.goto((site / "doc" / f"{SEED}.html").as_uri())
    page.focus("#claim-c1")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "claim-c2"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == "claim-c22"
    page.keyboard.press("Enter")
    assert page.locator('#text [data-span-id="c22"].hl').count() >= 1
    assert "selected" in page.get_attribute("#claim-c22", "class")


def test_an_invalid_copy_of_the_seed_shows_its_problems_at_their_spans(seed_project, tmp_path, page, screenshots):
    expected = break_seed(seed_project)
    site = seed_site(seed_project, tmp_path)
    page.goto((site / "doc" / f"{SEED}.html").as_uri())
    for span_id, code in expected.items():
        pieces = page.locator(f'#text [data-span-id="{span_id}"]')
        assert "p" in pieces.last.get_attribute("class").split()
        assert code in pieces.last.get_attribute("data-after")
        assert pieces.last.is_visible()
    page.locator('#text [data-span-id="m3"]').hover()
    assert "span-text-mismatch" in page.inner_text("#tip") and "the annotation's text: “Putn”" in page.inner_text("#tip")
    banner = page.inner_text("#problems-banner")
    assert "5 validation problems" in banner and "span-out-of-range" in banner and "unknown-source" in banner
    page.screenshot(path=str(screenshots / "invalid-seed.png"), full_page=True)
    page.goto((site / "index.html").as_uri())
    page.wait_for_function("window.NC_READY === true")
    page.check("#q-problems")
    assert page.locator("#doc-rows tr").count() == 1 and "⚠ 5" in page.inner_text("#doc-rows")


def test_the_overview_searches_and_pages(tmp_path, page, screenshots):
    project = tmp_path / "synth"
    assert main(["synth", "--docs", "130", "--out", str(project), "--workers", "1"]) == 0
    site = tmp_path / "site"
    assert write_view(project, site, "--workers", "1") == 0
    page.goto((site / "index.html").as_uri())
    page.wait_for_function("window.NC_READY === true")
    assert page.locator("#doc-rows tr").count() == 50 and page.inner_text("#page-info") == "page 1 of 3"
    page.click("#page-next")
    page.click("#page-next")
    assert page.locator("#doc-rows tr").count() == 30 and page.is_disabled("#page-next")
    page.fill("#q-doc", "synth-0000012")
    assert page.locator("#doc-rows tr").count() == 1
    page.fill("#q-doc", "")
    name = page.evaluate("() => document.querySelector('#doc-rows tr td a').textContent")
    entity = json.loads((project / "corpus" / "annotations" / f"{name}.json").read_bytes())["entities"][0]["name"]
    page.fill("#q-entity", entity)
    rows = page.locator("#doc-rows tr td:first-child").all_inner_texts()
    assert name in rows and 0 < len(rows) <= 50
    for doc_id in rows[:5]:  # every document listed has an entity of that name
        entities = json.loads((project / "corpus" / "annotations" / f"{doc_id}.json").read_bytes())["entities"]
        assert any(entity.lower() in e["name"].lower() for e in entities)
    page.fill("#q-entity", "")
    page.select_option("#q-source", "author")
    assert page.locator("#doc-rows tr").count() > 0
    page.screenshot(path=str(screenshots / "overview-synth.png"))
