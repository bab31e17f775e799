"""Where a document's validation problems are shown: at the span their JSON pointer is in (a mention, a
claim or a part of a claim), at an entity, or, when they concern no span that is drawn (the file's JSON
syntax, its metadata, the text file, a span whose offsets are outside the text), in the page's banner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems.record import Problem
from .spans import Span

_ENTITY = re.compile(r"^/entities/(\d+)(?:/|$)")


@dataclass
class Placed:
    at_span: dict[str, list[Problem]] = field(default_factory=dict)  # span id -> its problems
    at_entity: dict[str, list[Problem]] = field(default_factory=dict)  # entity id -> its problems
    unplaced: list[Problem] = field(default_factory=list)  # for the banner

    @property
    def count(self) -> int:
        return sum(map(len, self.at_span.values())) + sum(map(len, self.at_entity.values())) + len(self.unplaced)


def _within(pointer: str, prefix: str) -> bool:
    return pointer == prefix or pointer.startswith(prefix + "/")


def place_problems(problems: list[Problem], spans: list[Span], drawn: set[str], entity_ids: list[str]) -> Placed:
    """problems of one document, placed. drawn: the ids of the spans on the page; entity_ids: the id of
    each entity of the annotation, by position (its pointer /entities/<i>)."""
    placed = Placed()
    by_pointer = sorted(spans, key=lambda span: len(span.pointer), reverse=True)  # the innermost span first
    for found in problems:
        pointer = found.pointer if found.file.endswith(".json") else ""  # a text file's problems are no span's
        span = next((span for span in by_pointer if pointer and _within(pointer, span.pointer)), None)
        if span is not None and span.span_id in drawn:
            placed.at_span.setdefault(span.span_id, []).append(found)
            continue
        entity = _ENTITY.match(pointer) if span is None else None
        if entity is not None and int(entity[1]) < len(entity_ids):
            placed.at_entity.setdefault(entity_ids[int(entity[1])], []).append(found)
            continue
        placed.unplaced.append(found)
    return placed
