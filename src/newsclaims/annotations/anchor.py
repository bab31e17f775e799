"""`newsclaims anchor`'s logic: an annotation whose spans are written by quote, turned into one with
offsets. Pure: an annotation dict and its text in, a new dict (or the problems that stop it) out.

- every span that needs anchoring (no start/end, or helpers prefix/suffix/occurrence) gets the
  offsets its quote resolves to (validation/quotes.py), and loses its helpers;
- every entity, mention and claim without an id gets the next free one (e, m, c + a number above
  every id in use: ids once released are never reused or renumbered), in reading order;
- all or nothing: when one quote does not resolve, nothing changes and each failure is a problem with
  the candidates.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from ..problems.record import Problem
from ..validation.anchoring import (
    HELPERS,
    ID_PREFIX,
    iter_all_spans,
    needs_anchoring,
    place_spans,
    placement_problem,
)

SPAN_KEYS = ("id", "start", "end", "text")  # the order a span's keys are written in, before any others


@dataclass
class Anchored:
    """The outcome for one annotation: the new annotation (None when a quote did not resolve)."""
    annotation: dict | None
    spans_placed: int = 0
    ids_filled: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.annotation is not None and (self.spans_placed > 0 or bool(self.ids_filled))


def anchor_annotation(annotation: dict, text: str, shown: str, command: str = "newsclaims anchor") -> Anchored:
    """The annotation with every span anchored and every id filled, or the problems of the quotes that
    do not resolve (the annotation is then None). The input is not modified."""
    placements = place_spans(annotation, text)
    failed = [placement_problem(p, shown, command) for p in placements if not p.match.ok]
    if failed:
        return Anchored(None, problems=failed)
    result = copy.deepcopy(annotation)
    spans = {pointer: span for pointer, _, span in iter_all_spans(result)}
    for placement in placements:
        span = spans[placement.pointer]
        resolved = placement.match.resolved
        _reorder(span, start=resolved.start, end=resolved.end)
    return Anchored(result, spans_placed=len(placements), ids_filled=fill_ids(result))


def fill_ids(annotation: dict) -> list[str]:
    """Give each entity, mention and claim without an id the next free one, in reading order (entities
    by their first mention); returns the ids given. Existing ids are kept as they are."""
    given = []
    entities = annotation["entities"]
    mentions = [m for e in entities for m in e["mentions"]]
    for kind, items, position in (("entity", entities, lambda e: min((m["start"] for m in e["mentions"]), default=0)),
                                  ("mention", mentions, lambda m: m["start"]),
                                  ("claim", annotation["claims"], lambda c: c["start"])):
        letter = ID_PREFIX[kind]
        used = [int(item["id"][1:]) for item in items if re.fullmatch(rf"{letter}[0-9]+", item.get("id", ""))]
        number = max(used, default=0)
        for item in sorted((i for i in items if "id" not in i), key=position):  # sorted() is stable: file order on a tie
            number += 1
            _reorder(item, id=f"{letter}{number}")
            given.append(f"{letter}{number}")
    return given


def anchoring_needed(annotation: dict) -> int:
    """How many spans need anchoring."""
    return sum(needs_anchoring(span) for _, _, span in iter_all_spans(annotation))


def _reorder(item: dict, **values) -> None:
    """Set values and drop the helpers, keeping id, start, end, text first (as hand-written files have
    them) and every other key in its order."""
    merged = {**item, **values}
    for helper in HELPERS:
        merged.pop(helper, None)
    ordered = {key: merged[key] for key in SPAN_KEYS if key in merged}
    ordered.update((key, value) for key, value in merged.items() if key not in ordered)
    item.clear()
    item.update(ordered)
