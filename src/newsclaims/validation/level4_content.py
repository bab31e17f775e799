"""Level 4, content: the labels against the text (text_sha256, every span in range and equal to the
text, no whitespace at span edges, label coherence).

Independent of level 3: both run once level 2 passes, and all their problems are reported in one pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ..problems.record import Problem, problem, shown_path
from .level3_references import AUTHOR_SOURCE
from .quotes import loose_matches, nearest_occurrence


def iter_spans(annotation: dict) -> Iterator[tuple[str, dict]]:
    """(pointer, span) for every span of the file: mentions, claims, cues, source spans, hedges."""
    for e, entity in enumerate(annotation["entities"]):
        for m, mention in enumerate(entity["mentions"]):
            yield f"/entities/{e}/mentions/{m}", mention
    for c, claim in enumerate(annotation["claims"]):
        yield f"/claims/{c}", claim
        for field in ("cue", "source_span"):
            if claim["attribution"][field] is not None:
                yield f"/claims/{c}/attribution/{field}", claim["attribution"][field]
        for h, cue in enumerate(claim["hedge_cues"]):
            yield f"/claims/{c}/hedge_cues/{h}", cue


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_content(annotation: dict, path, text: str, text_bytes: bytes) -> list[Problem]:
    """Offsets are ints, text_sha256, spans in range and equal to the text, no whitespace at span
    edges, label coherence."""
    shown = shown_path(path)
    # JSON Schema counts 6.0 as an integer; offsets must be written as integers to be used as indices.
    decimals = [
        problem("schema-type", shown, f"{span[field]!r} is a decimal number; offsets are integers", pointer=f"{pointer}/{field}")
        for pointer, span in iter_spans(annotation)
        for field in ("start", "end")
        if type(span[field]) is not int
    ]
    if decimals:
        return decimals
    problems = []
    digest = hashlib.sha256(text_bytes).hexdigest()
    if annotation["text_sha256"] != digest:
        problems.append(
            problem("text-sha256-mismatch", shown, f"text_sha256 is {annotation['text_sha256']} but the text's sha256 is {digest}", pointer="/text_sha256")
        )

    length = len(text)
    # the stretches mentions cover: a hint never moves a mention onto another one (mention-duplicate)
    covered = {(m["start"], m["end"]): p for p, m in iter_spans(annotation) if "/mentions/" in p}
    for pointer, span in iter_spans(annotation):
        start, end, quote = span["start"], span["end"], span["text"]
        if start >= end:
            problems.append(problem("span-invalid-range", shown, f"start {start} is not before end {end}", pointer=pointer))
            continue
        if end > length:
            problems.append(problem("span-out-of-range", shown, f"end {end} is past the end of the text ({length} code points)", pointer=pointer + "/end"))
            continue
        found = text[start:end]
        if found != quote:
            hint = None
            others = [key for key, at in covered.items() if at != pointer] if "/mentions/" in pointer else ()
            nearest = nearest_occurrence(text, quote, start, end, exclude=others)
            if nearest is not None:  # the occurrence nearest to the offsets written, not the first in the text
                hint = (f"Set start={nearest.start}, end={nearest.end}: the nearest occurrence of {_shorten(quote)!r} "
                        f"({nearest.describe(quote)}); or fix the text to {_shorten(found)!r}.")
            else:
                loose = loose_matches(text, quote, limit=1)
                if loose and loose[0].start <= end and start <= loose[0].end:
                    hint = (f"Set text to {text[loose[0].start : loose[0].end]!r} and start={loose[0].start}, end={loose[0].end}: "
                            "the document's own form of the quote.")
            problems.append(
                problem(
                    "span-text-mismatch",
                    shown,
                    f"text is {_shorten(quote)!r} but the document has {_shorten(found)!r} at [{start}:{end}]",
                    pointer=pointer + "/text",
                    hint=hint,
                )
            )
        elif found[0].isspace() or found[-1].isspace():
            edge = "starts" if found[0].isspace() else "ends"
            problems.append(
                problem(
                    "span-whitespace",
                    shown,
                    f"the span {_shorten(found)!r} {edge} on whitespace (U+{ord(found[0] if edge == 'starts' else found[-1]):04X})",
                    pointer=pointer,
                )
            )

    seen: dict[tuple[int, int], str] = {}
    for e, entity in enumerate(annotation["entities"]):
        for m, mention in enumerate(entity["mentions"]):
            key, pointer = (mention["start"], mention["end"]), f"/entities/{e}/mentions/{m}"
            if key in seen:
                problems.append(
                    problem(
                        "mention-duplicate", shown, f"mention {mention['id']!r} covers [{key[0]}:{key[1]}] like the mention at {seen[key]}", pointer=pointer
                    )
                )
            else:
                seen[key] = pointer

    for c, claim in enumerate(annotation["claims"]):
        if claim["hedged"] != bool(claim["hedge_cues"]):
            state = "true but hedge_cues is empty" if claim["hedged"] else "false but hedge_cues lists cues"
            problems.append(problem("hedge-mismatch", shown, f"claim {claim['id']!r}: hedged is {state}", pointer=f"/claims/{c}/hedged"))
        mode, source_id = claim["attribution"]["mode"], claim["source_id"]
        if (mode == "authorial") != (source_id == AUTHOR_SOURCE) or (mode == "authorial" and claim["attribution"]["cue"] is not None):
            problems.append(
                problem(
                    "attribution-mismatch",
                    shown,
                    f"claim {claim['id']!r}: mode {mode!r} with source_id {source_id!r}"
                    + (" and a cue" if mode == "authorial" and claim["attribution"]["cue"] else ""),
                    pointer=f"/claims/{c}/attribution/mode",
                )
            )
    return problems
