"""Adjudication: where the readings of a document disagree, label by label, and a gold file of what they
agree on. Pure functions over the readings (annotator -> annotation dict).

Labels are compared by the spans' offsets: a mention (and its entity type), the cluster of a mention
(the other shared mentions of its entity), an entity's name and Wikidata id, a claim, and each field of
a claim every reading has (claim_type, check_worthy, hedged, source_id, attribution mode and cue, hedge
cues, what it is about, by entity name). The gold file starts from one reading (the base): it keeps the
mentions and claims every reading has, the base's values where they agree, and lists every
disagreement under `unresolved`, which validate refuses until a person has settled it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

CLAIM_FIELDS = ("claim_type", "check_worthy", "hedged", "source_id", "attribution_mode", "cue", "hedge_cues", "about")


@dataclass(frozen=True)
class Disagreement:
    label: str
    message: str
    readings: tuple[tuple[str, str | None], ...]  # (annotator, value or None: the reading has none)

    def as_item(self) -> dict:
        return {"label": self.label, "message": self.message, "readings": [{"annotator": a, "value": v} for a, v in self.readings]}


def _span(item: dict) -> tuple[int, int]:
    return item["start"], item["end"]


def _where(item: dict) -> str:
    text = item["text"] if len(item["text"]) <= 60 else item["text"][:57] + "..."
    return f"{text!r} ({item['start']}-{item['end']})"


def _mentions(annotation: dict) -> dict[tuple[int, int], tuple[dict, dict]]:
    return {_span(m): (m, e) for e in annotation["entities"] for m in e["mentions"]}


def _claim_field(annotation: dict, claim: dict, name: str) -> str:
    if name == "attribution_mode":
        return claim["attribution"]["mode"]
    if name == "cue":
        cue = claim["attribution"]["cue"]
        return "none" if cue is None else _where(cue)
    if name == "hedge_cues":
        return ", ".join(_where(c) for c in claim["hedge_cues"]) or "none"
    if name == "about":
        names = {e["id"]: e["name"] for e in annotation["entities"]}
        return ", ".join(sorted(names.get(i, i) for i in claim["about"])) or "nothing"
    value = claim[name]
    return value if isinstance(value, str) else str(value).lower()


def disagreements(readings: dict[str, dict]) -> list[Disagreement]:
    """Every label the readings do not all give the same, in text order within each layer."""
    annotators = sorted(readings)
    mentions = {a: _mentions(readings[a]) for a in annotators}
    found: list[Disagreement] = []
    spans = sorted(set().union(*(set(m) for m in mentions.values())))
    shared = [s for s in spans if all(s in mentions[a] for a in annotators)]
    for span in spans:
        values = []
        for a in annotators:
            hit = mentions[a].get(span)
            values.append((a, None if hit is None else f"{hit[1]['type']} ({hit[1]['name']})"))
        any_mention = next(mentions[a][span][0] for a in annotators if span in mentions[a])
        if span not in shared:
            found.append(Disagreement("mention", f"mention {_where(any_mention)}", tuple(values)))
        elif len({mentions[a][span][1]["type"] for a in annotators}) > 1:
            found.append(Disagreement("entity_type", f"type of the entity of {_where(any_mention)}",
                                      tuple((a, mentions[a][span][1]["type"]) for a in annotators)))
    shared_set = set(shared)
    seen_clusters = set()
    for span in shared:
        clusters = []
        for a in annotators:
            entity = mentions[a][span][1]
            clusters.append(frozenset(_span(m) for m in entity["mentions"] if _span(m) in shared_set))
        if len(set(clusters)) > 1 and frozenset(clusters) not in seen_clusters:
            seen_clusters.add(frozenset(clusters))
            mention = mentions[annotators[0]][span][0]
            texts = {a: ", ".join(mentions[annotators[0]][s][0]["text"] for s in sorted(c)) for a, c in zip(annotators, clusters)}
            found.append(Disagreement("cluster", f"the mentions in one entity with {_where(mention)}", tuple(texts.items())))
    # entity fields, for entities whose shared mentions are the same in every reading
    seen_entities = set()
    for span in shared:
        entities = [mentions[a][span][1] for a in annotators]
        key = tuple(e["id"] for e in entities)
        if key in seen_entities:
            continue
        seen_entities.add(key)
        for name in ("name", "wikidata"):
            values = tuple((a, e.get(name)) for a, e in zip(annotators, entities))
            if len({v for _, v in values}) > 1:
                found.append(Disagreement("entity_name" if name == "name" else "wikidata",
                                          f"{name} of the entity of {_where(mentions[annotators[0]][span][0])}", values))
    claims = {a: {_span(c): c for c in readings[a]["claims"]} for a in annotators}
    claim_spans = sorted(set().union(*(set(c) for c in claims.values())), key=lambda s: (s[0], -s[1]))
    for span in claim_spans:
        any_claim = next(claims[a][span] for a in annotators if span in claims[a])
        if not all(span in claims[a] for a in annotators):
            values = tuple((a, None if span not in claims[a] else f"{claims[a][span]['claim_type']} claim ({claims[a][span]['id']})")
                           for a in annotators)
            found.append(Disagreement("claim", f"claim {_where(any_claim)}", values))
            continue
        for name in CLAIM_FIELDS:
            values = tuple((a, _claim_field(readings[a], claims[a][span], name)) for a in annotators)
            if len({v for _, v in values}) > 1:
                found.append(Disagreement(name, f"{name} of claim {_where(any_claim)}", values))
    return found


def gold_of(readings: dict[str, dict], base: str | None = None) -> dict:
    """A gold file of what every reading agrees on, from the base reading (default: the first
    annotator), with every disagreement under `unresolved`."""
    annotators = sorted(readings)
    base = base or annotators[0]
    if base not in readings:
        raise KeyError(base)
    gold = copy.deepcopy(readings[base])
    every_mention = [set(_mentions(readings[a])) for a in annotators]
    every_claim = [{_span(c) for c in readings[a]["claims"]} for a in annotators]
    entities = []
    for entity in gold["entities"]:
        entity["mentions"] = [m for m in entity["mentions"] if all(_span(m) in spans for spans in every_mention)]
        if entity["mentions"]:
            entities.append(entity)
    gold["entities"] = entities
    kept = {e["id"] for e in entities}
    gold["claims"] = [c for c in gold["claims"] if all(_span(c) in spans for spans in every_claim)]
    for claim in gold["claims"]:
        claim["about"] = [i for i in claim["about"] if i in kept]
    gold["annotation"] = {**gold["annotation"], "status": "gold", "annotators": annotators}
    found = disagreements(readings)
    if found:
        gold["unresolved"] = [d.as_item() for d in found]
    else:
        gold.pop("unresolved", None)
    return gold


def format_disagreements(doc_id: str, found: list[Disagreement]) -> str:
    if not found:
        return f"{doc_id}: the readings agree on every label\n"
    lines = [f"{doc_id}: {len(found)} disagreement(s)"]
    for d in found:
        lines.append(f"  {d.label}: {d.message}")
        for annotator, value in d.readings:
            lines.append(f"      {annotator}: {'(none)' if value is None else value}")
    return "\n".join(lines) + "\n"
