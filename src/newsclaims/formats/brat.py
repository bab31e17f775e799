"""brat standoff (https://brat.nlplab.org/standoff.html): a folder of `<name>.txt` + `<name>.ann` pairs
and its `annotation.conf`.

Reading: T lines of entity types become mentions; `*` equivalence lines (Alias, Synonym-of: any type
the mapping's [relations] calls "same"), R lines of a "same" type and equal N normalisations join
mentions into one entity, otherwise each T is its own entity. An N line to `Wikidata:Q...` sets the
entity's `wikidata` and its text the entity's name (other databases: `import-note-dropped`). T lines of
claim types with A/M attributes and R lines (source, about, cue, hedge) become claims. Discontinuous
spans, events, notes and attributes with no target in our schema are warnings with their line.

Writing: one `.txt` and `.ann` per document and an `annotation.conf` declaring every type used.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from ..problems.record import problem, shown_path
from .base import (
    CorpusDocument,
    Plugin,
    RawClaim,
    RawDocument,
    RawEntity,
    RawSpan,
    ReadOptions,
    ReadResult,
    WriteOptions,
    WriteResult,
)
from .mapping import mapping_line

_T = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_NAME_NOTE = "name: "  # our AnnotatorNotes convention for an entity's canonical name (written by `export brat`)


def read(source: Path, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    files = sorted(source.rglob("*.ann")) if source.is_dir() else [source]
    if not files:
        result.problems.append(problem("import-shape", shown_path(source), "no .ann file in the folder (brat standoff: <name>.txt + <name>.ann)"))
    unmapped: dict[str, list] = {}
    for ann_path in files:
        txt_path = ann_path.with_suffix(".txt")
        shown = shown_path(ann_path)
        try:
            text = txt_path.read_bytes().decode("utf-8")
            lines = ann_path.read_bytes().decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            result.problems.append(problem("import-unreadable", shown, f"{txt_path.name} / {ann_path.name} cannot be read as UTF-8: {error}"))
            continue
        document = _read_one(ann_path.stem, shown, text, lines, options, result, unmapped)
        if document is not None:
            result.documents.append(document)
    for label, places in sorted(unmapped.items()):
        file, line = places[0]
        result.problems.append(problem("import-label-unmapped", file, f"label {label!r} ({len(places)} span{'s' if len(places) != 1 else ''}) "
                                       "has no mapping to an entity type, claim type or span role", line=line,
                                       hint=f"add {mapping_line(label)} (or a [claims] or [spans] line) to a mapping file and "
                                       "pass --mapping FILE, or pass --unmapped skip"))
    return result


def _read_one(name, shown, text, lines, options: ReadOptions, result: ReadResult, unmapped) -> RawDocument | None:
    mapping = options.mapping
    spans: dict[str, tuple[str, RawSpan]] = {}   # T id -> (label, span)
    triggers = set()
    parsed = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        kind = line[0]
        if kind == "E":
            fields = line.split("\t")
            if len(fields) >= 2 and ":" in fields[1]:
                triggers.add(fields[1].split()[0].split(":", 1)[1])
        parsed.append((number, kind, line))
    for number, kind, line in parsed:
        if kind == "T":
            match = _T.match(line)
            if match is None:
                result.problems.append(problem("import-shape", shown, f"not a brat T line: {line[:80]!r}", line=number))
                continue
            tid, label, offsets, quote = match.groups()
            if ";" in offsets:
                result.problems.append(problem("import-discontinuous", shown, f"{tid} {label} has a discontinuous span ({offsets}): skipped", line=number))
                result.counts["discontinuous spans skipped"] += 1
                continue
            start, end = map(int, offsets.split())
            spans[tid] = (label, RawSpan(start, end, quote, line=number))
    # entities: union-find over mentions
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=_order)] = min(ra, rb, key=_order)

    kinds = {}
    for tid, (label, span) in spans.items():
        if mapping.entity(label):
            kinds[tid] = "entity"
        elif mapping.claim(label):
            kinds[tid] = "claim"
        elif mapping.role(label):
            kinds[tid] = "role"
        elif tid in triggers:
            kinds[tid] = "trigger"
        elif options.skip_unmapped:
            result.skipped_labels[label] += 1
            result.problems.append(problem("import-label-skipped", shown, f"{tid} {label!r} has no mapping: skipped", line=span.line))
        else:
            unmapped.setdefault(label, []).append((shown, span.line))
    normalisations: dict[str, list[str]] = defaultdict(list)
    wikidata, names = {}, {}
    relations, attributes = [], []
    for number, kind, line in parsed:
        fields = line.split("\t")
        if kind == "*":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) < 3 or mapping.relation(parts[0]) != "same":
                result.problems.append(problem("import-relation-dropped", shown, f"equivalence {' '.join(parts[:1])!r} is not mapped to "
                                               "'same' (one entity): skipped", line=number))
                continue
            members = [m for m in parts[1:] if kinds.get(m) == "entity"]
            for other in members[1:]:
                join(members[0], other)
            result.counts["equivalences joined"] += 1
        elif kind == "R":
            parts = fields[1].split() if len(fields) > 1 else []
            args = [p.split(":", 1)[1] for p in parts[1:] if ":" in p]
            if len(parts) != 3 or len(args) != 2:
                result.problems.append(problem("import-shape", shown, f"not a brat R line: {line[:80]!r}", line=number))
                continue
            relations.append((number, parts[0], args[0], args[1]))
        elif kind == "E":
            result.problems.append(problem("import-event", shown, f"event {fields[1].split()[0] if len(fields) > 1 else ''!r} "
                                           "(our schema has no events): skipped", line=number))
            result.counts["events skipped"] += 1
        elif kind in "AM":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) < 2:
                result.problems.append(problem("import-shape", shown, f"not a brat attribute line: {line[:80]!r}", line=number))
                continue
            attributes.append((number, parts[0], parts[1], parts[2] if len(parts) > 2 else None))
        elif kind == "N":
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) != 3 or kinds.get(parts[1]) != "entity":
                result.problems.append(problem("import-note-dropped", shown, f"normalisation {line[:80]!r} is not on an entity mention: skipped", line=number))
                continue
            reference = parts[2]
            normalisations[reference].append(parts[1])
            if reference.startswith("Wikidata:") and re.match(r"^Q[1-9][0-9]*$", reference[9:]):
                wikidata[parts[1]] = reference[9:]
                if len(fields) > 2 and fields[2].strip():
                    names[parts[1]] = fields[2].strip()
            else:
                result.problems.append(problem("import-note-dropped", shown, f"normalisation to {reference!r} (only Wikidata ids set `wikidata`): "
                                               "used to join mentions, the id not kept", line=number))
        elif kind == "#":
            parts = fields[1].split() if len(fields) > 1 else []
            note = fields[2] if len(fields) > 2 else ""
            if len(parts) == 2 and kinds.get(parts[1]) == "entity" and note.startswith(_NAME_NOTE):
                names[parts[1]] = note[len(_NAME_NOTE):].strip()
            else:
                result.problems.append(problem("import-note-dropped", shown, f"note {note[:60]!r}: our schema has no notes; skipped", line=number))
        elif kind != "T":
            result.problems.append(problem("import-shape", shown, f"not a brat standoff line: {line[:80]!r}", line=number))
    for tids in normalisations.values():
        for other in tids[1:]:
            join(tids[0], other)
    claim_of = {tid: RawClaim(span=span, claim_type=mapping.claim(label)) for tid, (label, span) in spans.items() if kinds.get(tid) == "claim"}
    # relations: "same" joins mentions; the others link a claim to a span or an entity
    about_of = defaultdict(list)
    used_roles = set()
    for number, label, a, b in relations:
        meaning = mapping.relation(label)
        if meaning == "same" and kinds.get(a) == kinds.get(b) == "entity":
            join(a, b)
            continue
        claim_id, other = (a, b) if a in claim_of else (b, a) if b in claim_of else (None, None)
        if meaning is None or meaning == "same" or claim_id is None or other not in spans:
            result.problems.append(problem("import-relation-dropped", shown, f"relation {label!r} ({a} -> {b}) has no meaning in our schema "
                                           "(source, about, cue or hedge of a claim): skipped", line=number))
            result.counts["relations skipped"] += 1
            continue
        claim, span = claim_of[claim_id], spans[other][1]
        if meaning == "about":
            if kinds.get(other) != "entity":
                result.problems.append(problem("import-relation-dropped", shown, f"about {a} -> {b}: {other} is not an entity mention; skipped", line=number))
                continue
            about_of[claim_id].append(other)
        elif meaning == "source":
            claim.source_span = span
        elif meaning == "cue":
            claim.cue = span
        else:
            claim.hedge_cues.append(span)
        used_roles.add(other)
    for tid, kind in kinds.items():
        if kind == "role" and tid not in used_roles:
            result.problems.append(problem("import-relation-dropped", shown, f"{tid} {spans[tid][0]!r} is linked to no claim: skipped",
                                           line=spans[tid][1].line))
    for number, attribute, target, value in attributes:
        field = mapping.attribute(attribute)
        claim = claim_of.get(target)
        if field == "ignore":
            continue
        if field is None or claim is None:
            result.problems.append(problem("import-attribute-dropped", shown, f"attribute {attribute!r} on {target} has no target in our schema: skipped",
                                           line=number))
            result.counts["attributes skipped"] += 1
            continue
        _set_attribute(claim, field, value, shown, number, result)
    groups: dict[str, list[str]] = defaultdict(list)
    for tid in sorted((t for t, k in kinds.items() if k == "entity"), key=_order):
        groups[find(tid)].append(tid)
    entities, entity_of = [], {}
    for members in groups.values():
        label = spans[members[0]][0]
        entity = RawEntity(type=mapping.entity(label), mentions=[spans[m][1] for m in members],
                           name=next((names[m] for m in members if m in names), None),
                           wikidata=next((wikidata[m] for m in members if m in wikidata), None))
        for m in members:
            entity_of[m] = len(entities)
        entities.append(entity)
    claims = []
    for tid, claim in claim_of.items():
        claim.about = sorted({entity_of[m] for m in about_of[tid] if m in entity_of})
        claims.append(claim)
    return RawDocument(name=name, file=shown, text=text, entities=entities, claims=claims)


def _order(tid: str) -> int:
    return int(tid[1:]) if tid[1:].isdigit() else 0


def _set_attribute(claim: RawClaim, field: str, value: str | None, shown: str, number: int, result: ReadResult) -> None:
    truth = {None: True, "true": True, "True": True, "yes": True, "false": False, "False": False, "no": False}
    if field in ("check_worthy", "hedged"):
        if value not in truth:
            result.problems.append(problem("import-attribute-dropped", shown, f"{field} value {value!r} is not true/false: skipped", line=number))
            return
        setattr(claim, field, truth[value])
    elif field == "claim_type":
        if value in ("factual", "opinion", "prediction"):
            claim.claim_type = value
        else:
            result.problems.append(problem("import-attribute-dropped", shown, f"claim_type value {value!r} is not a claim type: skipped", line=number))
    elif field == "attribution_mode":
        if value in ("direct_quote", "indirect", "mixed", "authorial"):
            claim.mode = value
        else:
            result.problems.append(problem("import-attribute-dropped", shown, f"attribution_mode value {value!r} is not a mode: skipped", line=number))
    elif field == "source_id" and value:
        claim.source_id = value


# --- writing ---------------------------------------------------------------------------------------

def _flat(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ")


def write(documents: list[CorpusDocument], out: Path, options: WriteOptions) -> WriteResult:
    result = WriteResult()
    out.mkdir(parents=True, exist_ok=True)
    for document in documents:
        lines = _ann_lines(document, result)
        for suffix, content in ((".txt", document.text), (".ann", "\n".join(lines) + ("\n" if lines else ""))):
            path = out / f"{document.doc_id}{suffix}"
            path.write_bytes(content.encode("utf-8"))
            result.files.append(path)
        result.counts["documents"] += 1
    conf = out / "annotation.conf"
    conf.write_text(annotation_conf(options.sources), encoding="utf-8")
    result.files.append(conf)
    return result


def _ann_lines(document: CorpusDocument, result: WriteResult) -> list[str]:
    annotation = document.annotation
    lines, counter = [], Counter()

    def next_id(kind: str) -> str:
        counter[kind] += 1
        return f"{kind}{counter[kind]}"

    def t_line(label: str, span: dict) -> str:
        tid = next_id("T")
        lines.append(f"{tid}\t{label} {span['start']} {span['end']}\t{_flat(span['text'])}")
        return tid

    first_mention = {}
    for entity in annotation["entities"]:
        tids = [t_line(entity["type"], mention) for mention in entity["mentions"]]
        first_mention[entity["id"]] = tids[0]
        if len(tids) > 1:
            lines.append("*\tAlias " + " ".join(tids))
        if "wikidata" in entity:
            lines.append(f"{next_id('N')}\tReference {tids[0]} Wikidata:{entity['wikidata']}\t{_flat(entity['name'])}")
        elif entity["name"] != entity["mentions"][0]["text"]:
            lines.append(f"{next_id('#')}\tAnnotatorNotes {tids[0]}\t{_NAME_NOTE}{_flat(entity['name'])}")
        result.counts["mentions"] += len(tids)
    for claim in annotation["claims"]:
        cid = t_line(claim["claim_type"], claim)
        if claim["check_worthy"]:
            lines.append(f"{next_id('A')}\tcheck_worthy {cid}")
        attribution = claim["attribution"]
        lines.append(f"{next_id('A')}\tattribution_mode {cid} {attribution['mode']}")
        lines.append(f"{next_id('A')}\tsource_id {cid} {claim['source_id']}")
        for role, label, span in (("cue", "Cue", attribution["cue"]), ("source", "Source", attribution["source_span"])):
            if span is not None:
                lines.append(f"{next_id('R')}\t{role} Arg1:{cid} Arg2:{t_line(label, span)}")
        for cue in claim["hedge_cues"]:
            lines.append(f"{next_id('R')}\thedge Arg1:{cid} Arg2:{t_line('Hedge', cue)}")
        for entity_id in claim["about"]:
            lines.append(f"{next_id('R')}\tabout Arg1:{cid} Arg2:{first_mention[entity_id]}")
        if claim["verdict"] is not None:
            result.problems.append(problem("export-not-carried", document.doc_id, f"claim {claim['id']}: its verdict (brat has no place for it)",
                                           pointer=f"/claims/{annotation['claims'].index(claim)}/verdict"))
        result.counts["claims"] += 1
    metadata = {k: v for k, v in annotation["metadata"].items() if v not in (None, []) and k not in ("language", "genre")}
    if metadata:
        result.problems.append(problem("export-not-carried", document.doc_id, f"metadata {', '.join(sorted(metadata))} (brat has no place for it)",
                                       pointer="/metadata"))
    return lines


def annotation_conf(sources: dict) -> str:
    from .mapping import CLAIM_TYPES, ENTITY_TYPES

    source_ids = "|".join(sorted(sources)) or "author"
    return "\n".join([
        "# Generated by `newsclaims export brat`: the newsclaims schema's types (docs/formats.md).",
        "[entities]", *ENTITY_TYPES, *CLAIM_TYPES, "Cue", "Source", "Hedge", "",
        "[relations]",
        "source Arg1:<ENTITY>, Arg2:<ENTITY>", "cue Arg1:<ENTITY>, Arg2:<ENTITY>", "hedge Arg1:<ENTITY>, Arg2:<ENTITY>",
        "about Arg1:<ENTITY>, Arg2:<ENTITY>",
        "Alias Arg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive", "",
        "[events]", "", "[attributes]",
        "check_worthy Arg:<ENTITY>",
        "attribution_mode Arg:<ENTITY>, Value:direct_quote|indirect|mixed|authorial",
        f"source_id Arg:<ENTITY>, Value:{source_ids}", ""])


PLUGIN = Plugin("brat", "brat standoff: a folder of .txt + .ann pairs with annotation.conf", read=read, write=write, source_kind="folder")
