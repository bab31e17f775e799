"""The spans of one annotation as the explorer shows them, and the document text cut into nested HTML
elements at every span boundary, so that every character shows all the spans it belongs to.

Span ids are the annotation's local ids: `m3` (a mention), `c2` (a claim), and the parts of a claim
`c2.cue` (its attribution cue), `c2.source` (the span naming its source) and `c2.hedge1`, `c2.hedge2`...
(its hedge cues, from 1). Every element that renders a piece of a span carries `data-span-id`, so the
text of all the elements of one id, in document order, is the span's text.

The annotation may be invalid (that is when a contributor looks at it most): spans are read
defensively, a span whose offsets are not integers, are empty or run past the text is not drawn and is
listed with `unshown` reasons instead.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass

# Inner spans nest inside outer ones; for spans over the same characters, the order of this tuple.
KINDS = ("claim", "source", "cue", "hedge", "mention")
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
_CLASS = {"claim": "c", "source": "s", "cue": "q", "hedge": "h", "mention": "m"}


@dataclass(frozen=True)
class Span:
    span_id: str
    kind: str  # one of KINDS
    start: object  # int for a span that can be drawn; anything the file holds otherwise
    end: object
    quote: object  # the span's own `text`
    pointer: str  # JSON pointer of the span in the annotation file
    entity: str | None = None  # a mention's entity id
    claim: str | None = None  # the claim a claim, cue, source or hedge span belongs to
    label: str | None = None  # a mention's entity type, a claim's claim_type
    tag: str = ""  # shown beside the span, so that colour is never the only carrier: "PER", "c2 F✓≈"


def _items(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _local_id(record: dict, fallback: str) -> str:
    value = record.get("id")
    return value if isinstance(value, str) and value else fallback


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def annotation_spans(annotation: dict | None) -> list[Span]:
    """Every span of an annotation (of any shape: an invalid file gives what can be read of it)."""
    spans: list[Span] = []
    annotation = _dict(annotation)
    for e, entity in enumerate(_items(annotation.get("entities"))):
        entity = _dict(entity)
        entity_id = _local_id(entity, f"entity{e + 1}")
        for m, mention in enumerate(_items(entity.get("mentions"))):
            mention = _dict(mention)
            spans.append(Span(_local_id(mention, f"e{e + 1}.mention{m + 1}"), "mention", mention.get("start"), mention.get("end"),
                              mention.get("text"), f"/entities/{e}/mentions/{m}", entity=entity_id, label=_text(entity.get("type")),
                              tag=(_text(entity.get("type")) or "?")[:3]))
    for c, claim in enumerate(_items(annotation.get("claims"))):
        claim = _dict(claim)
        claim_id = _local_id(claim, f"claim{c + 1}")
        pointer = f"/claims/{c}"
        claim_type = _text(claim.get("claim_type"))
        flags = (claim_type or "?")[:1].upper() + ("✓" if claim.get("check_worthy") is True else "") + ("≈" if claim.get("hedged") is True else "")
        spans.append(Span(claim_id, "claim", claim.get("start"), claim.get("end"), claim.get("text"), pointer, claim=claim_id,
                          label=claim_type, tag=f"{claim_id} {flags}"))
        attribution = _dict(claim.get("attribution"))
        for field, kind, suffix in (("cue", "cue", "cue"), ("source_span", "source", "source")):
            part = attribution.get(field)
            if isinstance(part, dict):
                spans.append(Span(f"{claim_id}.{suffix}", kind, part.get("start"), part.get("end"), part.get("text"),
                                  f"{pointer}/attribution/{field}", claim=claim_id))
        for h, cue in enumerate(_items(claim.get("hedge_cues"))):
            cue = _dict(cue)
            spans.append(Span(f"{claim_id}.hedge{h + 1}", "hedge", cue.get("start"), cue.get("end"), cue.get("text"),
                              f"{pointer}/hedge_cues/{h}", claim=claim_id))
    return spans


def why_unshown(span: Span, length: int) -> str | None:
    """Why a span cannot be drawn over a text of `length` code points, or None when it can."""
    start, end = span.start, span.end
    if type(start) is not int or type(end) is not int:  # bool is an int subclass: not an offset
        return "its offsets are not whole numbers"
    if start < 0 or start >= end:
        return f"[{start}:{end}] is not a range of the text"
    if end > length:
        return f"[{start}:{end}] runs past the end of the text ({length} code points)"
    return None


def _order(span: Span) -> tuple:
    return span.start, -span.end, _RANK[span.kind], span.span_id


def _open_tag(span: Span, first: bool, last: bool, marks: dict[str, str]) -> str:
    classes = [_CLASS[span.kind]]
    if first:
        classes.append("b")
    if last:
        classes.append("e")
    attributes = [f'data-span-id="{html.escape(span.span_id)}"']
    if span.kind == "mention":
        if span.label:
            classes.append(f"t-{span.label}")
        attributes.append(f'data-entity="{html.escape(span.entity or "")}"')
    else:
        if span.kind == "claim" and span.label:
            classes.append(f"ct-{span.label}")
        attributes.append(f'data-claim="{html.escape(span.claim or "")}"')
    mark = marks.get(span.span_id)
    if mark is not None:
        classes.append("p")
    if first and span.kind == "claim":
        attributes.append(f'data-before="{html.escape(span.tag)}"')
    after = " ".join(part for part in (span.tag if span.kind == "mention" else "", f"⚠ {mark}" if mark else "") if part)
    if last and after:
        attributes.append(f'data-after="{html.escape(after)}"')
    return f'<span class="{" ".join(html.escape(name) for name in classes)}" {" ".join(attributes)}>'


def render_text(text: str, spans: list[Span], marks: dict[str, str] | None = None) -> str:
    """The text as HTML: cut at every boundary of the drawable spans; each piece wrapped in one element
    per span that covers it, outer spans (earlier start, then longer) around inner ones. A span that
    crosses another is drawn in several elements with the same data-span-id; its first element has the
    class `b` (and a claim's tag in data-before), its last `e` (and a mention's tag and the problem
    codes in data-after, shown by the CSS). marks: span id -> problem codes."""
    marks = marks or {}
    drawn = sorted((span for span in spans if why_unshown(span, len(text)) is None), key=_order)
    starting: dict[int, list[Span]] = {}
    bounds = {0, len(text)}
    for span in drawn:
        starting.setdefault(span.start, []).append(span)
        bounds.add(span.start)
        bounds.add(span.end)
    out: list[str] = []
    stack: list[tuple[Span, int, bool]] = []  # (span, index of its open tag in out, first piece)
    active: list[Span] = []
    points = sorted(bounds)
    escape = html.escape
    for left, right in itertools.pairwise(points):
        if starting.get(left) or any(span.end == left for span in active):
            active = sorted([span for span in active if span.end > left] + starting.get(left, []), key=_order)
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep][0] is active[keep]:
            keep += 1
        while len(stack) > keep:  # close the inner elements first
            span, at, first = stack.pop()
            out[at] = _open_tag(span, first, span.end == left, marks)
            out.append("</span>")
        for span in active[keep:]:
            stack.append((span, len(out), span.start == left))
            out.append("")  # the open tag, written once it is known whether this piece is the span's last
        out.append(escape(text[left:right], quote=False))
    while stack:
        span, at, first = stack.pop()
        out[at] = _open_tag(span, first, True, marks)
        out.append("</span>")
    return "".join(out)
