"""Re-anchoring an annotation after a text correction: every span of the old text found in the new one.

A character diff of the old and the new text (difflib's SequenceMatcher, no junk heuristic) maps each
old offset that lies in an unchanged stretch. A span whose first and last characters both map keeps
its place: `unchanged` (same offsets), `shifted` (same words, other offsets) or `edited` (its own words
changed; the new text is given). A span with an end in a changed stretch is looked for with the
project's quote search (validation/quotes.py), with its own prefix and suffix taken from the old text:
`relocated` when one place is found, `ambiguous` when several remain, `lost` when none.

Pure: texts and an annotation dict in, a plan out; `apply` gives the re-anchored annotation (written by
workflows/reanchor.py only when no span needs a person).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field

from ..validation.level4_content import iter_spans
from ..validation.quotes import AMBIGUOUS, FOUND, find_quote

UNCHANGED, SHIFTED, RELOCATED, EDITED, AMBIGUOUS_SPAN, LOST = "unchanged", "shifted", "relocated", "edited", "ambiguous", "lost"
STATUSES = (UNCHANGED, SHIFTED, RELOCATED, EDITED, AMBIGUOUS_SPAN, LOST)
NEEDS_A_PERSON = (AMBIGUOUS_SPAN, LOST)
EDITED_SIMILARITY = 0.6  # difflib ratio of a span's old and new words for an edit (below: found again or lost)
LONG_QUOTE = 20  # characters: a quote this long found once in the new text is found again, whatever its context
CONTEXT = 24  # characters of old text before and after a span used as its prefix and suffix


class OffsetMap:
    """Old offsets -> new offsets where the old character lies in a stretch the diff kept."""

    def __init__(self, old: str, new: str):
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        self.blocks = [(i, j, n) for i, j, n in matcher.get_matching_blocks() if n]
        self.starts = [i for i, _, _ in self.blocks]

    def char(self, position: int) -> int | None:
        """Where the old character at `position` is in the new text, None when it was changed or removed."""
        index = bisect_right(self.starts, position) - 1
        if index < 0:
            return None
        i, j, n = self.blocks[index]
        return j + (position - i) if position < i + n else None


@dataclass
class SpanOutcome:
    pointer: str
    status: str
    old_start: int
    old_end: int
    text: str
    start: int | None = None  # new offsets (None: lost or ambiguous)
    end: int | None = None
    new_text: str | None = None  # the span's words in the new text, when edited
    candidates: list[str] = field(default_factory=list)  # where an ambiguous span could be

    def as_dict(self) -> dict:
        return {"pointer": self.pointer, "status": self.status, "old": [self.old_start, self.old_end], "text": self.text,
                "new": None if self.start is None else [self.start, self.end], "new_text": self.new_text,
                "candidates": self.candidates}


@dataclass
class Plan:
    spans: list[SpanOutcome]
    new_sha256: str

    def counts(self) -> dict[str, int]:
        return {status: sum(s.status == status for s in self.spans) for status in STATUSES}

    @property
    def needs_a_person(self) -> list[SpanOutcome]:
        return [s for s in self.spans if s.status in NEEDS_A_PERSON]

    @property
    def edited(self) -> list[SpanOutcome]:
        return [s for s in self.spans if s.status == EDITED]

    def writable(self, accept_edited: bool) -> bool:
        return not self.needs_a_person and (accept_edited or not self.edited)


def _locate(old: str, new: str, offsets: OffsetMap, span: dict) -> SpanOutcome:
    start, end, text = span["start"], span["end"], span["text"]
    outcome = SpanOutcome("", LOST, start, end, text)
    first, last = offsets.char(start), offsets.char(end - 1)
    if first is not None and last is not None and last >= first:
        words = new[first:last + 1]
        if words == text:
            outcome.start, outcome.end = first, last + 1
            outcome.status = UNCHANGED if first == start else SHIFTED
            return outcome
        # its own words changed; a span whose words are mostly others' is not an edit (the diff paired
        # its ends with characters of other words): the quote search decides
        if difflib.SequenceMatcher(None, text, words, autojunk=False).ratio() >= EDITED_SIMILARITY:
            outcome.start, outcome.end = first, last + 1
            outcome.status, outcome.new_text = EDITED, words
            return outcome
    # an end was changed: the quote search, with the span's own context in the old text
    prefix, suffix = old[max(0, start - CONTEXT):start], old[end:end + CONTEXT]
    # Both sides of the old context, then one, then none for a long quote: a place is taken only when it
    # is the only one (never the nearest of several, nor a short word found without its context: guesses).
    contexts = [(prefix, suffix), (prefix, None), (None, suffix)] + ([(None, None)] if len(text) >= LONG_QUOTE else [])
    for before, after in contexts:
        match = find_quote(new, text, prefix=before, suffix=after)
        if match.status == FOUND:
            outcome.status, outcome.start, outcome.end = RELOCATED, match.resolved.start, match.resolved.end
            return outcome
        if match.status == AMBIGUOUS:
            outcome.status = AMBIGUOUS_SPAN
            outcome.candidates = [c.describe(text) for c in match.candidates[:5]]
            return outcome
    return outcome


def plan(old_text: str, new_text: str, annotation: dict) -> Plan:
    """Where every span of the annotation (mentions, claims, cues, source spans, hedge cues) is in the new text."""
    offsets = OffsetMap(old_text, new_text)
    spans = []
    for pointer, span in iter_spans(annotation):
        outcome = _locate(old_text, new_text, offsets, span)
        outcome.pointer = pointer
        spans.append(outcome)
    return Plan(spans, hashlib.sha256(new_text.encode("utf-8")).hexdigest())


def apply(annotation: dict, reanchored: Plan) -> dict:
    """The annotation with every span's new offsets (and an edited span's new words) and the new text_sha256.
    Only for a plan with no span that needs a person."""
    if reanchored.needs_a_person:
        raise ValueError("a span is ambiguous or lost: nothing can be applied")
    result = copy.deepcopy(annotation)
    by_pointer = {outcome.pointer: outcome for outcome in reanchored.spans}
    for pointer, span in iter_spans(result):
        outcome = by_pointer[pointer]
        span["start"], span["end"] = outcome.start, outcome.end
        if outcome.new_text is not None:
            span["text"] = outcome.new_text
    result["text_sha256"] = reanchored.new_sha256
    return result


def format_plan(name: str, reanchored: Plan, written: bool, accept_edited: bool) -> str:
    """The plan as text: a count per status, then every span that is not simply kept."""
    counts = ", ".join(f"{n} {status}" for status, n in reanchored.counts().items() if n)
    lines = [f"{name}: {counts or 'no spans'}"]
    for outcome in reanchored.spans:
        if outcome.status in (UNCHANGED, SHIFTED):
            continue
        where = f"{outcome.old_start}-{outcome.old_end}"
        if outcome.status == EDITED:
            lines.append(f"  edited    {outcome.pointer} ({where} -> {outcome.start}-{outcome.end}): {outcome.text!r} is now {outcome.new_text!r}")
        elif outcome.status == RELOCATED:
            lines.append(f"  relocated {outcome.pointer} ({where} -> {outcome.start}-{outcome.end}): {outcome.text!r}")
        elif outcome.status == AMBIGUOUS_SPAN:
            lines.append(f"  ambiguous {outcome.pointer} ({where}): {outcome.text!r} occurs in several places: "
                         + "; ".join(outcome.candidates) + " -- set its offsets by hand")
        else:
            lines.append(f"  lost      {outcome.pointer} ({where}): {outcome.text!r} is not found in the new text -- "
                         "remove the span, or set its offsets and text where it now is")
    if written:
        lines.append("  written: offsets and text_sha256 updated")
    elif reanchored.needs_a_person:
        lines.append(f"  not written: {len(reanchored.needs_a_person)} span(s) need a person (above)")
    elif reanchored.edited and not accept_edited:
        lines.append(f"  not written: {len(reanchored.edited)} edited span(s): check their new text, then run again with --accept-edited")
    return "\n".join(lines)
