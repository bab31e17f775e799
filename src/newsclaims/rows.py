"""Per-document stage of the build: one validated document -> its rows in every config.

A pure function of (doc_id, text, annotation, sources): no I/O, no global state, so that it can run
in worker processes or a distributed engine over batches of documents. Labels stay strings here;
the build encodes them with the config's features (ClassLabel names come from schema/).
"""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (optionally followed by a closing quote or bracket) before whitespace,
# or at a line break. Good enough for a context window; the claim span itself is the annotation.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")
_CLOSERS = frozenset("\"'”’)]")


def sentence_start(text: str, start: int) -> int:
    """Where the sentence holding `start` begins: after the last line break, or the last . ! or ?
    (with closing quotes or brackets) followed by whitespace, before `start`. Searched backwards
    with str.rfind: a claim needs its own sentence only, not every sentence of the text."""
    length, limit = len(text), start
    while True:
        mark = max(text.rfind(".", 0, limit), text.rfind("!", 0, limit), text.rfind("?", 0, limit), text.rfind("\n", 0, limit))
        if mark < 0:
            return 0
        if text[mark] == "\n":
            return mark + 1
        end = mark + 1
        while end < length and text[end] in _CLOSERS:
            end += 1
        if end <= start and end < length and text[end].isspace():
            return end
        limit = mark


def sentence_context(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence(s) covering text[start:end], trimmed of whitespace, and where they start."""
    left = sentence_start(text, start)
    right = len(text)
    match = _SENTENCE_END.search(text, max(end - 1, left))
    if match is not None:
        right = match.start() if match.group() == "\n" else match.end()
    while left < start and text[left].isspace():
        left += 1
    right = max(right, end)
    return text[left:right], left


def document_rows(doc_id: str, text: str, annotation: dict, sources: dict[str, dict]) -> dict[str, list[dict]]:
    """Rows of the documents, entities, mentions and claims configs for one document.

    `sources` maps source id -> source record (sources.json).
    """
    metadata, info = annotation["metadata"], annotation["annotation"]
    entities, claims = annotation["entities"], annotation["claims"]  # in the file's order
    # Nested rows are the annotation's own dicts: Arrow fills absent optional fields (wikidata) with null.
    document = {
        "doc_id": doc_id,
        "schema_version": annotation["schema_version"],
        "text": text,
        "text_sha256": annotation["text_sha256"],
        **metadata,
        **{f"annotation_{name}": value for name, value in info.items()},
        "entities": entities,
        "claims": claims,
    }

    entity_rows, mention_rows = [], []
    for entity in entities:
        entity_id = f"{doc_id}:{entity['id']}"
        entity_type, entity_name = entity["type"], entity["name"]
        entity_rows.append({"id": entity_id, "doc_id": doc_id, "type": entity_type, "name": entity_name,
                            "wikidata": entity.get("wikidata"), "mention_count": len(entity["mentions"])})
        for mention in entity["mentions"]:
            mention_rows.append({"id": f"{doc_id}:{mention['id']}", "doc_id": doc_id, "entity_id": entity_id,
                                 "entity_type": entity_type, "entity_name": entity_name,
                                 "start": mention["start"], "end": mention["end"], "text": mention["text"]})

    claim_rows = []
    for claim in claims:
        source = sources[claim["source_id"]]  # validation guarantees it resolves
        attribution = claim["attribution"]
        context, context_start = sentence_context(text, claim["start"], claim["end"])
        claim_rows.append({
            **claim,  # the claim's own fields; Arrow keeps only the config's columns
            "id": f"{doc_id}:{claim['id']}",
            "doc_id": doc_id,
            "source_name": source["name"],
            "source_kind": source["kind"],
            **{f"attribution_{name}": value for name, value in attribution.items()},
            "about": [f"{doc_id}:{entity_id}" for entity_id in claim["about"]],
            "context": context,
            "context_start": context_start,
        })
    return {"documents": [document], "entities": entity_rows, "mentions": mention_rows, "claims": claim_rows}


def source_rows(sources: list[dict], field_names) -> list[dict]:
    """Rows of the sources config, sorted by id, with absent optional fields as null."""
    return [{name: source.get(name) for name in field_names} for source in sorted(sources, key=lambda s: s["id"])]
