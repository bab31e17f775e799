"""Level 4, the guideline: the mechanical rules of corpus/GUIDELINES.md that the span and reference checks
do not already cover (final punctuation, possessives, overlapping mentions, orders, questions, crossing
claims, check-worthiness, hedge cues, `about`, quotation marks of quoted claims).

It runs on every annotation whose spans are valid, after the fast path too (the fast path answers for
levels 3 and 4 as they were before these rules), and costs a few loops over the spans. The list of the
guideline's rules, each with its code or the reason it is not checked, is problems/rules.py.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import replace

from ..problems.record import Problem, problem, shown_path
from .level3_references import AUTHOR_SOURCE, entity_number

# the codes of this module: problems/rules.py names each, tests/validation/test_guideline_rules.py keeps them in step
GUIDELINE_CODES = ("span-final-punctuation", "mention-possessive", "mention-overlap", "mention-order", "claim-question",
                   "claim-overlap", "check-worthy-mismatch", "attribution-mismatch", "hedge-cue-outside", "hedge-cue-certainty",
                   "about-order", "about-missing-entity", "attribution-quote-marks")

FINAL_PUNCTUATION = ".!?"
POSSESSIVES = ("\u2019s", "'s")
CLOSERS = "\"'\u2019\u201d)]\u00bb"  # what may stand between a claim and its sentence's '?'
QUOTATION_MARKS = "\"\u201c\u201d\u201e\u00ab\u00bb"
CERTAINTY_MARKERS = ("clearly", "of course", "would", "would be able")  # "are not hedges" (section 3, Hedging)
BETWEEN_ADJACENT = " \t\n\u00a0,;:\u2014\u2013-()"  # a cue "next to" its claim: only these between them


def _trimmed(span: dict, text: str) -> tuple[int, str] | None:
    """(end, text) of the span without its final punctuation (and the spaces before it), None when nothing is left."""
    end = span["end"] - 1
    while end > span["start"] and text[end - 1] in FINAL_PUNCTUATION + " \t\n\u00a0":
        end -= 1
    return (end, text[span["start"]:end]) if end > span["start"] else None


def check_guideline(annotation: dict, text: str, path) -> list[Problem]:
    """The guideline's mechanical rules, for an annotation whose spans are valid (checked by level 4)."""
    problems: list[Problem] = []
    add, shown = problems.append, ""  # the path is shown (a cost) only when there is a problem, at the end
    mentions = []  # (start, end, entity index, mention index)
    for e, entity in enumerate(annotation["entities"]):
        starts = []
        for m, mention in enumerate(entity["mentions"]):
            mentions.append((mention["start"], mention["end"], e, m))
            starts.append(mention["start"])
            if mention["text"].endswith(POSSESSIVES) and len(mention["text"]) > 2:
                end = mention["end"] - 2
                add(problem("mention-possessive", shown, f"mention {mention['id']!r} {mention['text']!r} ends on a possessive 's",
                            pointer=f"/entities/{e}/mentions/{m}",
                            hint=f'Set "end": {end}, "text": {_json(text[mention["start"]:end])} (a possessive \'s is not part of a mention).'))
        if starts != sorted(starts):
            add(problem("mention-order", shown, f"the mentions of entity {entity['id']!r} are not in reading order", pointer=f"/entities/{e}/mentions",
                        hint="Sort the mentions by start (ids stay as they are), or run `newsclaims validate --fix`."))
    mentions.sort()
    for (s1, e1, ea, ma), (s2, e2, eb, mb) in zip(mentions, mentions[1:]):
        if s2 < e1 and (s1, e1) != (s2, e2):  # the same offsets twice: mention-duplicate (level 4)
            first = annotation["entities"][ea]["mentions"][ma]
            second = annotation["entities"][eb]["mentions"][mb]
            add(problem("mention-overlap", shown, f"mention {second['id']!r} {second['text']!r} [{s2}:{e2}] overlaps mention "
                        f"{first['id']!r} {first['text']!r} [{s1}:{e1}]",
                        pointer=f"/entities/{eb}/mentions/{mb}",
                        hint="Keep the longest name as one mention and delete the other (the parts of a name are not labelled again); "
                             "two names side by side are two mentions that do not overlap."))
    mention_starts = [m[0] for m in mentions]
    entity_ids = [entity["id"] for entity in annotation["entities"]]

    claims = annotation["claims"]
    for c, claim in enumerate(claims):
        pointer, start, end = f"/claims/{c}", claim["start"], claim["end"]
        spans = [(pointer, claim)] + [(f"{pointer}/attribution/{field}", claim["attribution"][field]) for field in ("cue", "source_span")
                                      if claim["attribution"][field] is not None]
        spans += [(f"{pointer}/hedge_cues/{h}", cue) for h, cue in enumerate(claim["hedge_cues"])]
        for where, span in spans:
            if span["text"][-1] in FINAL_PUNCTUATION and (span["end"] == len(text) or not text[span["end"]].isalnum()):
                trimmed = _trimmed(span, text)
                hint = f'Set "end": {trimmed[0]}, "text": {_json(trimmed[1])} (a span leaves out the sentence\'s final punctuation).' if trimmed else None
                add(problem("span-final-punctuation", shown, f"the span {_short(span['text'])!r} ends on its sentence's final punctuation {span['text'][-1]!r}",
                            pointer=where, hint=hint))
        after = end
        while after < len(text) and text[after] in CLOSERS:
            after += 1
        if after < len(text) and text[after] == "?" or claim["text"].endswith("?"):
            add(problem("claim-question", shown, f"claim {claim['id']!r} {_short(claim['text'])!r} is a question", pointer=pointer,
                        hint="Delete the claim (questions are not claims), or annotate the answer the text gives as the claim."))
        if claim["check_worthy"] and claim["claim_type"] != "factual":
            add(problem("check-worthy-mismatch", shown, f"claim {claim['id']!r} is {claim['claim_type']!r} and check_worthy", pointer=f"{pointer}/check_worthy",
                        hint='Set "check_worthy": false (opinions and predictions are never check-worthy), or fix claim_type.'))
        attribution = claim["attribution"]
        if attribution["mode"] == "authorial" and claim["source_id"] == AUTHOR_SOURCE and attribution["cue"] is None and attribution["source_span"] is not None:
            add(problem("attribution-mismatch", shown, f"claim {claim['id']!r}: mode 'authorial' with a source_span",
                        pointer=f"{pointer}/attribution/source_span",
                        hint='Set "source_span": null (an authorial claim names no source), or set mode and source_id to the source the span names.'))
        if attribution["mode"] == "direct_quote" and not _quoted(text, start, end):
            add(problem("attribution-quote-marks", shown, f"claim {claim['id']!r} is a direct_quote but its span is not inside quotation marks",
                        pointer=f"{pointer}/attribution/mode",
                        hint="Use mode 'indirect' for a paraphrase, or 'mixed' when only a fragment is quoted; "
                             "a direct_quote span is the words between the quotation marks."))
        elif attribution["mode"] == "mixed" and not any(mark in claim["text"] for mark in QUOTATION_MARKS):
            add(problem("attribution-quote-marks", shown, f"claim {claim['id']!r} is mixed but its span holds no quotation mark",
                        pointer=f"{pointer}/attribution/mode",
                        hint="Use mode 'indirect' for a paraphrase without a quoted fragment; 'mixed' is a paraphrase that contains one."))
        for h, cue in enumerate(claim["hedge_cues"]):
            if cue["text"].casefold() in CERTAINTY_MARKERS:
                add(problem("hedge-cue-certainty", shown, f"hedge cue {cue['text']!r} of claim {claim['id']!r} is a certainty marker "
                            "or the conditional of an expectation",
                            pointer=f"{pointer}/hedge_cues/{h}",
                            hint="Remove the cue (and set hedged to false if no cue is left): certainty markers are not hedges."))
            elif not (start <= cue["start"] and cue["end"] <= end) and not _adjacent(text, cue, start, end):
                add(problem("hedge-cue-outside", shown, f"hedge cue {cue['text']!r} [{cue['start']}:{cue['end']}] is not inside claim "
                            f"{claim['id']!r} [{start}:{end}] nor next to it", pointer=f"{pointer}/hedge_cues/{h}",
                            hint="Give the cue the offsets of the marker inside the claim (its own occurrence), or remove it from this claim."))
        about = claim["about"]
        if about != sorted(about, key=entity_number):
            add(problem("about-order", shown, f"claim {claim['id']!r}: about is not in entity id order", pointer=f"{pointer}/about",
                        hint=f'Set "about": {_json_list(sorted(about, key=entity_number))}, or run `newsclaims validate --fix`.'))
        inside = mentions[bisect.bisect_left(mention_starts, start):bisect.bisect_left(mention_starts, end)]
        missing = sorted({entity_ids[e] for s, m_end, e, _ in inside if m_end <= end} - set(about), key=entity_number)
        if missing:
            named = ", ".join(f"{i} ({annotation['entities'][entity_ids.index(i)]['name']})" for i in missing)
            add(problem("about-missing-entity", shown, f"claim {claim['id']!r} holds a mention of {named}, which about does not list",
                        pointer=f"{pointer}/about",
                        hint=f'Set "about": {_json_list(sorted(set(about) | set(missing), key=entity_number))} '
                             "(every entity with a mention inside the claim)."))

    ordered = sorted(range(len(claims)), key=lambda i: (claims[i]["start"], -claims[i]["end"]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if claims[b]["start"] >= claims[a]["end"]:
                break
            if claims[b]["end"] > claims[a]["end"]:  # starts inside a, ends after it: neither holds the other
                add(problem("claim-overlap", shown, f"claims {claims[a]['id']!r} [{claims[a]['start']}:{claims[a]['end']}] and {claims[b]['id']!r} "
                            f"[{claims[b]['start']}:{claims[b]['end']}] overlap and neither holds the other", pointer=f"/claims/{b}",
                            hint="Make one claim hold the other (nested claims) or end one before the other starts."))
    if problems:
        shown = shown_path(path)
        problems = [replace(found, file=shown) for found in problems]
    return problems


def _quoted(text: str, start: int, end: int) -> bool:
    """A quotation mark at the span's edges or just outside them (spaces and a comma allowed between)."""
    before = text[max(0, start - 3):start + 1]
    after = text[max(start, end - 1):end + 3]
    return any(mark in before for mark in QUOTATION_MARKS) and any(mark in after for mark in QUOTATION_MARKS)


def _adjacent(text: str, cue: dict, start: int, end: int) -> bool:
    """The cue is right before or right after the claim, with only spaces or punctuation between."""
    if cue["end"] <= start:
        return all(ch in BETWEEN_ADJACENT for ch in text[cue["end"]:start]) and start - cue["end"] <= 3
    if cue["start"] >= end:
        return all(ch in BETWEEN_ADJACENT for ch in text[end:cue["start"]]) and cue["start"] - end <= 3
    return False


def _json_list(ids: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in ids) + "]"


def _json(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit - 3] + "..."
