"""Levels 3 and 4: references (ids and links) and content (labels against the text).

Both work on an annotation that passed the schema level, so fields exist and have the right types.
They are independent of each other, so both run and all their problems are reported in one pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from .parse import compiled, shown_path
from .problems import Problem, problem

AUTHOR_SOURCE = "author"


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


def check_references(annotation: dict, path, file_stem: str | None, source_ids: set[str] | None) -> list[Problem]:
    """Ids unique, `about` and source ids resolve, file name equals doc_id.

    source_ids is None when sources.json itself is invalid: source links are then not checked here
    (sources.json's own problems are reported on it).
    """
    shown, problems = shown_path(path), []
    doc_id = annotation["doc_id"]
    if file_stem is not None and file_stem != doc_id:
        problems.append(problem("doc-id-mismatch", shown, f"the file is named {file_stem!r} but its doc_id is {doc_id!r}", pointer="/doc_id",
                                hint=f"Rename the file to {doc_id}.json, or set doc_id to {file_stem!r}."))

    seen: dict[str, str] = {}
    def check_id(local_id: str, pointer: str) -> None:
        if local_id in seen:
            problems.append(problem("duplicate-id", shown, f"id {local_id!r} is used twice (first at {seen[local_id]})", pointer=pointer + "/id"))
        else:
            seen[local_id] = pointer

    for e, entity in enumerate(annotation["entities"]):
        check_id(entity["id"], f"/entities/{e}")
        for m, mention in enumerate(entity["mentions"]):
            check_id(mention["id"], f"/entities/{e}/mentions/{m}")
    for c, claim in enumerate(annotation["claims"]):
        check_id(claim["id"], f"/claims/{c}")

    entity_ids = {entity["id"] for entity in annotation["entities"]}
    for c, claim in enumerate(annotation["claims"]):
        for a, entity_id in enumerate(claim["about"]):
            if entity_id not in entity_ids:
                problems.append(problem("unknown-entity", shown, f"claim {claim['id']!r} is about {entity_id!r}, which no entity of this file has as id", pointer=f"/claims/{c}/about/{a}"))

    if source_ids is not None:
        def check_source(source_id: str | None, pointer: str) -> None:
            if source_id is not None and source_id not in source_ids:
                problems.append(problem("unknown-source", shown, f"source {source_id!r} is not in corpus/sources.json", pointer=pointer))

        metadata = annotation["metadata"]
        check_source(metadata["publisher_source_id"], "/metadata/publisher_source_id")
        for a, source_id in enumerate(metadata["author_source_ids"]):
            check_source(source_id, f"/metadata/author_source_ids/{a}")
        for c, claim in enumerate(annotation["claims"]):
            check_source(claim["source_id"], f"/claims/{c}/source_id")
    return problems


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def check_content(annotation: dict, path, text: str, text_bytes: bytes) -> list[Problem]:
    """Offsets are ints, text_sha256, spans in range and equal to the text, no whitespace at span
    edges, label coherence."""
    shown = shown_path(path)
    # JSON Schema counts 6.0 as an integer; offsets must be written as integers to be used as indices.
    decimals = [problem("schema-type", shown, f"{span[field]!r} is a decimal number; offsets are integers", pointer=f"{pointer}/{field}")
                for pointer, span in iter_spans(annotation) for field in ("start", "end") if type(span[field]) is not int]
    if decimals:
        return decimals
    problems = []
    digest = hashlib.sha256(text_bytes).hexdigest()
    if annotation["text_sha256"] != digest:
        problems.append(problem("text-sha256-mismatch", shown, f"text_sha256 is {annotation['text_sha256']} but the text's sha256 is {digest}", pointer="/text_sha256"))

    length = len(text)
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
            at = text.find(quote)
            if at >= 0:
                hint = f"The text {quote!r} occurs at start={at}, end={at + len(quote)}; or fix the text to {found!r}."
            problems.append(problem("span-text-mismatch", shown, f"text is {_shorten(quote)!r} but the document has {_shorten(found)!r} at [{start}:{end}]", pointer=pointer + "/text", hint=hint))
        elif found[0].isspace() or found[-1].isspace():
            edge = "starts" if found[0].isspace() else "ends"
            problems.append(problem("span-whitespace", shown, f"the span {_shorten(found)!r} {edge} on whitespace (U+{ord(found[0] if edge == 'starts' else found[-1]):04X})", pointer=pointer))

    seen: dict[tuple[int, int], str] = {}
    for e, entity in enumerate(annotation["entities"]):
        for m, mention in enumerate(entity["mentions"]):
            key, pointer = (mention["start"], mention["end"]), f"/entities/{e}/mentions/{m}"
            if key in seen:
                problems.append(problem("mention-duplicate", shown, f"mention {mention['id']!r} covers [{key[0]}:{key[1]}] like the mention at {seen[key]}", pointer=pointer))
            else:
                seen[key] = pointer

    for c, claim in enumerate(annotation["claims"]):
        if claim["hedged"] != bool(claim["hedge_cues"]):
            state = "true but hedge_cues is empty" if claim["hedged"] else "false but hedge_cues lists cues"
            problems.append(problem("hedge-mismatch", shown, f"claim {claim['id']!r}: hedged is {state}", pointer=f"/claims/{c}/hedged"))
        mode, source_id = claim["attribution"]["mode"], claim["source_id"]
        if (mode == "authorial") != (source_id == AUTHOR_SOURCE) or (mode == "authorial" and claim["attribution"]["cue"] is not None):
            problems.append(problem("attribution-mismatch", shown, f"claim {claim['id']!r}: mode {mode!r} with source_id {source_id!r}" + (" and a cue" if mode == "authorial" and claim["attribution"]["cue"] else ""), pointer=f"/claims/{c}/attribution/mode"))
    return problems


# --- the fast path: a yes/no answer for the common case of a valid file ------------------------------
# The checks above build a JSON pointer for every span and id they look at. document_ok looks at the
# same things without building anything, in one pass, so that a valid file costs little; when it says
# no, the checks above go on to find and describe every problem. The pass is in C when the package was
# built with its C speed-ups (_fastcheck.c), else python_spans_and_links_ok below, the reference.

def document_ok(annotation: dict, file_stem: str | None, source_ids: set[str] | None, text: str, text_bytes: bytes) -> bool:
    """True when check_references and check_content would both find nothing, and every offset is an
    int (not 6.0). source_ids None: source links are not checked (as in check_references)."""
    if annotation["text_sha256"] != hashlib.sha256(text_bytes).hexdigest():
        return False
    return spans_and_links_ok(annotation, file_stem, source_ids, text)


def python_spans_and_links_ok(annotation: dict, file_stem: str | None, source_ids: set[str] | None, text: str) -> bool:
    """document_ok without text_sha256. (Plain loops: map/itemgetter versions of the same checks were
    measured slower on Python 3.11.)"""
    try:
        return _spans_and_links_ok(annotation, file_stem, source_ids, text)
    except TypeError:  # an offset written 6.0, which cannot slice the text
        return False


def _spans_and_links_ok(annotation: dict, file_stem: str | None, source_ids: set[str] | None, text: str) -> bool:
    if file_stem is not None and file_stem != annotation["doc_id"]:
        return False
    entities = annotation["entities"]
    ids = set()  # every entity, mention and claim id: unique when the set is as long as they are many
    mentions = []
    for entity in entities:
        ids.add(entity["id"])
        mentions += entity["mentions"]
    entity_ids = frozenset(ids)
    # A span is checked by `end > length or text[start:end] != quote`: the schema has made offsets
    # >= 0 and quotes non-empty, so an empty or reversed range gives "" and fails too. strip() returns
    # the string itself when there is no whitespace at its edges (if it ever copied, the exact check
    # would run and find nothing: slower, never wrong).
    length = len(text)
    covered = set()
    for mention in mentions:
        start, end, quote = mention["start"], mention["end"], mention["text"]
        if end > length or text[start:end] != quote or quote.strip() is not quote:
            return False
        ids.add(mention["id"])
        covered.add((start, end))
    if len(covered) != len(mentions):  # two mentions of one stretch of text
        return False
    claims = annotation["claims"]
    spans = []  # the claims' spans, checked once the claims are
    used_sources = set()
    for claim in claims:
        ids.add(claim["id"])
        spans.append(claim)
        attribution = claim["attribution"]
        cue, source_span, hedge_cues = attribution["cue"], attribution["source_span"], claim["hedge_cues"]
        if cue is not None:
            spans.append(cue)
        if source_span is not None:
            spans.append(source_span)
        if hedge_cues:
            spans += hedge_cues
        if not entity_ids.issuperset(claim["about"]):
            return False
        source_id, authorial = claim["source_id"], attribution["mode"] == "authorial"
        used_sources.add(source_id)
        if claim["hedged"] != bool(hedge_cues) or authorial != (source_id == AUTHOR_SOURCE) or (authorial and cue is not None):
            return False
    if len(ids) != len(entities) + len(mentions) + len(claims):
        return False
    for span in spans:  # the mentions' span test, written out again: a call per span would cost more than the test
        start, end, quote = span["start"], span["end"], span["text"]
        if end > length or text[start:end] != quote or quote.strip() is not quote:
            return False
    if source_ids is not None:
        metadata = annotation["metadata"]
        used_sources.update(metadata["author_source_ids"])
        if metadata["publisher_source_id"] is not None:
            used_sources.add(metadata["publisher_source_id"])
        if not source_ids.issuperset(used_sources):
            return False
    return True


spans_and_links_ok = compiled.spans_and_links_ok if compiled is not None else python_spans_and_links_ok
