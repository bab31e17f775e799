"""One synthetic document, a function of (seed, index): its text built by concatenating template
sentences while recording the code point offsets of every inserted name, claim, cue and hedge, so
that every span equals text[start:end] by construction; and the source registry, a function of the seed.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
import orjson

from .pools import AGENCY_PATTERNS, ANONYMOUS, CITIES, CLAIM_TOKENS, COLLECTIVES, COUNTRIES, DOMAINS, ENTITY_TYPES, EVENT_KINDS, FACILITY_KINDS, FACILITY_NAMES, FILLER_ENTITY_TOKENS, FILLER_PLAIN_TOKENS, FIRST_NAMES, FIXED_ORGS, GOVERNMENT_PATTERNS, GROUP_NAMES, LAST_NAMES, LAST_TOKENS, MILITARY_PATTERNS, MIXED_FRAGMENTS, NON_LATIN_NAMES, OPERATION_WORDS, ORGANIZATION_PATTERNS, ORG_KINDS, OUTLET_PATTERNS, PERSON_ROLES, REGIONS, SOURCE_COUNTS, TITLE_TOKENS, WEAPON_NAMES, WEAPON_PREFIXES, WORDS
DOC_ID_WIDTH = 7  # synth-0000001 ... synth-9999999
MAX_DOCS = 10**DOC_ID_WIDTH - 1


class FastRandom(random.Random):
    """random.Random with choice/randint from one random() call: about twice as fast as the bit-exact
    versions (the generator spends most of its time choosing), and just as deterministic."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def _word(rng: random.Random, pool: str) -> str:
    if pool == "NUM":
        return str(rng.randint(2, 480))
    if pool == "PCT":
        return f"{rng.randint(2, 40)}.{rng.randint(0, 9)}%"
    if pool == "KM":
        return f"{rng.randint(3, 90)}\u00a0km"
    if pool == "MONEY":
        return rng.choice(("€", "$", "£")) + f"{rng.randint(2, 900)}\u00a0million"
    return rng.choice(WORDS[pool])


FILLER_VARIANTS = 24  # renderings of each plain filler with words in it ("since {MONTH}")


def _render_words(rng: random.Random, tokens: tuple) -> str:
    """A template without entity slots, as one string."""
    return "".join(token[1] if token[0] == "lit" else _word(rng, token[1]) for token in tokens)


# --- the source registry (a function of the seed) -------------------------------------------------

def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _person_name(rng: random.Random) -> tuple[str, list[str]]:
    """(full name, surfaces in the text): the full name first, the surname for later mentions."""
    if rng.random() < 0.08:
        full, surname = rng.choice(NON_LATIN_NAMES)
    else:
        first, surname = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        full = f"{first} {surname}"
    return full, [full, surname]


class Registry:
    """What the whole corpus of a seed shares: sources.json's records (with how the text names each
    source and which entity it is), and the plain filler sentences documents draw from."""

    def __init__(self, seed: int):
        rng = random.Random(f"newsclaims-synth-sources:{seed}")
        self.records: list[dict] = []
        self.surfaces: dict[str, list[str]] = {}  # source id -> names the text uses (first: full name)
        self.entity_type: dict[str, str | None] = {}  # source id -> entity type of its mention, None if not a named entity
        self.by_kind: dict[str, list[str]] = {}
        taken = {"author"}

        def add(kind: str, name: str, surfaces: list[str], entity_type: str | None, description: str, url: str | None = None):
            base = _slug(name)
            source_id = base if len(base) >= 3 else f"{kind.replace('_', '-')}-{len(self.records) + 1}"
            suffix = 2
            while source_id in taken:
                source_id = f"{base or kind.replace('_', '-')}-{suffix}"
                suffix += 1
            taken.add(source_id)
            record = {"id": source_id, "name": name, "kind": kind, "description": description}
            if url:
                record["url"] = url
            self.records.append(record)
            self.surfaces[source_id] = surfaces
            self.entity_type[source_id] = entity_type
            self.by_kind.setdefault(kind, []).append(source_id)

        def unique_names(count: int, make) -> list[str]:
            names: list[str] = []
            for _ in range(count * 50):
                name = unicodedata.normalize("NFC", make())
                if name not in names:
                    names.append(name)
                if len(names) == count:
                    break
            return names

        fill = lambda pattern: pattern.format(city=rng.choice(CITIES), region=rng.choice(REGIONS),
                                              country=rng.choice(COUNTRIES), domain=rng.choice(DOMAINS))
        for name in unique_names(SOURCE_COUNTS["news_agency"], lambda: fill(rng.choice(AGENCY_PATTERNS))):
            add("news_agency", name, [name], "ORGANIZATION", f"A synthetic news agency, {name}.")
        for name in unique_names(SOURCE_COUNTS["media_outlet"], lambda: fill(rng.choice(OUTLET_PATTERNS))):
            add("media_outlet", name, [name], "ORGANIZATION", f"A synthetic news outlet, {name}.",
                url=f"https://{_slug(name) or 'outlet'}.example.org/")
        for name, phrase in COLLECTIVES:
            add("media_collective", name, [phrase], None, f"{name} referred to as a group, no outlet named.")
        for kind, patterns in (("government", GOVERNMENT_PATTERNS), ("military", MILITARY_PATTERNS),
                               ("organization", ORGANIZATION_PATTERNS)):
            for name in unique_names(SOURCE_COUNTS[kind], lambda: fill(rng.choice(patterns))):
                add(kind, name, [name], "ORGANIZATION", f"A synthetic {kind} source, {name}.")
        people: dict[str, list[str]] = {}
        while len(people) < SOURCE_COUNTS["person"]:
            full, surfaces = _person_name(rng)
            people.setdefault(full, surfaces)
        for full, surfaces in people.items():
            add("person", full, surfaces, "PERSON", f"{full}, {rng.choice(PERSON_ROLES)} (synthetic).")
        for name, phrase in ANONYMOUS:
            add("anonymous", name, [phrase], None, f"{name}: a source the text does not name.")
        self.records.append({"id": "author", "name": "The document's author", "kind": "document_author",
                             "description": "Whoever wrote the document; claims the text does not attribute to anyone else are theirs."})
        self.records.sort(key=lambda record: record["id"])
        # Plain filler sentences rendered once per seed, a few variants each: a document then draws whole
        # sentences instead of rendering every one (filler is most of the text, and was most of the time).
        filler_rng = FastRandom(f"newsclaims-synth-fillers:{seed}")
        self.fillers: list[list[str]] = []
        for tokens in FILLER_PLAIN_TOKENS:
            variants = FILLER_VARIANTS if any(token[0] != "lit" for token in tokens) else 1
            self.fillers.append([_render_words(filler_rng, tokens) for _ in range(variants)])


_registries: dict[int, Registry] = {}


def registry_for(seed: int) -> Registry:
    if seed not in _registries:  # one per process: workers rebuild it instead of receiving it
        _registries[seed] = Registry(seed)
    return _registries[seed]


# --- one document ---------------------------------------------------------------------------------

class Entity:
    __slots__ = ("type", "name", "surfaces", "mentions", "id")

    def __init__(self, entity_type: str, name: str, surfaces: list[str]):
        self.type, self.name, self.surfaces = entity_type, name, surfaces
        self.mentions: list[tuple[int, int, str]] = []
        self.id = ""


def _doc_entities(rng: random.Random) -> list[Entity]:
    """About eight entities, every type at least once, no two with the same name."""
    entities: list[Entity] = []
    names: set[str] = set()

    def add(entity_type: str, name: str, surfaces: list[str]) -> None:
        if name not in names:
            names.add(name)
            entities.append(Entity(entity_type, name, surfaces))

    for _ in range(rng.choice((1, 1, 2))):
        add("PERSON", *_person_name(rng))
    if rng.random() < 0.25:
        name, short = rng.choice(FIXED_ORGS)
    else:
        name = f"{rng.choice(REGIONS)} {rng.choice(DOMAINS)} {rng.choice(ORG_KINDS)}"
        short = "".join(word[0] for word in name.split())
    add("ORGANIZATION", name, [name, short])
    for place in rng.sample(CITIES + COUNTRIES, rng.choice((1, 2, 2))):
        add("PLACE", place, [place])
    facility = f"{rng.choice(FACILITY_NAMES)} {rng.choice(FACILITY_KINDS)}"
    add("FACILITY", facility, [facility])
    prefix = rng.choice(WEAPON_PREFIXES) + "-" + str(rng.randint(10, 400))
    weapon = f"{prefix} {rng.choice(WEAPON_NAMES)}"
    add("WEAPON", weapon, [weapon, prefix])
    add("GROUP", rng.choice(GROUP_NAMES), [])
    if rng.random() < 0.3:
        event = "Operation " + rng.choice(OPERATION_WORDS)
    else:
        event = f"{rng.choice(CITIES)} {rng.choice(EVENT_KINDS)}"
    add("EVENT", event, [])
    for entity in entities:
        entity.surfaces = entity.surfaces or [entity.name]
    return entities


class Builder:
    """The text being written, with the offsets (code points) of everything recorded as it is added."""

    __slots__ = ("parts", "pos", "rng", "entities", "by_type", "mention_count", "deck")

    def __init__(self, rng: random.Random, entities: list[Entity]):
        self.parts: list[str] = []
        self.pos = 0
        self.rng = rng
        self.entities = entities
        self.by_type: dict[str, list[Entity]] = {}
        for entity in entities:
            self.by_type.setdefault(entity.type, []).append(entity)
        self.mention_count = 0
        self.deck: list[list[str]] = []  # plain filler sentences (their variants) not used yet

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.pos += len(piece)

    def mention(self, entity: Entity, surface: str | None = None) -> None:
        if surface is None:  # a first mention uses the full name, later ones any form
            surface = entity.surfaces[0] if not entity.mentions else self.rng.choice(entity.surfaces)
        start = self.pos
        self.add(surface)
        entity.mentions.append((start, self.pos, surface))
        self.mention_count += 1

    def pick(self, entity_type: str) -> Entity:
        candidates = self.by_type[entity_type]
        fresh = [entity for entity in candidates if not entity.mentions]
        return self.rng.choice(fresh or candidates)

    def render(self, tokens: tuple, hedged: bool = False, capitalize: bool = False) -> list[tuple[int, int]]:
        """Write a template; returns the (start, end) of the hedge cues written.

        The hot loop of the generator: offsets are kept in a local and pieces appended directly.
        """
        cues = []
        parts, pos, rng = self.parts, self.pos, self.rng
        first = True
        for token in tokens:
            kind = token[0]
            if kind == "lit":
                text = token[1]
                if capitalize and first:
                    text = text[:1].upper() + text[1:]
            elif kind == "ent":
                entity = self.pick(token[1])
                # A first mention uses the full name, later ones any form.
                text = rng.choice(entity.surfaces) if entity.mentions else entity.surfaces[0]
                entity.mentions.append((pos, pos + len(text), text))
                self.mention_count += 1
            elif kind == "word":
                text = _word(rng, token[1])
            elif hedged:
                start = pos + len(token[1])
                cues.append((start, start + len(token[2])))
                text = token[1] + token[2] + token[3]
            else:
                text = token[4]
            first = False
            parts.append(text)
            pos += len(text)
        self.pos = pos
        return cues

    def text(self) -> str:
        return "".join(self.parts)


class DocSources:
    """The few sources one document quotes, and their entities (a named source is also an entity)."""

    def __init__(self, rng: random.Random, registry: Registry, builder: Builder):
        self.rng, self.registry, self.builder = rng, registry, builder
        self.entity_of: dict[str, Entity] = {}
        self.reporter = rng.choice(registry.by_kind[rng.choice(("news_agency", "media_outlet", "media_outlet", "media_collective"))])
        self.speaker = rng.choice(registry.by_kind[rng.choice(("person", "person", "government", "military", "organization"))])
        self.anonymous = rng.choice(registry.by_kind["anonymous"])

    def name(self, source_id: str) -> tuple[int, int]:
        """Write how the text names the source; its span (and its mention, when it is a named entity)."""
        entity_type = self.registry.entity_type[source_id]
        start = self.builder.pos
        if entity_type is None:
            self.builder.add(self.registry.surfaces[source_id][0])
        else:
            entity = self.entity_of.get(source_id)
            if entity is None:
                record_name = self.registry.surfaces[source_id][0]
                # The source may be a person the document already names: one real-world thing, one entity.
                entity = next((e for e in self.builder.entities if e.name == record_name and e.type == entity_type), None)
                if entity is None:
                    entity = Entity(entity_type, record_name, self.registry.surfaces[source_id])
                    self.builder.entities.append(entity)
                self.entity_of[source_id] = entity
            self.builder.mention(entity)
        return start, self.builder.pos


def _span(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "text": text[start:end]}


# What each document's claims cover: every claim type and attribution mode, at least one hedge.
BASE_CLAIMS = [("factual", "authorial", None), ("factual", "according", True), ("opinion", "quote", None),
               ("prediction", "said", None), ("opinion", "authorial", False)]
EXTRA_CLAIMS = [("factual", "anonymous", None), ("factual", "mixed", None), ("prediction", "authorial", None),
                ("factual", "said", None)]


def _write_claim(builder: Builder, sources: DocSources, claim_type: str, frame: str, hedged: bool) -> dict:
    """Write one claim sentence in its attribution frame; returns the claim's offsets and labels."""
    rng = builder.rng
    pool = CLAIM_TOKENS["factual" if frame == "mixed" else claim_type]
    if hedged:  # a claim that must be hedged needs a template with a hedge in it
        pool = [tokens for tokens in pool if any(token[0] == "hedge" for token in tokens)] or pool  # opinions have none
    tokens = rng.choice(pool)
    cue = source_span = None
    source_id = "author"

    def content(capitalize: bool) -> tuple[int, int, list]:
        start = builder.pos
        cues = builder.render(tokens, hedged, capitalize)
        if frame == "mixed":
            builder.add(", “" + rng.choice(MIXED_FRAGMENTS) + "”")
        return start, builder.pos, cues

    if frame == "authorial":
        start, end, cues = content(True)
        builder.add(".")
    elif frame in ("according", "mixed"):
        source_id = sources.reporter
        cue = (builder.pos, builder.pos + len("According to"))
        builder.add("According to ")
        source_span = sources.name(source_id)
        builder.add(", ")
        start, end, cues = content(False)
        builder.add(".")
    elif frame == "said":
        source_id = rng.choice((sources.reporter, sources.speaker))
        if rng.random() < 0.5:
            start, end, cues = content(True)
            builder.add(", ")
            source_span = sources.name(source_id)
            builder.add(" ")
            cue = (builder.pos, builder.pos + 4)
            builder.add("said.")
        else:
            source_span = sources.name(source_id)
            builder.add(" ")
            cue = (builder.pos, builder.pos + 4)
            builder.add(f"said on {_word(rng, 'DAY')} that ")
            start, end, cues = content(False)
            builder.add(".")
    elif frame == "quote":
        source_id = sources.speaker
        builder.add("“")
        start, end, cues = content(True)
        builder.add(",” ")
        source_span = sources.name(source_id)
        builder.add(" ")
        cue = (builder.pos, builder.pos + 4)
        builder.add("said.")
    else:  # anonymous: the text does not name the source
        source_id = sources.anonymous
        start, end, cues = content(True)
        builder.add(", ")
        cue = (builder.pos, builder.pos + len("according to"))
        builder.add("according to " + sources.registry.surfaces[source_id][0] + ".")
    mode = {"authorial": "authorial", "quote": "direct_quote", "mixed": "mixed"}.get(frame, "indirect")
    return {"start": start, "end": end, "claim_type": claim_type, "source_id": source_id, "mode": mode,
            "cue": cue, "source_span": source_span, "hedge_cues": cues}


def _write_filler(builder: Builder, registry: Registry, want_mention: bool) -> None:
    rng = builder.rng
    if want_mention:
        unmentioned = [entity.type for entity in builder.entities if not entity.mentions and entity.type in FILLER_ENTITY_TOKENS]
        entity_type = rng.choice(unmentioned) if unmentioned else rng.choice(ENTITY_TYPES)
        builder.render(rng.choice(FILLER_ENTITY_TOKENS[entity_type]))
    else:
        if not builder.deck:  # each filler once before any repeats, as a real article would
            builder.deck = list(registry.fillers)
        variants = builder.deck.pop(int(rng.random() * len(builder.deck)))
        builder.add(variants[int(rng.random() * len(variants))])


AVERAGE_FILLER = 70  # code points of a filler sentence, for spreading mentions over the text


def doc_id_of(index: int) -> str:
    """Document id of the 0-based index."""
    return f"synth-{index + 1:0{DOC_ID_WIDTH}d}"


def make_document(seed: int, index: int, registry: Registry | None = None) -> tuple[str, str, dict]:
    """Document `index` (0-based) of the corpus of `seed`: (doc_id, text, annotation). Pure."""
    registry = registry or registry_for(seed)
    rng = FastRandom(f"newsclaims-synth:{seed}:{index}")
    doc_id = doc_id_of(index)
    entities = _doc_entities(rng)
    builder = Builder(rng, entities)
    sources = DocSources(rng, registry, builder)

    builder.render(rng.choice(TITLE_TOKENS))
    title = builder.text()
    builder.add("\n\n")
    if rng.random() < 0.5:  # a dateline
        builder.mention(builder.pick("PLACE"))
        builder.add(" — ")

    plan = BASE_CLAIMS + rng.sample(EXTRA_CLAIMS, rng.choice((0, 0, 1, 2)))
    rng.shuffle(plan)
    target = rng.randint(3000, 5400)  # code points; with the non-ASCII ones, 3-6 KB of UTF-8
    thresholds = sorted(rng.uniform(0.02, 0.9) * target for _ in plan)
    mention_target = rng.randint(14, 22)
    claims: list[dict] = []
    in_paragraph, paragraph_length, first = 0, rng.randint(2, 5), True
    while plan or builder.pos < target:
        if not first:  # separators go before a sentence, so the text never ends on a space
            if in_paragraph >= paragraph_length:
                builder.add("\n\n")
                in_paragraph, paragraph_length = 0, rng.randint(2, 5)
            else:
                builder.add(" ")
        first = False
        in_paragraph += 1
        if plan and (builder.pos >= thresholds[len(claims)] or builder.pos >= target):
            claim_type, frame, hedged = plan.pop()
            hedged = rng.random() < 0.3 if hedged is None else hedged
            claims.append(_write_claim(builder, sources, claim_type, frame, hedged))
        else:
            fillers_left = max(1.0, (target - builder.pos) / AVERAGE_FILLER)
            wanted = mention_target - builder.mention_count - 1.5 * len(plan)
            _write_filler(builder, registry, rng.random() < wanted / fillers_left)
    # Every entity needs a mention (the schema's minItems); each sentence mentions a fresh one of its type.
    unmentioned = [entity for entity in builder.entities if not entity.mentions]
    while unmentioned:
        builder.add(" ")
        builder.render(LAST_TOKENS[unmentioned[0].type])
        unmentioned = [entity for entity in unmentioned if not entity.mentions]
    if rng.random() < 0.7:
        builder.add("\n")
    text = builder.text()
    return doc_id, text, _annotation(rng, doc_id, index, text, title, builder.entities, claims, registry)


def _annotation(rng: random.Random, doc_id: str, index: int, text: str, title: str, entities: list[Entity],
                claims: list[dict], registry: Registry) -> dict:
    # Entities are numbered in order of first mention, mentions through the file entity by entity (as the gold file).
    entities = sorted(entities, key=lambda entity: entity.mentions[0][0])
    entity_records, mention_number = [], 0
    spans_of: list[tuple[int, int, str]] = []
    for number, entity in enumerate(entities, 1):
        entity.id = f"e{number}"
        mentions = []
        for start, end, surface in entity.mentions:
            mention_number += 1
            mentions.append({"id": f"m{mention_number}", "start": start, "end": end, "text": surface})
            spans_of.append((start, end, entity.id))
        entity_records.append({"id": entity.id, "type": entity.type, "name": entity.name, "mentions": mentions})

    claim_records = []
    for number, claim in enumerate(sorted(claims, key=lambda c: c["start"]), 1):
        start, end = claim["start"], claim["end"]
        about = sorted({entity_id for m_start, m_end, entity_id in spans_of if start <= m_start and m_end <= end},
                       key=lambda entity_id: int(entity_id[1:]))
        factual = claim["claim_type"] == "factual"
        verdict = None
        if factual and rng.random() < 0.03:
            verdict = {"label": rng.choice(("supported", "refuted", "not_enough_evidence", "conflicting_evidence")),
                       "justification": "Synthetic verdict: the cited report neither names a date nor a place.",
                       "evidence": [{"url": f"https://factcheck.example.org/{doc_id}/c{number}",
                                     "quote": "The figures could not be confirmed independently."}]}
        claim_records.append({
            "id": f"c{number}", "start": start, "end": end, "text": text[start:end],
            "claim_type": claim["claim_type"], "check_worthy": factual and rng.random() < 0.9,
            "source_id": claim["source_id"],
            "attribution": {"mode": claim["mode"],
                            "cue": _span(text, *claim["cue"]) if claim["cue"] else None,
                            "source_span": _span(text, *claim["source_span"]) if claim["source_span"] else None},
            "hedged": bool(claim["hedge_cues"]),
            "hedge_cues": [_span(text, *cue) for cue in claim["hedge_cues"]],
            "about": about,
            "verdict": verdict,
        })

    year = rng.randint(2015, 2025)
    published = rng.random()
    outlets = registry.by_kind["media_outlet"]
    metadata = {
        "title": title,
        "url": f"https://news.example.org/{year}/{doc_id}" if rng.random() < 0.6 else None,
        "published_at": (None if published < 0.2 else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                         + (f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z" if published > 0.7 else "")),
        "language": "en",
        "genre": rng.choice(("news", "news", "analysis", "opinion", "other")),
        "publisher_source_id": rng.choice(outlets) if rng.random() < 0.5 else None,
        "author_source_ids": [rng.choice(registry.by_kind["person"])] if rng.random() < 0.3 else [],
        "license": rng.choice(("CC-BY-4.0", None, None)),
        # Neighbouring documents share a story now and then (story groups never straddle splits).
        "story_id": f"synth-story-{index // 4 + 1:06d}" if rng.random() < 0.15 else None,
    }
    status = rng.choice(("machine", "machine", "silver", "gold"))
    return {
        "schema_version": "1.0",
        "doc_id": doc_id,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "metadata": metadata,
        "annotation": {"status": status, "annotators": ["synth-model-1"] if status == "machine" else ["synth-annotator"],
                       "guideline_version": "1.0"},
        "entities": entity_records,
        "claims": claim_records,
    }


def dump_json(value) -> bytes:
    """Annotation files as contributors write them: 2-space indent, final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"
