"""What every importer shares: a source document (RawDocument, on the source's offsets) -> a corpus
document (doc_id, text, annotation file) that passes `newsclaims validate`.

- The text is brought to the corpus rules: no BOM, LF line ends (CRLF and CR become LF), NFC. Every
  offset is moved through the change (`Normalised.position`); a span whose quote no longer matches is
  an error, never a silent shift. What was changed is one `import-text-normalised` warning.
- Spans are trimmed of surrounding whitespace and duplicates (same offsets) dropped, each a warning.
- Claims get the documented defaults for what the source does not say (docs/formats.md): check_worthy
  false; hedged exactly when hedge cues are given; a claim without a source is the author's (mode
  authorial); a source span's text is resolved to an id of sources.json through the mapping's
  [sources] table, else by a source's name (case-insensitive); otherwise it is an error.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..problems.record import Problem, problem
from ..project import DOC_ID
from .base import RawClaim, RawDocument, RawSpan

SCHEMA_VERSION = "1.0"
GUIDELINE_VERSION = "1.0"
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


# --- text normalisation with an exact offset map --------------------------------------------------

@dataclass
class Normalised:
    text: str
    changes: list[str] = field(default_factory=list)
    # Piecewise map: raw[starts[i]:] begins at new[targets[i]]; raw positions inside a piece that
    # changed (a CRLF, a sequence NFC composed) move to the piece's start, or end for an end offset.
    starts: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # the raw end of each piece

    def position(self, raw: int, is_end: bool = False) -> int:
        if not self.starts:
            return raw
        i = bisect.bisect_right(self.starts, raw) - 1
        if i < 0:
            return 0
        start, target, end = self.starts[i], self.targets[i], self.ends[i]
        if raw == start:
            return target
        next_target = self.targets[i + 1] if i + 1 < len(self.targets) else len(self.text)
        if end - start == next_target - target:  # an unchanged piece: offsets move by a constant
            return target + (raw - start)
        return next_target if is_end else target


def _nfc_pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of pieces of text that NFC normalises independently: a piece ends before a
    character of combining class 0 that does not compose with the piece (NFC(piece + c) ==
    NFC(piece) + c). A character of class 0 composes only with the one just before it, if at all."""
    pieces, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text):
            pieces.append((start, i))
        elif unicodedata.combining(text[i]) == 0:
            piece = text[start:i]
            if unicodedata.normalize("NFC", piece + text[i]) == unicodedata.normalize("NFC", piece) + text[i]:
                pieces.append((start, i))
                start = i
    return pieces


def normalise(raw: str) -> Normalised:
    """The text under the corpus rules and the map of its offsets (identity when nothing changes)."""
    has_bom = raw.startswith("\ufeff")
    has_cr = "\r" in raw
    is_nfc = unicodedata.is_normalized("NFC", raw)
    if not has_bom and not has_cr and is_nfc:
        return Normalised(raw)
    changes = (["a byte order mark removed"] if has_bom else []) + (["CRLF/CR line ends made LF"] if has_cr else []) \
        + ([] if is_nfc else ["normalised to NFC"])
    # Pieces of the raw text: the BOM and each CR (alone or in CRLF) on their own, the rest in NFC pieces.
    out, starts, targets, ends = [], [], [], []
    length = 0

    def piece(start: int, end: int, new: str) -> None:
        nonlocal length
        starts.append(start)
        targets.append(length)
        ends.append(end)
        out.append(new)
        length += len(new)

    position = 0
    for match in re.finditer(r"\ufeff|\r\n?", raw):
        segment_end = match.start()
        if match.group() == "\ufeff" and match.start() != 0:  # a BOM inside a text is a zero-width no-break space
            continue
        _plain(raw, position, segment_end, piece)
        piece(match.start(), match.end(), "" if match.group() == "\ufeff" else "\n")
        position = match.end()
    _plain(raw, position, len(raw), piece)
    return Normalised("".join(out), changes, starts, targets, ends)


def _plain(raw: str, start: int, end: int, piece) -> None:
    segment = raw[start:end]
    if not segment:
        return
    if unicodedata.is_normalized("NFC", segment):
        piece(start, end, segment)
        return
    for a, b in _nfc_pieces(segment):
        piece(start + a, start + b, unicodedata.normalize("NFC", segment[a:b]))


# --- doc ids ---------------------------------------------------------------------------------------

def slug(name: str) -> str:
    """A doc_id from a file stem or task id: lowercase ASCII letters and digits, other runs as '-'
    (accents dropped by NFKD), at most 81 characters; a short or reserved one gets the prefix 'doc-'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:81].rstrip("-")
    if not DOC_ID.match(text):
        text = ("doc-" + text).rstrip("-")[:81]
    return text


# --- raw document -> annotation file ----------------------------------------------------------------

@dataclass
class Converted:
    doc_id: str
    text: str
    annotation: dict
    file: str


def _span(raw: RawSpan, norm: Normalised, text: str, file: str, problems: list[Problem], counts: Counter) -> dict | None:
    """The span on the corpus text, trimmed; None (with a problem) when it cannot be placed."""
    start, end = norm.position(raw.start), norm.position(raw.end, is_end=True)
    where = {"line": raw.line, "pointer": raw.pointer}
    if not (0 <= raw.start < raw.end) or end > len(text):
        problems.append(problem("import-span-mismatch", file, f"span {raw.start}-{raw.end} is outside the text "
                                f"({len(text)} characters) or empty", **where))
        return None
    quote = text[start:end]
    if raw.text is not None:
        expected = unicodedata.normalize("NFC", raw.text.replace("\r\n", "\n").replace("\r", "\n"))
        if quote != expected and quote.replace("\n", " ").replace("\t", " ") != expected:
            problems.append(problem("import-span-mismatch", file, f"span {raw.start}-{raw.end} is {quote!r} in the text, "
                                    f"the source records {raw.text!r}", **where))
            return None
    trimmed_start, trimmed_end = start, end
    while trimmed_start < trimmed_end and text[trimmed_start].isspace():
        trimmed_start += 1
    while trimmed_end > trimmed_start and text[trimmed_end - 1].isspace():
        trimmed_end -= 1
    if trimmed_start == trimmed_end:
        problems.append(problem("import-span-adjusted", file, f"span {raw.start}-{raw.end} holds only whitespace: dropped", **where))
        counts["spans dropped (whitespace only)"] += 1
        return None
    if (trimmed_start, trimmed_end) != (start, end):
        problems.append(problem("import-span-adjusted", file, f"span {raw.start}-{raw.end} {quote!r} trimmed of whitespace to "
                                f"{text[trimmed_start:trimmed_end]!r}", **where))
        counts["spans trimmed"] += 1
    return {"start": trimmed_start, "end": trimmed_end, "text": text[trimmed_start:trimmed_end]}


def convert(raw: RawDocument, doc_id: str, *, status: str, language: str, genre: str, mapping, sources: dict,
            skip_unmapped: bool, counts: Counter) -> tuple[Converted | None, list[Problem]]:
    """The annotation file of one source document, or None with the errors that refuse it."""
    problems: list[Problem] = []
    file = raw.file
    norm = normalise(raw.text)
    text = norm.text
    if norm.changes:
        problems.append(problem("import-text-normalised", file, f"text {raw.name!r}: {', '.join(norm.changes)}; offsets remapped",
                                line=raw.line, pointer=raw.pointer))
        counts["texts normalised"] += 1

    entities, seen = [], set()
    for index, raw_entity in enumerate(raw.entities):
        mentions = []
        for raw_mention in raw_entity.mentions:
            span = _span(raw_mention, norm, text, file, problems, counts)
            if span is None:
                continue
            if (span["start"], span["end"]) in seen:
                problems.append(problem("import-span-adjusted", file, f"mention {span['text']!r} at {span['start']}-{span['end']} "
                                        "is already a mention: the duplicate dropped", line=raw_mention.line, pointer=raw_mention.pointer))
                counts["duplicate mentions dropped"] += 1
                continue
            seen.add((span["start"], span["end"]))
            mentions.append(span)
        if not mentions:
            continue
        mentions.sort(key=lambda m: (m["start"], m["end"]))
        entity = {"id": "", "type": raw_entity.type, "name": raw_entity.name or mentions[0]["text"]}
        if raw_entity.wikidata and WIKIDATA.match(raw_entity.wikidata):
            entity["wikidata"] = raw_entity.wikidata
        entity["mentions"] = mentions
        entities.append((index, entity))
    # Ids as the corpus writes them: entities by their first mention, mentions numbered entity by entity.
    entities.sort(key=lambda pair: (pair[1]["mentions"][0]["start"], pair[1]["mentions"][0]["end"]))
    entity_index, number = {}, 0
    for position, (index, entity) in enumerate(entities, 1):
        entity["id"] = f"e{position}"
        entity_index[index] = entity["id"]
        for i, span in enumerate(entity["mentions"]):
            number += 1
            entity["mentions"][i] = {"id": f"m{number}", **span}
    entities = [entity for _, entity in entities]

    claims = []
    source_names = {str(s.get("name", "")).casefold(): s["id"] for s in sources.values()}
    for raw_claim in raw.claims:
        claim = _claim(raw_claim, norm, text, file, problems, counts, mapping, sources, source_names, entity_index, skip_unmapped)
        if claim is not None:
            claim["id"] = f"c{len(claims) + 1}"
            claims.append(claim)
    claims.sort(key=lambda c: (c["start"], c["end"]))
    for number, claim in enumerate(claims, 1):
        claim["id"] = f"c{number}"

    from ..problems.record import has_errors
    if has_errors(problems):
        return None, problems
    annotation = {
        "schema_version": SCHEMA_VERSION,
        "doc_id": doc_id,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "metadata": {"title": None, "url": None, "published_at": None, "language": language, "genre": genre,
                     "publisher_source_id": None, "author_source_ids": [], "license": None, "story_id": None},
        "annotation": {"status": raw.status or status, "annotators": sorted(set(raw.annotators)), "guideline_version": GUIDELINE_VERSION},
        "entities": entities,
        "claims": claims,
    }
    return Converted(doc_id, text, annotation, file), problems


def _claim(raw: RawClaim, norm, text, file, problems, counts, mapping, sources, source_names, entity_index, skip_unmapped) -> dict | None:
    span = _span(raw.span, norm, text, file, problems, counts)
    if span is None:
        return None
    where = {"line": raw.span.line, "pointer": raw.span.pointer}
    cue = _span(raw.cue, norm, text, file, problems, counts) if raw.cue is not None else None
    source_span = _span(raw.source_span, norm, text, file, problems, counts) if raw.source_span is not None else None
    hedge_cues = [s for s in (_span(h, norm, text, file, problems, counts) for h in raw.hedge_cues) if s is not None]
    source_id = raw.source_id
    if source_id is not None and source_id not in sources:
        source_id = mapping.source(source_id) or source_names.get(source_id.casefold()) or source_id
    if source_id is None and source_span is not None:
        source_id = mapping.source(source_span["text"]) or source_names.get(source_span["text"].casefold())
        if source_id is None:
            if skip_unmapped:
                problems.append(problem("import-label-skipped", file, f"claim {span['text'][:60]!r}: its source "
                                        f"{source_span['text']!r} has no id in sources.json; the claim skipped", **where))
                counts["claims skipped (source unmapped)"] += 1
                return None
            problems.append(problem("import-source-unmapped", file, f"the source {source_span['text']!r} of claim "
                                    f"{span['text'][:60]!r} is not a source of corpus/sources.json",
                                    hint=f'add `"{source_span["text"]}" = "<an id of corpus/sources.json>"` under [sources] in '
                                    "a mapping file (or the source to corpus/sources.json), then import again with --mapping", **where))
            return None
    if source_id is not None and source_id not in sources:
        problems.append(problem("import-source-unmapped", file, f"claim {span['text'][:60]!r}: source id {source_id!r} "
                                "is not in corpus/sources.json",
                                hint=f'add `"{source_id}" = "<an id of corpus/sources.json>"` under [sources] in a mapping file', **where))
        return None
    if source_id is None or source_id == "author":
        source_id, mode, cue, source_span = "author", "authorial", None, None
    else:
        mode = raw.mode if raw.mode not in (None, "authorial") else "indirect"
    hedged = bool(hedge_cues)
    if raw.hedged and not hedge_cues:
        problems.append(problem("import-attribute-dropped", file, f"claim {span['text'][:60]!r} is marked hedged without a "
                                "hedge cue span: hedged needs its cue in our schema, so it is false", **where))
        counts["hedged without a cue"] += 1
    about = []
    for index in raw.about:
        entity_id = entity_index.get(index)
        if entity_id is not None and entity_id not in about:
            about.append(entity_id)
    return {"id": "c0", **span, "claim_type": raw.claim_type, "check_worthy": bool(raw.check_worthy), "source_id": source_id,
            "attribution": {"mode": mode, "cue": cue, "source_span": source_span}, "hedged": hedged, "hedge_cues": hedge_cues,
            "about": sorted(about, key=lambda e: int(e[1:])), "verdict": raw.verdict}
