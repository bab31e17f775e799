"""The text cut at every span boundary (view/spans.py) and problems placed at their spans
(view/placing.py): every character keeps all its spans, read back from the HTML."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsclaims.problems.record import problem
from newsclaims.view.placing import place_problems
from newsclaims.view.spans import Span, annotation_spans, render_text, why_unshown

REPO = Path(__file__).resolve().parents[2]
SEED = "b8270d0f4451370c"


class SpanTexts(HTMLParser):
    """The text of every data-span-id, in document order, and the whole text, from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.texts: dict[str, str] = {}
        self.pieces: dict[str, int] = {}
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        span_id = dict(attrs).get("data-span-id")
        assert span_id is None or span_id not in self.stack, f"{span_id} nested in itself"
        self.stack.append(span_id)
        if span_id is not None:
            self.pieces[span_id] = self.pieces.get(span_id, 0) + 1

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        self.parts.append(data)
        for span_id in self.stack:
            if span_id is not None:
                self.texts[span_id] = self.texts.get(span_id, "") + data


def read_back(html: str) -> SpanTexts:
    parser = SpanTexts()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    return parser


def seed() -> tuple[str, dict]:
    text = (REPO / "corpus" / "documents" / f"{SEED}.txt").read_bytes().decode("utf-8")
    annotation = json.loads((REPO / "corpus" / "annotations" / f"{SEED}.json").read_bytes())
    return text, annotation


def test_every_span_of_the_seed_reads_back_as_its_text():
    text, annotation = seed()
    spans = annotation_spans(annotation)
    back = read_back(render_text(text, spans))
    assert "".join(back.parts) == text  # nothing added, nothing lost: NBSP and curly quotes kept
    assert "\u00a0" in text and "\u2019" in text
    kinds = {span.kind for span in spans}
    assert kinds == {"mention", "claim", "cue", "source", "hedge"}
    assert {span.span_id: back.texts.get(span.span_id) for span in spans} == {span.span_id: span.quote for span in spans}
    assert "c3.cue" in back.texts and "c3.source" in back.texts and "c11.hedge1" in back.texts


def test_nested_and_crossing_spans_keep_every_character_s_spans():
    text = "Alpha Beta Gamma Delta"
    spans = [Span("c1", "claim", 0, 16, text[0:16], "/claims/0", claim="c1", label="factual"),
             Span("c2", "claim", 6, 22, text[6:22], "/claims/1", claim="c2", label="opinion"),  # crosses c1
             Span("m1", "mention", 6, 16, text[6:16], "/entities/0/mentions/0", entity="e1", label="GROUP"),
             Span("m2", "mention", 11, 16, text[11:16], "/entities/1/mentions/0", entity="e2", label="PERSON"),  # in m1
             Span("c1.cue", "cue", 0, 5, text[0:5], "/claims/0/attribution/cue", claim="c1")]
    html = render_text(text, spans)
    back = read_back(html)
    assert {s.span_id: back.texts[s.span_id] for s in spans} == {s.span_id: s.quote for s in spans}
    assert back.pieces["c2"] == 2  # cut where c1 ends, so that the two stay properly nested
    assert html.count('data-before="') == 2  # each claim's tag once, on its first piece


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab \u00a0’\n", min_size=1, max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8))
def test_any_spans_read_back_exactly(text, ranges):
    spans = [Span(f"m{i}", "mention" if i % 2 else "claim", start, end, text[start:end], f"/x/{i}") for i, (start, end) in enumerate(ranges)]
    back = read_back(render_text(text, spans))
    assert "".join(back.parts) == text
    for span in spans:
        if why_unshown(span, len(text)) is None:
            assert back.texts[span.span_id] == span.quote
        else:
            assert span.span_id not in back.texts


def test_an_annotation_of_any_shape_gives_what_can_be_read():
    annotation = {"entities": [{"id": "e1", "type": "PERSON", "mentions": [{"id": "m1", "start": "0", "end": 3}, "junk"]}, 7],
                  "claims": [{"id": "c1", "start": 0, "end": 3, "attribution": {"cue": {"start": 1, "end": 2}}, "hedge_cues": None}]}
    spans = annotation_spans(annotation)
    assert [span.span_id for span in spans] == ["m1", "e1.mention2", "c1", "c1.cue"]
    assert why_unshown(spans[0], 10) == "its offsets are not whole numbers"
    back = read_back(render_text("abcdefghij", spans))
    assert back.texts == {"c1": "abc", "c1.cue": "b"}
    assert annotation_spans(None) == [] and annotation_spans([1]) == []


def test_problems_are_placed_at_the_innermost_span_else_the_entity_else_the_banner():
    _, annotation = seed()
    spans = annotation_spans(annotation)
    drawn = {span.span_id for span in spans}
    file = f"corpus/annotations/{SEED}.json"
    found = [problem("span-text-mismatch", file, "m3", pointer="/entities/0/mentions/2/text"),
             problem("span-text-mismatch", file, "cue", pointer="/claims/2/attribution/cue/text"),
             problem("unknown-entity", file, "about", pointer="/claims/3/about/6"),
             problem("duplicate-id", file, "entity", pointer="/entities/1/id"),
             problem("unknown-source", file, "publisher", pointer="/metadata/publisher_source_id"),
             problem("text-not-nfc", f"corpus/documents/{SEED}.txt", "text", pointer="/claims/0")]
    entity_ids = [entity["id"] for entity in annotation["entities"]]
    placed = place_problems(found, spans, drawn, entity_ids)
    assert {span_id: [p.code for p in ps] for span_id, ps in placed.at_span.items()} == {
        "m3": ["span-text-mismatch"], "c3.cue": ["span-text-mismatch"], "c4": ["unknown-entity"]}
    assert list(placed.at_entity) == ["e2"]
    assert [p.code for p in placed.unplaced] == ["unknown-source", "text-not-nfc"]
    assert placed.count == len(found)
    # a span that is not drawn (offsets outside the text): its problem goes to the banner
    assert [p.code for p in place_problems(found[:1], spans, drawn - {"m3"}, entity_ids).unplaced] == ["span-text-mismatch"]
