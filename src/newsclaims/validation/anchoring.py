"""Spans written by quote: which spans and ids `newsclaims anchor` still has to fill, where each quote
resolves, and the problems of a file that is not anchored yet (validate reports them; anchor writes
nothing until there are none).

A span is anchored when it has `start` and `end` and none of the authoring helpers (`prefix`, `suffix`,
`occurrence`). A span that has helpers is placed by its quote (its offsets, if any, only say which
occurrence is nearest). Works on an annotation that passed the schema level.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..problems.record import Problem, problem
from .quotes import (
    AMBIGUOUS,
    CONTEXT_NOT_FOUND,
    NOT_FOUND,
    OCCURRENCE_OUT_OF_RANGE,
    QuoteMatch,
    find_quote,
    loose_matches,
)

HELPERS = ("prefix", "suffix", "occurrence")
ID_PREFIX = {"entity": "e", "mention": "m", "claim": "c"}


def iter_all_spans(annotation: dict) -> Iterator[tuple[str, str, dict]]:
    """(pointer, kind, span) for every span, in file order: kind is mention, claim, cue, source_span or
    hedge_cue."""
    for e, entity in enumerate(annotation["entities"]):
        for m, mention in enumerate(entity["mentions"]):
            yield f"/entities/{e}/mentions/{m}", "mention", mention
    for c, claim in enumerate(annotation["claims"]):
        yield f"/claims/{c}", "claim", claim
        for field in ("cue", "source_span"):
            if claim["attribution"][field] is not None:
                yield f"/claims/{c}/attribution/{field}", field, claim["attribution"][field]
        for h, cue in enumerate(claim["hedge_cues"]):
            yield f"/claims/{c}/hedge_cues/{h}", "hedge_cue", cue


def needs_anchoring(span: dict) -> bool:
    return "start" not in span or "end" not in span or any(helper in span for helper in HELPERS)


def iter_missing_ids(annotation: dict) -> Iterator[tuple[str, str, dict]]:
    """(pointer, kind, item) of each entity, mention and claim without an id."""
    for e, entity in enumerate(annotation["entities"]):
        if "id" not in entity:
            yield f"/entities/{e}", "entity", entity
        for m, mention in enumerate(entity["mentions"]):
            if "id" not in mention:
                yield f"/entities/{e}/mentions/{m}", "mention", mention
    for c, claim in enumerate(annotation["claims"]):
        if "id" not in claim:
            yield f"/claims/{c}", "claim", claim


def is_anchored(annotation: dict) -> bool:
    """Every span has offsets and no helper, and every entity, mention and claim has an id."""
    return not any(needs_anchoring(span) for _, _, span in iter_all_spans(annotation)) and next(iter_missing_ids(annotation), None) is None


@dataclass(frozen=True)
class Placement:
    """Where one span to anchor resolves (match.resolved), or why it does not."""

    pointer: str
    kind: str
    span: dict
    match: QuoteMatch
    loose: tuple[str, ...] = ()  # when not found: the text's own form of quotes that match loosely


def place_spans(annotation: dict, text: str) -> list[Placement]:
    """Every span that needs anchoring, resolved against the text (find_quote; offsets already written
    only decide between occurrences, as `near`)."""
    placements = []
    for pointer, kind, span in iter_all_spans(annotation):
        if needs_anchoring(span):
            near = span.get("start")
            match = find_quote(text, span["text"], span.get("prefix"), span.get("suffix"), span.get("occurrence"), near if type(near) is int else None)
            loose = tuple(text[c.start : c.end] for c in loose_matches(text, span["text"], limit=3)) if match.status == NOT_FOUND else ()
            placements.append(Placement(pointer, kind, span, match, loose))
    return placements


def placement_problem(placement: Placement, shown: str, command: str) -> Problem:
    """span-not-anchored when the quote resolves (anchor will fill it), else quote-not-found or
    quote-ambiguous with the candidates and a hint that resolves it."""
    match, span, pointer = placement.match, placement.span, placement.pointer
    label = placement.kind.replace("_", " ")
    if match.ok:
        missing = [name for name in ("start", "end") if name not in span]
        helpers = [name for name in HELPERS if name in span]
        what = f"has no {' or '.join(missing)}" if missing else f"has offsets and the helper {', '.join(helpers)}"
        if placement.kind in ("mention", "claim") and "id" not in span:
            what += " and no id"
        return problem(
            "span-not-anchored",
            shown,
            f"the {label} {_short(span['text'])!r} {what}; its quote resolves to start={match.resolved.start}, end={match.resolved.end}",
            pointer=pointer,
            hint=f"Run `{command}`: it fills start and end from the quote (and the ids left out) and removes prefix/suffix/occurrence.",
        )
    if match.status in (NOT_FOUND, CONTEXT_NOT_FOUND, OCCURRENCE_OUT_OF_RANGE):
        return problem("quote-not-found", shown, f"the {label}'s {match.explain()}", pointer=pointer + "/text", hint=_not_found_hint(placement))
    assert match.status == AMBIGUOUS
    return problem("quote-ambiguous", shown, f"the {label}'s {match.explain()}", pointer=pointer + "/text", hint=_ambiguous_hint(placement))


def check_anchoring(annotation: dict, shown: str, text: str | None, command: str = "newsclaims anchor") -> list[Problem]:
    """The problems of a file written (partly) by quote: a span to anchor, a quote that does not resolve,
    an id left out. text None: the document has no readable text (its own problem says why), and the
    spans are reported as not anchored without resolving them."""
    problems = []
    if text is not None:
        problems += [placement_problem(p, shown, command) for p in place_spans(annotation, text)]
    else:
        problems += [
            problem(
                "span-not-anchored",
                shown,
                f"the {kind.replace('_', ' ')} {_short(span['text'])!r} is not anchored (no offsets, or helpers)",
                pointer=pointer,
                hint=f"Run `{command}` once the document text is valid.",
            )
            for pointer, kind, span in iter_all_spans(annotation)
            if needs_anchoring(span)
        ]
    reported = {p.pointer.removesuffix("/text") for p in problems}
    for pointer, kind, _ in iter_missing_ids(annotation):
        if pointer in reported:  # one record a span: anchor fills its id with its offsets
            continue
        problems.append(
            problem(
                "span-not-anchored",
                shown,
                f"the {kind} has no id",
                pointer=pointer,
                hint=f"Run `{command}`: it gives each {kind} left without an id the next free one "
                f"({ID_PREFIX[kind]}1, {ID_PREFIX[kind]}2, ... in reading order).",
            )
        )
    return problems


def _not_found_hint(placement: Placement) -> str:
    match, span = placement.match, placement.span
    if match.status == CONTEXT_NOT_FOUND:
        shown = "; ".join(c.describe(match.quote) for c in match.candidates[:3])
        return f"Fix prefix/suffix to the text just before/after the quote, or remove them; the quote occurs at {shown}."
    if match.status == OCCURRENCE_OUT_OF_RANGE:
        count = len(match.candidates)
        return f"Set occurrence to a number from 1 to {count} (1 = the first occurrence)." if count > 1 else "Remove occurrence: the quote occurs once."
    if placement.loose:
        return f"Set text to the document's own form: {placement.loose[0]!r} (case, spaces, quotes and dashes as published)."
    return f"Copy the quote {_short(span['text'])!r} from the document exactly: case, spaces, curly quotes and dashes as published."


def _ambiguous_hint(placement: Placement) -> str:
    match = placement.match
    choices = "; ".join(f"occurrence {n} for {c.describe(match.quote)}" for n, c in enumerate(match.candidates[:5], 1))
    return f'Add "occurrence": N to the span (1 = the first), or a "prefix"/"suffix" with the words just before/after the one meant: {choices}.'


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
