"""Inter-annotator agreement of the readings of one document (corpus/annotators/<doc_id>/*.json), layer by
layer, each figure with the number of items it was measured on. Pure functions over annotation dicts.

- mentions: the four SemEval-2013 Task 9.1 modes (strict, exact, partial, ent_type) of Segura-Bedmar
  et al., counted as `nervaluate` counts them (correct, incorrect, partial, missed, spurious; the same
  greedy matching in the order of the spans), for every pair of annotators (the first of the pair as
  "true": F1 does not depend on which one is);
- entity type on the mentions both readings have with the same offsets: Cohen's kappa (and
  Krippendorff's alpha, nominal);
- entity clusters, on those shared mentions (so that mention detection does not count twice): MUC
  (Vilain et al. 1995) and B-cubed (Bagga and Baldwin 1998);
- claim spans: exact F1 and overlap F1 (claims paired one to one, the pairs of largest character
  Jaccard first; any overlap pairs);
- on the claims paired by overlap: claim_type, check_worthy, hedged, source_id and attribution mode,
  with Cohen's kappa for two annotators and Krippendorff's alpha (nominal) for any number. With more
  than two, the units are the claims of the first reading (annotators sorted), each paired with its
  overlap partner in every other reading, or missing.

A coefficient that is undefined (a single label in the data: expected agreement 1) is None, not 1.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

MODES = ("strict", "exact", "partial", "ent_type")
CLAIM_ATTRIBUTES = ("claim_type", "check_worthy", "hedged", "source_id", "attribution_mode")


# --- spans ----------------------------------------------------------------------------------------

def mentions_of(annotation: dict) -> list[dict]:
    """Every mention with its entity's id and type, sorted by offsets."""
    found = [{"start": m["start"], "end": m["end"], "text": m["text"], "type": e["type"], "entity": e["id"], "id": m["id"]}
             for e in annotation["entities"] for m in e["mentions"]]
    return sorted(found, key=lambda m: (m["start"], m["end"]))


def _overlap(true: dict, pred: dict) -> bool:
    """nervaluate's threshold of 1% of the true span, on inclusive ends as it counts them."""
    if pred["start"] > true["end"] - 1 or pred["end"] - 1 < true["start"]:
        return False
    shared = min(pred["end"], true["end"]) - max(pred["start"], true["start"])
    return shared / (true["end"] - true["start"]) * 100.0 >= 1.0


def _counts(true: list[dict], pred: list[dict], mode: str) -> Counter:
    """correct, incorrect, partial, missed, spurious of one mode: nervaluate's greedy matching, each
    predicted span in turn against the true spans not matched yet."""
    counts, matched = Counter(), set()
    for p in pred:
        hit = near = None  # the true span matched, the first overlapping one otherwise
        best = None
        for index, t in enumerate(true):
            if index in matched:
                continue
            same_span = p["start"] == t["start"] and p["end"] == t["end"]
            overlaps = _overlap(t, p)
            if mode == "ent_type":
                if overlaps and p["type"] == t["type"]:
                    distance = abs(p["start"] - t["start"]) + abs(p["end"] - t["end"])
                    if best is None or distance < best:
                        hit, best = index, distance
                elif overlaps and near is None:
                    near = index
                continue
            if same_span and (mode != "strict" or p["type"] == t["type"]):
                hit = index
                break
            if overlaps and near is None:
                near = index
        if hit is not None:
            counts["correct"] += 1
            matched.add(hit)
        elif near is not None:
            counts["partial" if mode == "partial" else "incorrect"] += 1
            matched.add(near)
        else:
            counts["spurious"] += 1
    counts["missed"] += len(true) - len(matched)
    return counts


def scores(counts: Counter, partial_or_type: bool) -> dict:
    """precision, recall, F1 from counts, as SemEval-2013 9.1 (partial matches count a half in
    the partial and ent_type modes)."""
    correct, incorrect, partial = counts["correct"], counts["incorrect"], counts["partial"]
    actual = correct + incorrect + partial + counts["spurious"]
    possible = correct + incorrect + partial + counts["missed"]
    hits = correct + 0.5 * partial if partial_or_type else correct
    precision = hits / actual if actual else 0.0
    recall = hits / possible if possible else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            **{kind: counts[kind] for kind in ("correct", "incorrect", "partial", "missed", "spurious")}}


def mention_agreement(true: list[dict], pred: list[dict]) -> dict[str, Counter]:
    return {mode: _counts(true, pred, mode) for mode in MODES}


# --- coefficients ---------------------------------------------------------------------------------

def cohen_kappa(first: list, second: list) -> float | None:
    """Cohen's kappa of two annotators' labels of the same items; None when undefined."""
    n = len(first)
    if n == 0 or n != len(second):
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    left, right = Counter(first), Counter(second)
    expected = sum(left[label] * right[label] for label in left) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def krippendorff_alpha(units: list[list]) -> float | None:
    """Krippendorff's alpha, nominal, over units (each: the values of every annotator, None when the
    annotator gave none). Units with fewer than two values are not pairable and are left out."""
    coincidences: Counter = Counter()
    for unit in units:
        values = [value for value in unit if value is not None]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidences[(a, b)] += 1 / (m - 1)
    totals: Counter = Counter()
    for (a, _), weight in coincidences.items():
        totals[a] += weight
    n = sum(totals.values())
    if n == 0:
        return None
    disagree_observed = sum(weight for (a, b), weight in coincidences.items() if a != b)
    disagree_expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n - 1)
    if disagree_expected == 0:
        return None
    return 1 - disagree_observed / disagree_expected


# --- clusters ---------------------------------------------------------------------------------------

def _clusters(mentions: list[dict], keep: set) -> list[set]:
    by_entity: dict[str, set] = {}
    for m in mentions:
        span = (m["start"], m["end"])
        if span in keep:
            by_entity.setdefault(m["entity"], set()).add(span)
    return list(by_entity.values())


def muc(key: list[set], response: list[set]) -> dict:
    """MUC link-based precision, recall, F1 (Vilain et al. 1995) over the same mentions."""
    def recall(gold: list[set], other: list[set]) -> tuple[int, int]:
        where = {span: index for index, cluster in enumerate(other) for span in cluster}
        numerator = denominator = 0
        for cluster in gold:
            parts = {where.get(span, ("alone", span)) for span in cluster}
            numerator += len(cluster) - len(parts)
            denominator += len(cluster) - 1
        return numerator, denominator

    r_num, r_den = recall(key, response)
    p_num, p_den = recall(response, key)
    return _prf(p_num / p_den if p_den else 0.0, r_num / r_den if r_den else 0.0, links=r_den)


def b_cubed(key: list[set], response: list[set]) -> dict:
    """B-cubed precision, recall, F1 (Bagga and Baldwin 1998), every mention weighted equally."""
    key_of = {span: cluster for cluster in key for span in cluster}
    response_of = {span: cluster for cluster in response for span in cluster}
    spans = sorted(key_of)
    if not spans:
        return _prf(0.0, 0.0)
    precision = sum(len(key_of[s] & response_of[s]) / len(response_of[s]) for s in spans) / len(spans)
    recall = sum(len(key_of[s] & response_of[s]) / len(key_of[s]) for s in spans) / len(spans)
    return _prf(precision, recall)


def _prf(precision: float, recall: float, **extra) -> dict:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, **extra}


# --- claims -----------------------------------------------------------------------------------------

def claim_pairs(first: list[dict], second: list[dict]) -> list[tuple[int, int]]:
    """Claims paired one to one by overlap: the pairs of largest character Jaccard first (ties by
    position), any overlap pairs. Indices into first and second, sorted."""
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            shared = min(a["end"], b["end"]) - max(a["start"], b["start"])
            if shared > 0:
                union = max(a["end"], b["end"]) - min(a["start"], b["start"])
                candidates.append((-shared / union, i, j))
    used_first, used_second, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def claim_value(claim: dict, attribute: str):
    return claim["attribution"]["mode"] if attribute == "attribution_mode" else claim[attribute]


def _sorted_claims(annotation: dict) -> list[dict]:
    return sorted(annotation["claims"], key=lambda c: (c["start"], -c["end"]))


# --- one document -------------------------------------------------------------------------------

def document_agreement(doc_id: str, readings: dict[str, dict], quoted_by_guideline: bool = False) -> dict:
    """Every layer's agreement among the readings (annotator -> annotation) of one document, with the
    raw material of the pooled figures (counts and label lists) under "pooled"."""
    annotators = sorted(readings)
    pairs = list(combinations(annotators, 2))
    mention_counts = {mode: Counter() for mode in MODES}
    type_pairs: list[tuple[list, list]] = []
    cluster = {"muc": [], "b_cubed": []}
    claim_exact = Counter()
    claim_overlap = Counter()
    attribute_pairs = {attribute: ([], []) for attribute in CLAIM_ATTRIBUTES}
    per_pair = []
    shared_total = 0
    for a, b in pairs:
        first, second = mentions_of(readings[a]), mentions_of(readings[b])
        counts = mention_agreement(first, second)
        for mode in MODES:
            mention_counts[mode].update(counts[mode])
        spans_b = {(m["start"], m["end"]): m for m in second}
        shared = [(m, spans_b[(m["start"], m["end"])]) for m in first if (m["start"], m["end"]) in spans_b]
        shared_total += len(shared)
        type_pairs.append(([m["type"] for m, _ in shared], [n["type"] for _, n in shared]))
        keep = {(m["start"], m["end"]) for m, _ in shared}
        key, response = _clusters(first, keep), _clusters(second, keep)
        cluster["muc"].append(muc(key, response))
        cluster["b_cubed"].append(b_cubed(key, response))
        claims_a, claims_b = _sorted_claims(readings[a]), _sorted_claims(readings[b])
        exact = {(c["start"], c["end"]) for c in claims_a} & {(c["start"], c["end"]) for c in claims_b}
        claim_exact.update(matched=len(exact), first=len(claims_a), second=len(claims_b))
        matched = claim_pairs(claims_a, claims_b)
        claim_overlap.update(matched=len(matched), first=len(claims_a), second=len(claims_b))
        for attribute in CLAIM_ATTRIBUTES:
            attribute_pairs[attribute][0].extend(claim_value(claims_a[i], attribute) for i, _ in matched)
            attribute_pairs[attribute][1].extend(claim_value(claims_b[j], attribute) for _, j in matched)
        per_pair.append({"annotators": [a, b], "mentions": {mode: scores(counts[mode], mode in ("partial", "ent_type")) for mode in MODES},
                         "mentions_shared": len(shared), "claims_paired": len(matched)})

    units = _attribute_units(readings, annotators)
    result = {
        "doc_id": doc_id,
        "annotators": annotators,
        "statuses": {a: readings[a]["annotation"]["status"] for a in annotators},
        "quoted_by_guideline": quoted_by_guideline,
        "mentions": {"items": sum(len(mentions_of(readings[a])) for a in annotators),
                     **{mode: scores(mention_counts[mode], mode in ("partial", "ent_type")) for mode in MODES}},
        "entity_type": _labels_agreement(type_pairs, [[m, n] for firsts, seconds in type_pairs for m, n in zip(firsts, seconds)], len(annotators) == 2),
        "clusters": {"items": shared_total, "muc": _mean(cluster["muc"]), "b_cubed": _mean(cluster["b_cubed"])},
        "claims": {"items": sum(len(readings[a]["claims"]) for a in annotators),
                   "exact": _claim_scores(claim_exact), "overlap": _claim_scores(claim_overlap)},
        "claim_attributes": {attribute: _labels_agreement([attribute_pairs[attribute]], units[attribute], len(annotators) == 2)
                             for attribute in CLAIM_ATTRIBUTES},
        "pairs": per_pair,
        "pooled": {"mention_counts": {mode: dict(mention_counts[mode]) for mode in MODES},
                   "entity_type": type_pairs, "claims_exact": dict(claim_exact), "claims_overlap": dict(claim_overlap),
                   "claim_attributes": {attribute: [list(attribute_pairs[attribute][0]), list(attribute_pairs[attribute][1])]
                                        for attribute in CLAIM_ATTRIBUTES},
                   "clusters": cluster},
    }
    return result


def _attribute_units(readings: dict[str, dict], annotators: list[str]) -> dict[str, list[list]]:
    """Krippendorff's units: the claims of the first reading, each with its overlap partner's value in
    every other reading (None: no partner)."""
    reference = _sorted_claims(readings[annotators[0]])
    partners = []
    for other in annotators[1:]:
        claims = _sorted_claims(readings[other])
        partner_of = dict(claim_pairs(reference, claims))
        partners.append((claims, partner_of))
    units = {attribute: [] for attribute in CLAIM_ATTRIBUTES}
    for index, claim in enumerate(reference):
        for attribute in CLAIM_ATTRIBUTES:
            unit = [claim_value(claim, attribute)]
            for claims, partner_of in partners:
                unit.append(claim_value(claims[partner_of[index]], attribute) if index in partner_of else None)
            units[attribute].append(unit)
    return units


def _labels_agreement(pairs: list[tuple[list, list]], units: list[list], with_kappa: bool) -> dict:
    firsts = [label for first, _ in pairs for label in first]
    seconds = [label for _, second in pairs for label in second]
    items = len(firsts)
    result = {"items": items, "observed": (sum(a == b for a, b in zip(firsts, seconds)) / items) if items else None}
    if with_kappa:
        result["cohen_kappa"] = cohen_kappa([_key(v) for v in firsts], [_key(v) for v in seconds])
    result["krippendorff_alpha"] = krippendorff_alpha([[_key(v) if v is not None else None for v in unit] for unit in units])
    return result


def _key(value):
    """Labels compared as strings (booleans included), so that a coefficient never mixes types."""
    return value if isinstance(value, str) else str(value).lower()


def _claim_scores(counts: Counter) -> dict:
    precision = counts["matched"] / counts["second"] if counts["second"] else 0.0
    recall = counts["matched"] / counts["first"] if counts["first"] else 0.0
    return _prf(precision, recall, matched=counts["matched"])


def _mean(figures: list[dict]) -> dict:
    if not figures:
        return _prf(0.0, 0.0)
    precision = sum(f["precision"] for f in figures) / len(figures)
    recall = sum(f["recall"] for f in figures) / len(figures)
    return _prf(precision, recall)


# --- the corpus -----------------------------------------------------------------------------------

def corpus_agreement(documents: list[dict]) -> dict:
    """Pooled over the documents with two readings or more: counts summed (F1 from the sums),
    labels concatenated (kappa of two annotators: only when every document has exactly two)."""
    mention_counts = {mode: Counter() for mode in MODES}
    claim_exact, claim_overlap = Counter(), Counter()
    type_pairs: list[tuple[list, list]] = []
    attributes = {attribute: ([], []) for attribute in CLAIM_ATTRIBUTES}
    two = all(len(d["annotators"]) == 2 for d in documents)
    for document in documents:
        pooled = document["pooled"]
        for mode in MODES:
            mention_counts[mode].update(pooled["mention_counts"][mode])
        claim_exact.update(pooled["claims_exact"])
        claim_overlap.update(pooled["claims_overlap"])
        type_pairs += [tuple(pair) for pair in pooled["entity_type"]]
        for attribute in CLAIM_ATTRIBUTES:
            attributes[attribute][0].extend(pooled["claim_attributes"][attribute][0])
            attributes[attribute][1].extend(pooled["claim_attributes"][attribute][1])
    def pairwise(pairs):
        return _labels_agreement(pairs, [[a, b] for first, second in pairs for a, b in zip(first, second)], two)
    return {
        "documents": len(documents),
        "mentions": {mode: scores(mention_counts[mode], mode in ("partial", "ent_type")) for mode in MODES},
        "entity_type": pairwise(type_pairs),
        "claims": {"exact": _claim_scores(claim_exact), "overlap": _claim_scores(claim_overlap)},
        "claim_attributes": {attribute: pairwise([attributes[attribute]]) for attribute in CLAIM_ATTRIBUTES},
    }


def public(document: dict) -> dict:
    """A document's figures without the raw material of pooling."""
    return {key: value for key, value in document.items() if key != "pooled"}


def report(documents: list[dict], single: list[str]) -> dict:
    """data/agreement.json: the corpus figures, every document's, and the documents with one reading."""
    return {"corpus": corpus_agreement(documents), "documents": [public(d) for d in documents],
            "single_reading": sorted(single)}


# --- the card ---------------------------------------------------------------------------------------

def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def card_lines(agreement: dict) -> list[str]:
    """The card's section on agreement: a row per document, with its warning when the guideline
    quotes the document (its examples were taken from it, so agreement there overstates it)."""
    documents = agreement["documents"]
    if not documents:
        return []
    lines = ["## Inter-annotator agreement", "",
             ("Measured on the annotators' own readings (the `raw_annotations` config; every figure in `agreement.json`, "
             "with its item count), before adjudication: mentions by the SemEval-2013 9.1 modes, entity type on mentions "
             "with the same offsets, clusters on those mentions (MUC, B³), claim spans (exact and overlap F1), and claim "
             "labels on the claims paired by overlap (Cohen's κ for two annotators, Krippendorff's α)."), "",
             "| document | annotators | mentions strict F1 | partial F1 | entity type κ | clusters MUC / B³ F1 | claims exact / overlap F1 "
             "| claim_type κ | check_worthy κ | hedged κ | source κ |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for d in documents:
        attributes = d["claim_attributes"]
        def kappa(figure):
            return _number(figure.get("cohen_kappa", figure["krippendorff_alpha"]))
        readers = ", ".join(f"{a} ({d['statuses'][a]})" for a in d["annotators"])
        lines.append(
            f"| `{d['doc_id']}` | {readers} "
            f"| {_number(d['mentions']['strict']['f1'])} ({d['mentions']['items']} mentions) | {_number(d['mentions']['partial']['f1'])} "
            f"| {kappa(d['entity_type'])} ({d['entity_type']['items']}) "
            f"| {_number(d['clusters']['muc']['f1'])} / {_number(d['clusters']['b_cubed']['f1'])} ({d['clusters']['items']}) "
            f"| {_number(d['claims']['exact']['f1'])} / {_number(d['claims']['overlap']['f1'])} ({d['claims']['items']} claims) "
            f"| {kappa(attributes['claim_type'])} ({attributes['claim_type']['items']}) | {kappa(attributes['check_worthy'])} "
            f"| {kappa(attributes['hedged'])} | {kappa(attributes['source_id'])} |")
    lines.append("")
    for d in documents:
        if d["quoted_by_guideline"]:
            lines.append(f"- `{d['doc_id']}`: corpus/GUIDELINES.md takes its examples (types, Wikidata ids, demonyms, claim "
                         "spans) from this very document, so agreement on it overstates the agreement the guideline "
                         "achieves on a document it does not quote.")
    if any(status == "machine" for d in documents for status in d["statuses"].values()):
        lines.append("- A reading of status `machine` was made by a model, not a person.")
    if agreement.get("single_reading"):
        lines.append(f"- {len(agreement['single_reading'])} document(s) have one reading only: no agreement is measured on them.")
    lines.append("")
    return lines


# --- text for people --------------------------------------------------------------------------------

def format_report(agreement: dict) -> str:
    """The report as text: a block per document, then the pooled figures."""
    out = []
    for d in agreement["documents"]:
        out.append(f"{d['doc_id']}: " + ", ".join(f"{a} ({d['statuses'][a]})" for a in d["annotators"]))
        out += _figure_lines(d)
        if d["quoted_by_guideline"]:
            out.append("  note: GUIDELINES.md takes its examples from this document: agreement here overstates it")
    if len(agreement["documents"]) > 1:
        out.append(f"corpus ({agreement['corpus']['documents']} documents, pooled):")
        out += _figure_lines(agreement["corpus"])
    if agreement["single_reading"]:
        out.append(f"one reading only (not measured): {', '.join(agreement['single_reading'])}")
    if not out:
        out.append("no document has two readings (corpus/annotators/<doc_id>/<annotator>.json)")
    return "\n".join(out) + "\n"


def _figure_lines(d: dict) -> list[str]:
    mentions = d["mentions"]
    lines = ["  mentions" + (f" ({mentions['items']} in all readings)" if "items" in mentions else "") + ": "
             + ", ".join(f"{mode} F1 {_number(mentions[mode]['f1'])}" for mode in MODES)]
    lines.append(f"  entity type on {d['entity_type']['items']} shared mentions: {_coefficients(d['entity_type'])}")
    if "clusters" in d:
        lines.append(f"  clusters on {d['clusters']['items']} shared mentions: MUC F1 {_number(d['clusters']['muc']['f1'])}, "
                     f"B3 F1 {_number(d['clusters']['b_cubed']['f1'])}")
    claims = d["claims"]
    lines.append("  claims" + (f" ({claims['items']} in all readings)" if "items" in claims else "")
                 + f": exact F1 {_number(claims['exact']['f1'])}, overlap F1 {_number(claims['overlap']['f1'])} "
                 f"({claims['overlap']['matched']} paired)")
    for attribute in CLAIM_ATTRIBUTES:
        figure = d["claim_attributes"][attribute]
        lines.append(f"    {attribute} on {figure['items']} paired claims: {_coefficients(figure)}")
    return lines


def _coefficients(figure: dict) -> str:
    parts = [f"observed {_number(figure['observed'])}"]
    if "cohen_kappa" in figure:
        parts.append(f"kappa {_number(figure['cohen_kappa'])}")
    parts.append(f"alpha {_number(figure['krippendorff_alpha'])}")
    return ", ".join(parts)
