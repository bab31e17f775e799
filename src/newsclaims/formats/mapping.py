"""Label mappings: a tool's or corpus' label names -> our entity types, claim types, span roles,
relation meanings, claim attributes and source ids. Built-in defaults cover our own names (what our
exporters write), CoNLL-2003 and OntoNotes 5; a mapping file (TOML, `--mapping FILE`) adds to them or
overrides them. A label with no mapping is never guessed: the importer reports it with the line to add.

A mapping file, every table optional (docs/formats.md):

    [entities]     # label -> entity type:  PER = "PERSON"
    [claims]       # label -> claim type:   Claim = "factual"
    [spans]        # label -> role of a span in a claim: "cue", "source" or "hedge"
    [relations]    # relation label -> "source", "about", "cue", "hedge" or "same" (one entity)
    [attributes]   # attribute / choice name -> claim field: "claim_type", "check_worthy", "hedged",
                   #   "attribution_mode" or "source_id"; a value "ignore" drops it without a warning
    [sources]      # a source span's text or a source choice -> an id of corpus/sources.json
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..problems.record import Problem, problem, shown_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENTITY_TYPES = ("PERSON", "ORGANIZATION", "PLACE", "FACILITY", "WEAPON", "GROUP", "EVENT")  # checked against schema/ in tests
CLAIM_TYPES = ("factual", "opinion", "prediction")
SPAN_ROLES = ("cue", "source", "hedge")
RELATION_MEANINGS = ("source", "about", "cue", "hedge", "same")
ATTRIBUTE_FIELDS = ("claim_type", "check_worthy", "hedged", "attribution_mode", "source_id", "ignore")
TABLES = ("entities", "claims", "spans", "relations", "attributes", "sources")

# Our own names: what `newsclaims export labelstudio|brat` writes, so that a round trip needs no file.
NEWSCLAIMS = {
    "entities": {name: name for name in ENTITY_TYPES},
    "claims": {"Claim": "factual", **{name: name for name in CLAIM_TYPES}},
    "spans": {"Cue": "cue", "Source": "source", "Hedge": "hedge"},
    "relations": {"source": "source", "about": "about", "cue": "cue", "hedge": "hedge", "same": "same",
                  "Alias": "same", "Synonym-of": "same"},  # brat's equivalence types (`*` lines)
    "attributes": {name: name for name in ATTRIBUTE_FIELDS if name != "ignore"},
    "sources": {},
}
# CoNLL-2003 (and CoNLL-2002): MISC has no type of ours (nationalities, events, works...): left unmapped.
CONLL = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "PLACE"}
# OntoNotes 5 (spaCy's English models): NORP (nationalities, religious or political groups), PRODUCT,
# WORK_OF_ART, LAW, LANGUAGE and the numeric types have no type of ours: left unmapped.
ONTONOTES = {"PERSON": "PERSON", "ORG": "ORGANIZATION", "GPE": "PLACE", "LOC": "PLACE", "FAC": "FACILITY", "EVENT": "EVENT"}
# brat's news tutorial types (annotation.conf of example-data/tutorials/news).
BRAT_NEWS = {"Person": "PERSON", "Organization": "ORGANIZATION", "GPE": "PLACE"}


@dataclass
class Mapping:
    tables: dict[str, dict[str, str]] = field(default_factory=lambda: {name: {} for name in TABLES})
    file: str = "(built-in defaults)"

    def entity(self, label: str) -> str | None:
        return self.tables["entities"].get(label)

    def claim(self, label: str) -> str | None:
        return self.tables["claims"].get(label)

    def role(self, label: str) -> str | None:
        return self.tables["spans"].get(label)

    def relation(self, label: str) -> str | None:
        return self.tables["relations"].get(label)

    def attribute(self, name: str) -> str | None:
        return self.tables["attributes"].get(name)

    def source(self, text: str) -> str | None:
        return self.tables["sources"].get(text)

    def knows(self, label: str) -> bool:
        return label in self.tables["entities"] or label in self.tables["claims"] or label in self.tables["spans"]


def default_mapping() -> Mapping:
    mapping = Mapping()
    for table, values in NEWSCLAIMS.items():
        mapping.tables[table].update(values)
    for values in (CONLL, ONTONOTES, BRAT_NEWS):
        mapping.tables["entities"].update(values)
    return mapping


_ALLOWED = {"entities": ENTITY_TYPES, "claims": CLAIM_TYPES, "spans": SPAN_ROLES, "relations": RELATION_MEANINGS,
            "attributes": ATTRIBUTE_FIELDS}


def load_mapping(path: Path | None) -> tuple[Mapping, list[Problem]]:
    """The defaults, with the file's tables over them. Problems name the file (and the table and key)."""
    mapping = default_mapping()
    if path is None:
        return mapping, []
    shown = shown_path(path)
    mapping.file = shown
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return mapping, [problem("import-unreadable", shown, f"the mapping file cannot be read: {error}")]
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None)
        return mapping, [problem("import-unreadable", shown, f"the mapping file is not valid TOML: {error}", line=line)]
    problems = []
    for table, values in data.items():
        if table not in TABLES or not isinstance(values, dict):
            problems.append(problem("import-shape", shown, f"[{table}] is not a table of a mapping file (tables: {', '.join(TABLES)})",
                                    pointer=f"/{table}"))
            continue
        for label, target in values.items():
            allowed = _ALLOWED.get(table)
            if not isinstance(target, str) or (allowed is not None and target not in allowed):
                problems.append(problem("import-shape", shown, f"[{table}] {label!r} = {target!r}: the value must be one of "
                                        f"{', '.join(allowed) if allowed else 'the ids of corpus/sources.json'}", pointer=f"/{table}/{label}"))
                continue
            mapping.tables[table][label] = target
    return mapping, problems


def mapping_line(label: str, table: str = "entities") -> str:
    """What a mapping file needs for an unmapped label (the hint of import-label-unmapped)."""
    choices = {"entities": ENTITY_TYPES, "claims": CLAIM_TYPES, "spans": SPAN_ROLES}[table]
    return f'the line `"{label}" = "<{"|".join(choices)}>"` under [{table}]'
