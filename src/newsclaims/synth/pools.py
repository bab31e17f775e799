"""The word pools and sentence templates synthetic documents are made of (all NFC, many non-ASCII names).
"""

from __future__ import annotations

import re
import unicodedata



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
