"""The fixes of `newsclaims validate --fix` that are certain, on an annotation that passed the schema
level and is anchored (pure: the annotation in, a fixed copy and what changed out):

- a span whose text is not at its offsets moves to the nearest exact occurrence of its text, when one
  occurrence is nearer than every other and no other mention covers it;
- `about` in entity id order, an entity's mentions in reading order (ids never change);
- text_sha256 recomputed, only when every span is still valid on the text as it is now.

Everything else is left as it is, with the reason (an uncertain fix is a choice for a person).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field

from ..validation.level3_references import entity_number
from ..validation.level4_content import iter_spans
from ..validation.quotes import occurrences


@dataclass(frozen=True)
class Fix:
    pointer: str
    change: str  # what was changed, for people: "start 181 -> 180, end 187 -> 186"

    def as_dict(self) -> dict:
        return {"pointer": self.pointer, "change": self.change}


@dataclass
class Fixed:
    annotation: dict
    fixes: list[Fix] = field(default_factory=list)
    left: list[Fix] = field(default_factory=list)  # problems seen and not fixed: why


def _span_ok(span: dict, text: str) -> bool:
    return span["start"] < span["end"] <= len(text) and text[span["start"]:span["end"]] == span["text"]


def nearest_unique(text: str, quote: str, start: int, end: int, taken=()) -> tuple[int, int] | None:
    """The occurrence of quote nearest to [start:end] (by the distance of both ends) among those that
    overlap no stretch of taken (other mentions: a mention moved there would be a duplicate or an
    overlap), when no other is as near; None otherwise."""
    size = len(quote)
    free = [s for s in occurrences(text, quote) if not any(b < s + size and s < e for b, e in taken)]
    scored = sorted((abs(s - start) + abs(s + size - end), s) for s in free)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1], scored[0][1] + len(quote)


def certain_fixes(annotation: dict, text: str, text_bytes: bytes) -> Fixed:
    """The certain fixes of one annotation (schema-valid, anchored) against its text."""
    fixed = Fixed(copy.deepcopy(annotation))
    annotation = fixed.annotation
    spans = list(iter_spans(annotation))
    if any(type(span[end]) is not int for _, span in spans for end in ("start", "end")):
        return fixed  # an offset written 6.0: validate reports schema-type, nothing is certain
    broken = [(pointer, span) for pointer, span in spans if not _span_ok(span, text)]
    digest = hashlib.sha256(text_bytes).hexdigest()
    if annotation["text_sha256"] != digest:
        if broken:  # the text changed and spans moved: where each went is not certain
            fixed.left.append(Fix("/text_sha256", f"not recomputed: the text changed and {len(broken)} span(s) no longer match it; "
                                                  "check them (`newsclaims reanchor` moves spans to a corrected text), then set text_sha256"))
            broken = []  # nor are the spans moved: on a changed text, the nearest occurrence is a guess
        else:
            fixed.fixes.append(Fix("/text_sha256", f"{annotation['text_sha256']} -> {digest} (every span is valid on the text as it is)"))
            annotation["text_sha256"] = digest

    covered = {(span["start"], span["end"]) for pointer, span in spans if "/mentions/" in pointer}
    for pointer, span in broken:
        mention = "/mentions/" in pointer
        own = (span["start"], span["end"])
        taken = covered - {own} if mention else ()
        found = nearest_unique(text, span["text"], span["start"], span["end"], taken)
        if found is None:
            fixed.left.append(Fix(pointer, f"offsets not moved: {span['text'][:40]!r} has no single nearest occurrence free of other mentions"))
            continue
        fixed.fixes.append(Fix(pointer, f"start {span['start']} -> {found[0]}, end {span['end']} -> {found[1]} "
                                        f"(the nearest occurrence of {span['text'][:40]!r})"))
        if mention:
            covered.discard(own)
            covered.add(found)
        span["start"], span["end"] = found

    for e, entity in enumerate(annotation["entities"]):
        ordered = sorted(entity["mentions"], key=lambda m: (m["start"], m["end"]))
        if ordered != entity["mentions"]:
            entity["mentions"] = ordered
            fixed.fixes.append(Fix(f"/entities/{e}/mentions", "mentions put in reading order: " + ", ".join(m["id"] for m in ordered)))
    for c, claim in enumerate(annotation["claims"]):
        ordered = sorted(claim["about"], key=entity_number)
        if ordered != claim["about"]:
            fixed.fixes.append(Fix(f"/claims/{c}/about", f"{claim['about']} -> {ordered} (entity id order)"))
            claim["about"] = ordered
    return fixed
