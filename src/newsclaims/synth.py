"""`newsclaims synth`: a synthetic corpus, valid by construction, for benchmarks and tests at scale.

A generated project folder holds everything `newsclaims validate` and `newsclaims build` need:
schema/ (copied from the source checkout), corpus/ (corpus.toml, sources.json, documents, annotations,
splits.json) and CHANGELOG.md, and .newsclaims-synth.json, the list of what it wrote: `--force` replaces
exactly that, so a folder without it (the user's own) is refused and never touched. Texts are built by
concatenating template sentences while recording the code point offsets of every inserted name, claim,
cue and hedge: nothing is searched for afterwards, so every span equals text[start:end] by construction.

Deterministic: document i depends only on (seed, i) and the source registry only on the seed, so
chunks can be written by worker processes in any order, the output is byte-identical for the same
arguments, and the first k documents of an n-document corpus are those of a k-document corpus.

`errors=K` corrupts K documents, each with one error whose problem code is certain, and lists them in
injected_errors.json: the validator must report exactly those (file, code) pairs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from pathlib import Path

import orjson

from .errors import environment_failure
from .parse import MAX_JSON_DEPTH

SYNTH_NAME = "newsclaims-synth"
DOC_ID_WIDTH = 7  # synth-0000001 ... synth-9999999
MAX_DOCS = 10**DOC_ID_WIDTH - 1
CHUNK_DOCS = 500  # documents per worker task: large enough to amortise IPC, small enough to balance
PARALLEL_FROM = 2000  # below this, worker start-up costs more than it saves
INJECTED_ERRORS_FILE = "injected_errors.json"
# Where splits and salt come from in the real corpus/corpus.toml; the synthetic corpus uses the same.
SPLIT_SALT = "newsclaims-v1"
SPLIT_RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}


def _nfc(values):
    """Pools are typed in NFC; normalising once at import makes sure a stray decomposed letter cannot slip in."""
    return [tuple(unicodedata.normalize("NFC", part) for part in value) if isinstance(value, tuple)
            else unicodedata.normalize("NFC", value) for value in values]


# --- name pools -----------------------------------------------------------------------------------

FIRST_NAMES = _nfc([
    "José", "Zoë", "Łukasz", "Søren", "Ana", "María", "François", "Jürgen", "Ayşe", "Chloé", "Dmitri",
    "Olga", "Ingrid", "Björn", "Émile", "Małgorzata", "Ioana", "Tomás", "Radu", "Siobhán", "Maja",
    "Kateřina", "Mehmet", "Leïla", "Noémie", "Andrés", "Hanna", "Yusuf", "Amira", "Pieter", "Eero",
    "Giedrė", "Nikoloz", "Anahit", "Dragoș", "Aleksandra", "Théo", "Inês", "Kristjan", "Agnieszka",
])
LAST_NAMES = _nfc([
    "Müller", "García", "Nowak", "Ødegård", "Kovačević", "Dubois", "Schröder", "Yılmaz", "Novák",
    "Petrović", "Lindqvist", "Ferreira", "Rossi", "Jansen", "Szabó", "Kowalczyk", "Popescu", "Andersson",
    "Horváth", "Mäkinen", "Černý", "Okafor", "Haddad", "Benali", "Fernández", "Zieliński", "Tamm",
    "Kazlauskas", "Beridze", "Grigoryan", "Ionescu", "Lefèvre", "Gonçalves", "Sõmer", "Wiśniewska",
])
# (full name, surname): a few names in their own script, as foreign names appear in wire copy.
NON_LATIN_NAMES = _nfc([
    ("Олена Коваленко", "Коваленко"), ("Дмитрий Орлов", "Орлов"), ("Наталья Смирнова", "Смирнова"),
    ("كريم الحداد", "الحداد"), ("ليلى منصور", "منصور"), ("يوسف العلي", "العلي"),
])
CITIES = _nfc([
    "Kraków", "São Paulo", "Tromsø", "Reykjavík", "Zaporizhzhia", "Gdańsk", "Timișoara", "Düsseldorf",
    "Córdoba", "Thessaloníki", "Ålesund", "Şanlıurfa", "Plzeň", "Łódź", "Malmö", "Kaunas", "Tartu",
    "Mostar", "Odesa", "Kharkiv", "Dnipro", "Marseille", "Besançon", "Nîmes", "Zürich", "Graz", "Brno",
    "Pécs", "Cluj-Napoca", "Batumi", "Tbilisi", "Yerevan", "Baku", "Aleppo", "Homs", "Latakia", "Erbil",
    "Mosul", "Basra", "Beirut", "Tyre", "Sidon", "Narva", "Daugavpils", "Chișinău", "Ruse", "Varna",
])
COUNTRIES = _nfc([
    "Estonia", "Latvia", "Lithuania", "Poland", "Finland", "Norway", "Romania", "Moldova", "Georgia",
    "Armenia", "Türkiye", "Greece", "Cyprus", "Jordan", "Lebanon", "Ukraine", "Czechia", "Slovakia",
    "Hungary", "Croatia", "Serbia", "Bulgaria", "Iceland", "Portugal", "Côte d’Ivoire", "São Tomé and Príncipe",
])
REGIONS = ["Baltic", "Nordic", "Danubian", "Adriatic", "Carpathian", "Caspian", "Levantine", "Pontic",
           "Atlantic", "Alpine", "Aegean", "Pannonian"]
DOMAINS = ["Energy", "Security", "Maritime", "Rail", "Water", "Aviation", "Health", "Grain", "Border",
           "Cyber", "Transit", "Nuclear"]
ORG_KINDS = ["Agency", "Authority", "Council", "Commission", "Directorate", "Corporation", "Institute",
             "Union", "Federation", "Board"]
FIXED_ORGS = _nfc([
    ("Société Générale de Transport", "SGT"), ("Agência Nacional de Águas", "ANA"),
    ("Österreichische Netzagentur", "ÖNA"), ("Compañía Eléctrica del Sur", "CES"),
    ("Związek Portów Bałtyckich", "ZPB"), ("Eesti Energeetika Nõukogu", "EEN"),
])
FACILITY_NAMES = _nfc(["Marj Ruhayyil", "Ørland", "Szolnok", "Łask", "Čáslav", "Šiauliai", "Ämari", "Souda Bay",
                       "Kalamata", "Mihail Kogălniceanu", "Lielvārde", "Rygge", "Sigonella", "Kecskemét",
                       "Náměšť", "Bezmer", "Graf Ignatievo", "Powidz", "Krzesiny", "Vaziani"])
FACILITY_KINDS = ["airbase", "power plant", "terminal", "dam", "refinery", "bridge", "port", "depot",
                  "substation", "radar station"]
WEAPON_PREFIXES = ["S", "K", "T", "BM", "ZU", "RB", "KH", "PZ", "MR", "LR"]
WEAPON_NAMES = _nfc(["Pechora", "Sokół", "Krab", "Piorun", "Grom", "Tor", "Buk", "Storm", "Bora", "Kasırga",
                     "Vulkan", "Jastrząb", "Šíp", "Ořel", "Tüfek", "Kılıç", "Åskvigg", "Myrsky", "Halla", "Ukko"])
GROUP_NAMES = _nfc(["Visegrád Group", "Weimar Triangle", "Bucharest Nine", "Three Seas Initiative",
                    "Lublin Triangle", "Craiova Group", "Nordic–Baltic Eight", "Southern Alliance",
                    "Pontic Compact", "Caspian Five", "Adriatic Charter", "Levant Contact Group",
                    "Danube Commission Bloc", "Coalition of the Willing", "Iranian axis", "Quad of the North"])
EVENT_KINDS = ["summit", "talks", "accord", "conference", "ceasefire", "referendum", "blackout"]
OPERATION_WORDS = _nfc(["Amber Shield", "Northern Lantern", "Iron Tide", "Silent Ferry", "Grey Heron",
                        "Bălți Dawn", "Winter Osprey", "Open Gate", "Steady Keel", "Red Thaw"])
OUTLET_PATTERNS = ["{city} Herald", "Radio {city}", "{city} Daily", "Le Courrier de {city}", "Gazeta {city}",
                   "{city} Today", "{city} Evening Post", "Kanal {city}", "{city} Times", "Noticias de {city}"]
AGENCY_PATTERNS = ["{region} Press Agency", "{region} Wire", "{region} News Service", "Agence {region}-Presse",
                   "{region}press", "{region} Telegraph Agency"]
GOVERNMENT_PATTERNS = ["{country} Ministry of {domain}", "{country} Foreign Ministry", "Government of {country}",
                       "{country} Ministry of Defence", "{country} Interior Ministry", "Office of the President of {country}"]
MILITARY_PATTERNS = ["{country} Armed Forces", "{country} Navy", "{country} Air Force", "General Staff of {country}",
                     "{region} Joint Command", "{country} Border Guard"]
ORGANIZATION_PATTERNS = ["{region} {domain} Institute", "{region} {domain} Council", "{domain} Watch {region}",
                         "{region} Chamber of Commerce", "{region} {domain} Union", "Friends of {region} {domain}"]
# (name, how the text calls it): media as a group; named in the text, but not a named entity.
COLLECTIVES = [("State media", "state media"), ("Local media", "local media"), ("Opposition media", "opposition media"),
               ("Regional broadcasters", "regional broadcasters"), ("Western media", "Western media"),
               ("Pro-government media", "pro-government media"), ("Independent media", "independent media"),
               ("Exile media", "exile media"), ("Business press", "the business press"), ("Tabloid press", "the tabloid press")]
# (name, how the text calls it): unnamed sources; the text does not name them, so no source_span.
ANONYMOUS = [("Unnamed officials", "officials familiar with the matter"), ("A senior diplomat", "a senior diplomat"),
             ("Sources close to the negotiations", "sources close to the negotiations"),
             ("Unnamed intelligence officials", "two intelligence officials"),
             ("A government insider", "a government insider who asked not to be named"),
             ("Unnamed industry sources", "industry sources"), ("Unnamed residents", "residents"),
             ("A military source", "a military source"), ("Unnamed analysts", "several analysts"),
             ("Unnamed aid workers", "aid workers in the area")]
SOURCE_COUNTS = {"news_agency": 15, "media_outlet": 45, "media_collective": len(COLLECTIVES), "government": 35,
                 "military": 20, "organization": 35, "person": 30, "anonymous": len(ANONYMOUS)}  # 200 in all
PERSON_ROLES = ["a spokesperson for the ministry", "an independent energy analyst", "a former defence minister",
                "a member of parliament", "a senior researcher", "a regional governor", "a trade union leader"]

# --- sentence templates ---------------------------------------------------------------------------
# {TYPE} is a mention of an entity of that type; {WORD} a value from WORDS; <<hedged|plain>> a hedge:
# the hedged variant is used when the claim is hedged and its [bracketed] part (or all of it) is the cue.

WORDS = {
    "DAY": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "MONTH": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"],
    "YEAR": [str(year) for year in range(2014, 2026)],
    "ADJ": ["cautious", "tense", "uneasy", "muted", "defiant", "sober", "guarded", "restless"],
    "NOUN": ["convoy", "shipment", "inspection", "delegation", "audit", "exercise", "tender", "patrol"],
}
ENTITY_SLOTS = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "PLACE": "PLACE", "FAC": "FACILITY",
                "WEAPON": "WEAPON", "GROUP": "GROUP", "EVENT": "EVENT"}
ENTITY_TYPES = ("PERSON", "ORGANIZATION", "PLACE", "FACILITY", "WEAPON", "GROUP", "EVENT")

TITLES = [
    "{PLACE} braces for the {EVENT} as {ORG} moves {WEAPON} closer to {FAC}",
    "{PERSON} and {GROUP} at odds over {PLACE} — what comes next",
    "Inside the {EVENT}: what {ORG} wants from {PLACE}",
    "{WEAPON} deployment near {FAC} tests {GROUP}’s resolve",
    "While {PERSON} talks, {ORG} quietly reinforces {FAC}",
    "{PLACE} after the {EVENT}: {GROUP} counts the cost",
]
CLAIM_TEMPLATES = {
    "factual": [
        "{ORG} <<[reportedly] |>>moved {NUM} {WEAPON} launchers to the {FAC} on {DAY}",
        "{PERSON} met envoys of the {GROUP} in {PLACE} <<[apparently] |>>without informing {ORG}",
        "{ORG} <<[reportedly] |>>spent {MONEY} on repairs at the {FAC} since {YEAR}",
        "{WEAPON} batteries <<[are believed to] have|have>> been deployed within {KM} of {PLACE}",
        "{PLACE} recorded {NUM} violations of the ceasefire agreed at the {EVENT}",
        "{FAC} <<[appears to] have|has>> been out of service since {DAY}, cutting supplies to {PLACE}",
        "{PERSON} signed the agreement with members of the {GROUP} in {PLACE} on {DAY}",
        "{ORG} <<[allegedly] |>>ordered {NUM} more {WEAPON} systems in {MONTH}",
    ],
    "opinion": [
        "{PERSON}’s handling of the {EVENT} was a serious mistake",
        "{GROUP} has no coherent strategy for {PLACE}",
        "{ORG} is clearly more interested in optics than in the safety of people in {PLACE}",
        "the {EVENT} was little more than a photo opportunity for {PERSON}",
        "{PERSON} understands that {PLACE} cannot be defended without the {FAC}",
        "the {GROUP} has been far too timid with {ORG}",
    ],
    "prediction": [
        "{ORG} <<could|will>> move more {WEAPON} batteries to the {FAC} before {MONTH}",
        "the {GROUP} <<[may] |will >>split over {PLACE} within a year",
        "the {EVENT} <<could|will>> trigger a far wider confrontation around {PLACE}",
        "{PLACE} <<is [likely to]|will>> face power cuts this winter if the {FAC} stays offline",
        "{PERSON} <<[might]|will>> step down before the {EVENT} is over",
    ],
}
MIXED_FRAGMENTS = _nfc([
    "which in addition to its range can track several targets at once",
    "a step we have warned about for months",
    "without any consultation whatsoever",
    "the largest such transfer since the 1990s",
    "in full view of the monitoring mission",
])
FILLERS_PLAIN = _nfc([
    "The talks resumed on {DAY} after a pause of several weeks.",
    "Queues formed outside petrol stations early in the morning.",
    "Officials declined to give a timetable for the next round.",
    "The mood in the capital was {ADJ}, and few people expected a quick result.",
    "Prices for bread and fuel have risen by {PCT} since {MONTH}.",
    "A {NOUN} was expected to arrive later in the week — though nobody would say from where.",
    "Satellite images published on {DAY} showed new earthworks along the road.",
    "“We have heard all this before,” one shopkeeper said, shrugging.",
    "The ministry’s statement did not mention the incident at all.",
    "Trains on the northern line were running about {NUM} minutes late.",
    "Schools in the border districts stayed closed for a second day.",
    "Local councils have asked for emergency funds twice since {MONTH}.",
    "The last comparable {NOUN} took place in {YEAR}.",
    "Journalists were not allowed past the second checkpoint.",
    "Some {NUM}\u00a0000 people live within range of the installation.",
    "A spokesperson said the figures would be published “in due course.”",
    "Parliament is due to debate the budget again in {MONTH}.",
    "Farmers say the closure of the road has doubled their transport costs.",
    "The weather, cold and wet since {DAY}, has slowed the repair crews.",
    "Diplomats described the atmosphere as {ADJ} but professional.",
    "The exchange rate barely moved after the announcement.",
    "Neither side has published the full text of the memorandum.",
    "Aid convoys need about {NUM} hours to cross the valley.",
    "It was the third such {NOUN} this year — and the largest.",
    "Insurance premiums for ships in the area have tripled since {YEAR}.",
    "Opposition deputies walked out of the session before the vote.",
    "Radio stations in the region repeated the warning every hour.",
    "The harbour’s cranes have stood idle since {MONTH}.",
    "Hospitals were told to keep generators fuelled for {NUM} days.",
    "A second {NOUN} was postponed without explanation.",
    "Several families have already left for relatives further west.",
    "The curfew, first imposed in {MONTH}, was extended by a week.",
    "Power was restored to most districts by the evening.",
    "Customs officers reported a sharp rise in traffic at the crossing.",
    "The central bank kept its main rate unchanged at {PCT}.",
    "Shops near the station reopened, though many shelves were empty.",
    "Volunteers handed out blankets and tea outside the town hall.",
    "The regional court adjourned the hearing until {MONTH}.",
    "Fishermen were told to stay in port for {NUM} hours.",
    "A ferry carrying {NUM} passengers turned back in heavy seas.",
    "Two roads into the valley were closed for mine clearance.",
    "The grain harvest is expected to fall for the second year running.",
    "Teachers’ unions have threatened to strike if salaries are not paid.",
    "Electricity tariffs will rise again in {MONTH}, the regulator said in a note.",
    "Television crews were kept {KM} from the site.",
    "Pensioners queued at the post office from dawn.",
    "The bridge had been inspected as recently as {YEAR}.",
    "Sirens sounded twice during the night; no damage was reported.",
    "The opposition’s motion failed by {NUM} votes.",
    "Rail freight through the corridor has halved since {YEAR}.",
    "Engineers worked through the weekend to repair the line.",
    "A court in the capital is due to rule on the case by {MONTH}.",
    "The governor’s office posted the new rules on its website on {DAY}.",
    "Construction of the new pipeline is months behind schedule.",
    "Mobile networks went down for about {NUM} minutes on {DAY}.",
    "The municipal budget for {YEAR} has still not been approved.",
    "Truck drivers waited up to {NUM} hours at the border.",
    "Hotel bookings in the region are down by {PCT} on last year.",
    "Police set up additional checkpoints on the ring road.",
    "A memorial service was held on {DAY} in the cathedral square.",
])
FILLERS_WITH_ENTITY = {
    "PERSON": ["{PERSON} did not respond to a request for comment.",
               "{PERSON} spent most of {DAY} in closed meetings.",
               "Aides to {PERSON} said the schedule had not changed."],
    "ORGANIZATION": ["{ORG} has not commented publicly on the reports.",
                     "A statement from {ORG} was expected on {DAY}.",
                     "Staff at {ORG} were told to work from home until {MONTH}."],
    "PLACE": ["In {PLACE}, residents queued for water for a second day.",
              "Flights to {PLACE} were cancelled on {DAY}.",
              "The road from {PLACE} remained open to civilian traffic."],
    "FACILITY": ["Access to the {FAC} was restricted on {DAY}.",
                 "Work at the {FAC} stopped for several hours.",
                 "The {FAC} was built in {YEAR} and modernised twice since."],
    "WEAPON": ["The {WEAPON} entered service in {YEAR}.",
               "Photographs of what looked like a {WEAPON} circulated on {DAY}.",
               "Crews trained on the {WEAPON} for {NUM} weeks."],
    "GROUP": ["Members of the {GROUP} meet again in {MONTH}.",
              "The {GROUP} has issued no joint statement so far.",
              "Not every member of the {GROUP} shares that view."],
    "EVENT": ["Preparations for the {EVENT} continued regardless.",
              "Few details of the {EVENT} have been made public.",
              "The {EVENT} had been planned since {YEAR}."],
}
MENTIONED_LAST = {  # a closing sentence for an entity that no sentence happened to mention
    "PERSON": "{PERSON} was not available for comment.",
    "ORGANIZATION": "{ORG} said it would respond in writing.",
    "PLACE": "Reporting was also contributed from {PLACE}.",
    "FACILITY": "The {FAC} was not open to visitors.",
    "WEAPON": "The {WEAPON} was not shown to reporters.",
    "GROUP": "The {GROUP} has not said when it will meet.",
    "EVENT": "The {EVENT} is expected to be discussed again.",
}

_TOKEN = re.compile(r"\{([A-Z]+)\}|<<(.*?)\|(.*?)>>")


def _compile(template: str) -> tuple:
    """A template as tokens: ("lit", text), ("ent", entity type), ("word", pool), ("hedge", pre, cue, post, plain)."""
    tokens, at = [], 0
    for match in _TOKEN.finditer(template):
        if match.start() > at:
            tokens.append(("lit", template[at:match.start()]))
        slot, hedged, plain = match.group(1), match.group(2), match.group(3)
        if slot in ENTITY_SLOTS:
            tokens.append(("ent", ENTITY_SLOTS[slot]))
        elif slot is not None:
            tokens.append(("word", slot))
        else:
            cue = re.search(r"\[(.*?)\]", hedged)
            if cue:
                tokens.append(("hedge", hedged[:cue.start()], cue.group(1), hedged[cue.end():], plain))
            else:
                stripped = hedged.strip()
                lead = hedged[:len(hedged) - len(hedged.lstrip())]
                tokens.append(("hedge", lead, stripped, hedged[len(lead) + len(stripped):], plain))
        at = match.end()
    if at < len(template):
        tokens.append(("lit", template[at:]))
    return tuple(tokens)


TITLE_TOKENS = [_compile(t) for t in _nfc(TITLES)]
CLAIM_TOKENS = {kind: [_compile(t) for t in _nfc(pool)] for kind, pool in CLAIM_TEMPLATES.items()}
FILLER_PLAIN_TOKENS = [_compile(t) for t in FILLERS_PLAIN]
FILLER_ENTITY_TOKENS = {kind: [_compile(t) for t in _nfc(pool)] for kind, pool in FILLERS_WITH_ENTITY.items()}
LAST_TOKENS = {kind: _compile(t) for kind, t in MENTIONED_LAST.items()}


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


# --- error injection ------------------------------------------------------------------------------
# Each kind breaks one thing whose problem code is certain, and nothing else (a file that fails a level
# is not checked further, so a broken text hides nothing of its annotation's other checks).

def _first_non_hedged(annotation: dict) -> dict:
    return next(claim for claim in annotation["claims"] if not claim["hedged"])


def _first_authorial(annotation: dict) -> dict:
    return next(claim for claim in annotation["claims"] if claim["attribution"]["mode"] == "authorial")


def _widen_onto_whitespace(annotation: dict, text: str) -> None:
    for entity in annotation["entities"]:
        for mention in entity["mentions"]:
            start = mention["start"]
            if start > 0 and text[start - 1].isspace():
                mention["start"], mention["text"] = start - 1, text[start - 1:mention["end"]]
                return
    raise AssertionError("no mention after whitespace")  # every document has one (sentence-initial names)


def _add_duplicate_mention(annotation: dict) -> None:
    mentions = annotation["entities"][0]["mentions"]
    count = sum(len(entity["mentions"]) for entity in annotation["entities"])
    mentions.append({**mentions[0], "id": f"m{count + 1}"})


def _nest(depth: int):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _set(path: list, value):
    def apply(annotation: dict) -> None:
        target = annotation
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return apply


# kind -> edit of the annotation dict (and the text, read only), before it is serialised.
ANNOTATION_EDITS = {
    "span-text-mismatch": lambda a, t: a["entities"][0]["mentions"][0].update(text=a["entities"][0]["mentions"][0]["text"] + "s"),
    "span-out-of-range": lambda a, t: a["claims"][-1].update(end=len(t) + 7),
    "unknown-entity": lambda a, t: a["claims"][0]["about"].append("e999"),
    "unknown-source": lambda a, t: _set(["metadata", "publisher_source_id"], "synth-no-such-outlet")(a),
    "schema-enum": lambda a, t: a["entities"][0].update(type="ANIMAL"),
    "schema-required": lambda a, t: a["metadata"].pop("license"),
    "text-sha256-mismatch": lambda a, t: a.update(text_sha256=hashlib.sha256(t.encode("utf-8") + b"!").hexdigest()),
    "duplicate-id": lambda a, t: a["claims"][1].update(id=a["claims"][0]["id"]),
    "hedge-mismatch": lambda a, t: _first_non_hedged(a).update(hedged=True),
    "span-invalid-range": lambda a, t: a["entities"][0]["mentions"][0].update(end=a["entities"][0]["mentions"][0]["start"]),
    "span-whitespace": _widen_onto_whitespace,
    "mention-duplicate": lambda a, t: _add_duplicate_mention(a),
    "attribution-mismatch": lambda a, t: _first_authorial(a).update(source_id="exile-media"),
    "schema-unknown-field": lambda a, t: a["metadata"].update(source_notes="added by hand"),
    "schema-type": lambda a, t: a["claims"][0].update(check_worthy="yes"),
    "schema-pattern": lambda a, t: a["metadata"].update(published_at="12/03/2021"),
    "schema-range": lambda a, t: a["entities"][0].update(name=""),
    "schema-unique-items": lambda a, t: a["claims"][0].update(about=["e1", "e1"]),
    "doc-id-invalid": lambda a, t: a.update(doc_id="Synth_Document"),
    "json-too-deep": lambda a, t: a["metadata"].update(license=_nest(MAX_JSON_DEPTH + 8)),
}
BYTE_EDITS = {  # kind -> (which file: "json" or "txt", bytes -> bytes, or None: the file is not written)
    "json-invalid": ("json", lambda data: data.rstrip()[:-1]),  # the final closing brace is missing
    "json-duplicate-key": ("json", lambda data: b'{\n  "doc_id": "synth-duplicate-key",' + data[1:]),
    "file-empty": ("json", lambda data: b""),
    "missing-annotation": ("json", lambda data: None),
    "encoding-bom": ("txt", lambda data: b"\xef\xbb\xbf" + data),
    "encoding-not-utf8": ("txt", lambda data: data.replace(b"\n", b"\n\xff", 1)),
    "text-crlf": ("txt", lambda data: data.replace(b"\n", b"\r\n", 1)),
    "text-not-nfc": ("txt", lambda data: data + "\nCafe\u0301.".encode("utf-8")),
    "text-control-char": ("txt", lambda data: data.replace(b"\n", b"\n\x07", 1)),
    "missing-document": ("txt", lambda data: None),
}
# The order kinds are handed out in (cycling): the most common mistakes first.
ERROR_KINDS = [
    "span-text-mismatch", "span-out-of-range", "unknown-entity", "unknown-source", "schema-enum",
    "schema-required", "json-invalid", "text-sha256-mismatch", "duplicate-id", "hedge-mismatch",
    "encoding-bom", "span-invalid-range", "span-whitespace", "mention-duplicate", "attribution-mismatch",
    "schema-unknown-field", "schema-type", "schema-pattern", "schema-range", "schema-unique-items",
    "doc-id-invalid", "json-duplicate-key", "json-too-deep", "encoding-not-utf8", "text-crlf",
    "text-not-nfc", "text-control-char", "file-empty", "missing-document", "missing-annotation",
]
assert set(ERROR_KINDS) == set(ANNOTATION_EDITS) | set(BYTE_EDITS)


def error_file(kind: str, doc_id: str) -> str:
    """The file (relative to the project) on which the validator reports the kind's problem."""
    if kind == "missing-annotation":  # reported on the text that has no annotation
        return f"corpus/documents/{doc_id}.txt"
    if kind == "missing-document":  # reported on the annotation that has no text
        return f"corpus/annotations/{doc_id}.json"
    if kind in BYTE_EDITS and BYTE_EDITS[kind][0] == "txt":
        return f"corpus/documents/{doc_id}.txt"
    return f"corpus/annotations/{doc_id}.json"


def plan_errors(n_docs: int, seed: int, errors: int) -> dict[int, str]:
    """0-based document index -> error kind, for `errors` distinct documents."""
    if not errors:
        return {}
    chosen = sorted(random.Random(f"newsclaims-synth-errors:{seed}:{n_docs}").sample(range(n_docs), errors))
    return {index: ERROR_KINDS[number % len(ERROR_KINDS)] for number, index in enumerate(chosen)}


def document_files(seed: int, index: int, kind: str | None = None, registry: Registry | None = None) -> tuple[str, bytes | None, bytes | None, str | None]:
    """(doc_id, text bytes, annotation bytes, story_id) of one document, with the error `kind` injected.

    None for a file that is not to be written.
    """
    doc_id, text, annotation = make_document(seed, index, registry)
    story_id = annotation["metadata"]["story_id"]
    if kind in ANNOTATION_EDITS:
        ANNOTATION_EDITS[kind](annotation, text)
    text_bytes, json_bytes = text.encode("utf-8"), dump_json(annotation)
    if kind in BYTE_EDITS:
        which, edit = BYTE_EDITS[kind]
        if which == "txt":
            text_bytes = edit(text_bytes)
        else:
            json_bytes = edit(json_bytes)
    return doc_id, text_bytes, json_bytes, story_id


# --- writing a project ----------------------------------------------------------------------------

def project_schema_dir() -> Path:
    """schema/ of the source checkout this package runs from (src/newsclaims/ -> ../../schema)."""
    folder = Path(__file__).resolve().parents[2] / "schema"
    if not (folder / "annotation.schema.json").is_file():
        raise FileNotFoundError(f"the project's schema folder was not found at {folder}: "
                                "`newsclaims synth` runs from a source checkout (pip install -e .)")
    return folder


def corpus_toml(n_docs: int, seed: int) -> str:
    ratios = ", ".join(f"{name} = {value}" for name, value in SPLIT_RATIOS.items())
    return f'''# A synthetic corpus generated by `newsclaims synth --docs {n_docs} --seed {seed}`. Schema: schema/corpus.schema.json.
schema_version = "1.0"

[dataset]
name = "{SYNTH_NAME}"
pretty_name = "newsclaims synthetic corpus ({n_docs} documents, seed {seed})"
version = "0.1.0"
license = "cc-by-4.0"
language = ["en"]
description = """
Synthetic news articles with entities, claims and sources, valid by construction, for benchmarks and \\
tests of the newsclaims tools. Generated from templates; no text is real reporting."""
citation = """
@misc{{newsclaims-synth,
  title = {{newsclaims synthetic corpus}},
  year = {{2026}},
}}"""

[splits]
salt = "{SPLIT_SALT}"
ratios = {{ {ratios} }}
'''


CHANGELOG = """# Changelog

## 0.1.0

- Synthetic corpus of {n} documents generated by `newsclaims synth --seed {seed}`.
"""


def _write_chunk(task: tuple) -> tuple[list[str | None], int]:
    """Write documents first..last-1; returns their story ids (in order) and the bytes written."""
    seed, first, last, corpus_dir, errors = task
    registry = registry_for(seed)
    documents_dir, annotations_dir = Path(corpus_dir) / "documents", Path(corpus_dir) / "annotations"
    stories, written = [], 0
    for index in range(first, last):
        doc_id, text_bytes, json_bytes, story_id = document_files(seed, index, errors.get(index), registry)
        stories.append(story_id)
        if text_bytes is not None:
            written += _write_file(f"{documents_dir}/{doc_id}.txt", text_bytes)
        if json_bytes is not None:
            written += _write_file(f"{annotations_dir}/{doc_id}.json", json_bytes)
    return stories, written


def _write_file(path: str, content: bytes) -> int:
    """os-level write: two files per document, and a Python file object costs more than the write."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view, done = memoryview(content), 0
        while done < len(content):  # write may be short on some file systems
            done += os.write(descriptor, view[done:])
    finally:
        os.close(descriptor)
    return len(content)


# --- the marker: what synth wrote, so that --force replaces that and nothing else ------------------

MARKER = ".newsclaims-synth.json"
MARKER_FORMAT = 1
# synth-0000001.txt in corpus/documents, synth-0000001.json in corpus/annotations
DOCUMENT_FOLDERS = {"corpus/documents": ".txt", "corpus/annotations": ".json"}
FIXED_FILES = ("CHANGELOG.md", INJECTED_ERRORS_FILE, "corpus/corpus.toml", "corpus/sources.json", "corpus/splits.json")
_DOC_FILE = re.compile(rf"^synth-(\d{{{DOC_ID_WIDTH}}})(\.txt|\.json)$")
# A schema file as synth copies it: under schema/, no component starting with a dot (so no . or ..).
_SCHEMA_FILE = re.compile(r"^schema(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$")


def schema_files(schema_dir: Path) -> list[str]:
    """The paths (relative to the project) of the schema files generate() copies."""
    return sorted(f"schema/{path.relative_to(schema_dir).as_posix()}" for path in schema_dir.rglob("*")
                  if path.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                                for part in path.relative_to(schema_dir).parts))


def marker_content(n_docs: int, seed: int, errors: int, schema: list[str]) -> dict:
    """What a run writes: the fixed files, the schema files and documents 1..n_docs (no time: same
    arguments, same bytes)."""
    return {
        "written_by": "newsclaims synth",
        "marker_format": MARKER_FORMAT,
        "docs": n_docs,
        "seed": seed,
        "errors": errors,
        "files": sorted([*FIXED_FILES, *schema]),
        "documents": {folder: f"{doc_id_of(0)}{suffix} ... {doc_id_of(n_docs - 1)}{suffix}"
                      for folder, suffix in DOCUMENT_FOLDERS.items()},
    }


def _free_sibling(out: Path) -> Path:
    """A folder beside `out` that does not exist yet, for the hint."""
    candidate, number = out.with_name(f"{out.name}-synth"), 2
    while os.path.lexists(candidate):
        candidate, number = out.with_name(f"{out.name}-synth-{number}"), number + 1
    return candidate


def _read_marker(out: Path) -> tuple[list[str], int]:
    """(files, docs) of the marker in `out`, checked: only paths synth writes, nothing outside `out`."""
    path = out / MARKER
    elsewhere = f"nothing was changed; give --out a new or empty folder (e.g. --out {_free_sibling(out)})"
    try:
        marker = orjson.loads(path.read_bytes())
    except OSError as error:  # unreadable: the machine's doing (permissions), not a refusal
        raise environment_failure(error, "reading") or error from None
    except orjson.JSONDecodeError as error:
        raise FileExistsError(f"{path} is not a marker written by `newsclaims synth` (not JSON: {error}); {elsewhere}") from None
    docs = marker.get("docs") if isinstance(marker, dict) else None
    files = marker.get("files") if isinstance(marker, dict) else None
    if (not isinstance(marker, dict) or marker.get("written_by") != "newsclaims synth" or marker.get("marker_format") != MARKER_FORMAT
            or type(docs) is not int or not 1 <= docs <= MAX_DOCS or not isinstance(files, list)):
        raise FileExistsError(f"{path} is not a marker written by `newsclaims synth` (format {MARKER_FORMAT}: written_by, "
                              f"docs, files); {elsewhere}")
    for name in files:
        if not isinstance(name, str) or not (name in FIXED_FILES or _SCHEMA_FILE.match(name)):
            raise FileExistsError(f"{path} lists {name!r}, which `newsclaims synth` never writes (the marker was edited); {elsewhere}")
    return files, docs


def _document_files(out: Path) -> list[tuple[str, int]]:
    """(path relative to out, document number) of every file in the document folders named as synth names them."""
    found = []
    for folder, suffix in DOCUMENT_FOLDERS.items():
        if not (out / folder).is_dir():
            continue
        with os.scandir(out / folder) as entries:
            for entry in entries:
                match = _DOC_FILE.match(entry.name)
                if match and match.group(2) == suffix:
                    found.append((f"{folder}/{entry.name}", int(match.group(1))))
    return found


def _prepare(out: Path, force: bool, planned: dict) -> None:
    """Make `out` ready for a run that writes what `planned` (the new marker) lists.

    An empty or new folder is fine. A non-empty one is replaced only with --force, and only if it holds
    the marker of an earlier run: then exactly the files that marker lists are removed (nothing else,
    not even inside corpus/), after checking that the new run overwrites nothing the marker does not list.
    """
    if os.path.lexists(out) and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder; give --out a new or empty folder (e.g. --out {_free_sibling(out)})")
    if not out.is_dir() or not any(out.iterdir()):
        return
    settings = out / "corpus" / "corpus.toml"
    if settings.is_file() and f'name = "{SYNTH_NAME}"' not in settings.read_text(encoding="utf-8", errors="replace"):
        raise FileExistsError(f"{out} holds a corpus that is not synthetic ({settings} does not name {SYNTH_NAME}); refusing to "
                              f"write there, even with --force: give --out a new or empty folder (e.g. --out {_free_sibling(out)})")
    if not (out / MARKER).is_file():
        forced = " --force replaces only what synth wrote, and" if force else ""
        raise FileExistsError(f"{out} is not empty and holds no {MARKER} (the list of what `newsclaims synth` wrote there), so it "
                              f"is not synthetic output:{forced} nothing was changed. Give --out a new or empty folder "
                              f"(e.g. --out {_free_sibling(out)})")
    files, docs = _read_marker(out)
    if not force:
        raise FileExistsError(f"{out} is not empty: it holds a synthetic corpus ({docs} documents, listed in {out / MARKER}); "
                              "add --force to replace it (only the files synth wrote there are replaced), or give --out a new or empty folder")
    for folder in ("corpus", "schema", *DOCUMENT_FOLDERS):
        if (out / folder).is_symlink() or (out / folder).exists() and not (out / folder).is_dir():
            raise FileExistsError(f"{out / folder} is not the folder synth wrote (a link or a file); nothing was changed: move it "
                                  "away, or give --out a new or empty folder")
    listed = set(files)
    removed = [name for name in files if os.path.lexists(out / name)]
    documents = _document_files(out)
    removed += [name for name, number in documents if number <= docs]
    # The new run must not overwrite what the old one did not write.
    kept = [name for name, number in documents if docs < number <= planned["docs"]]
    kept += [name for name in planned["files"] if name not in listed and os.path.lexists(out / name)]
    kept += [name for name in removed if (out / name).is_dir() and not (out / name).is_symlink()]
    if kept:
        more = f" (and {len(kept) - 1} more)" if len(kept) > 1 else ""
        raise FileExistsError(f"{out / kept[0]}{more} is in the way: synth writes there, but {out / MARKER} does not list it as "
                              "a file synth wrote; nothing was changed: move it away, or give --out a new or empty folder")
    for name in removed:
        (out / name).unlink(missing_ok=True)
    (out / MARKER).unlink()


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def generate(n_docs: int, out: Path, seed: int = 0, errors: int = 0, *, workers: int | None = None,
             force: bool = False, progress=None) -> dict:
    """Write a synthetic project folder at `out`; returns {"documents", "bytes", "injected"}.

    bytes counts every file under out/corpus. injected lists {"file", "code"} of the errors injected
    (sorted), as written to out/injected_errors.json. workers: processes (default: the usable cores;
    small corpora are written in this process). progress, if given, is called with documents done so far.
    """
    from .splits import compute_assignment, group_key, render_splits  # splits imports the validator

    if not isinstance(n_docs, int) or not 1 <= n_docs <= MAX_DOCS:
        raise ValueError(f"the number of documents must be between 1 and {MAX_DOCS}; got {n_docs!r}")
    if not isinstance(errors, int) or not 0 <= errors <= n_docs:
        raise ValueError(f"errors must be between 0 and the number of documents ({n_docs}); got {errors!r}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"the seed must be a non-negative integer; got {seed!r}")
    out = Path(out)
    schema_dir = project_schema_dir()
    marker = marker_content(n_docs, seed, errors, schema_files(schema_dir))
    _prepare(out, force, marker)

    # The marker first: a run cut short can still be replaced with --force.
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_bytes(orjson.dumps(marker, option=orjson.OPT_INDENT_2) + b"\n")
    corpus_dir = out / "corpus"
    (corpus_dir / "documents").mkdir(parents=True, exist_ok=True)
    (corpus_dir / "annotations").mkdir(parents=True, exist_ok=True)
    # dirs_exist_ok: schema/ may still hold a file of the user's (never one synth writes: _prepare checked)
    shutil.copytree(schema_dir, out / "schema", ignore=shutil.ignore_patterns("__pycache__", ".*"), dirs_exist_ok=True)
    (out / "CHANGELOG.md").write_text(CHANGELOG.format(n=n_docs, seed=seed), encoding="utf-8")
    registry = registry_for(seed)
    written = 0
    for name, content in (("corpus.toml", corpus_toml(n_docs, seed).encode("utf-8")),
                          ("sources.json", dump_json({"schema_version": "1.0", "sources": registry.records}))):
        written += (corpus_dir / name).write_bytes(content)

    corruptions = plan_errors(n_docs, seed, errors)
    tasks = [(seed, first, min(first + CHUNK_DOCS, n_docs), str(corpus_dir),
              {index: kind for index, kind in corruptions.items() if first <= index < first + CHUNK_DOCS})
             for first in range(0, n_docs, CHUNK_DOCS)]
    workers = default_workers() if workers is None else max(1, workers)
    stories: list[str | None] = []

    def collect(results) -> None:
        nonlocal written
        for chunk_stories, chunk_bytes in results:
            stories.extend(chunk_stories)
            written += chunk_bytes
            if progress is not None:
                progress(len(stories))

    if workers == 1 or n_docs < PARALLEL_FROM:
        collect(map(_write_chunk, tasks))
    else:
        from .pipeline import guard_worker  # the workers die with this process, off the caller's stdout

        with multiprocessing.get_context().Pool(workers, initializer=guard_worker) as pool:
            collect(pool.imap(_write_chunk, tasks))  # ordered: story ids arrive in document order

    groups = {doc_id_of(index): group_key(doc_id_of(index), story) for index, story in enumerate(stories)}
    splits_bytes = render_splits(SPLIT_SALT, SPLIT_RATIOS, compute_assignment(groups, SPLIT_SALT, SPLIT_RATIOS))
    written += (corpus_dir / "splits.json").write_bytes(splits_bytes)

    injected = sorted(({"file": error_file(kind, doc_id_of(index)), "code": kind} for index, kind in corruptions.items()),
                      key=lambda item: (item["file"], item["code"]))
    (out / INJECTED_ERRORS_FILE).write_bytes(orjson.dumps(injected, option=orjson.OPT_INDENT_2) + b"\n")
    return {"documents": n_docs, "bytes": written, "injected": injected}


# --- the command ----------------------------------------------------------------------------------

def cmd_synth(args) -> int:
    from .cli import UsageError

    if args.docs < 1 or args.docs > MAX_DOCS:
        raise UsageError(f"--docs must be between 1 and {MAX_DOCS}")
    if args.errors < 0 or args.errors > args.docs:
        raise UsageError(f"--errors must be between 0 and --docs ({args.docs})")
    if args.seed < 0:
        raise UsageError("--seed must be a non-negative integer")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    progress = None
    if sys.stderr.isatty():
        def progress(done: int) -> None:
            print(f"\r{done}/{args.docs} documents", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        result = generate(args.docs, Path(args.out), seed=args.seed, errors=args.errors, workers=args.workers,
                          force=args.force, progress=progress)
    except (FileExistsError, FileNotFoundError) as error:
        raise UsageError(str(error)) from None
    finally:
        if progress is not None:
            print(file=sys.stderr)
    seconds = time.perf_counter() - started
    injected = f"; {len(result['injected'])} injected errors listed in {Path(args.out) / INJECTED_ERRORS_FILE}" if result["injected"] else ""
    print(f"wrote {result['documents']} documents ({result['bytes'] / 1e6:.1f} MB) to {args.out} "
          f"in {seconds:.1f} s (seed {args.seed}){injected}")
    return 0


def main_for_tests(argv: list[str]) -> int:
    """Run `newsclaims synth ARGS` (argv without the word synth) as the CLI would, with its exit codes."""
    import argparse

    from .cli import EXIT_USAGE, UsageError
    from .commands import add_synth_parser

    parser = argparse.ArgumentParser(prog="newsclaims")
    add_synth_parser(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["synth", *argv])  # an option out of range is refused here (exit 2)
    except SystemExit as refused:
        return refused.code
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"newsclaims synth: error: {error}", file=sys.stderr)
        return EXIT_USAGE
