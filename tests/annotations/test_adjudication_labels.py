"""Disagreements of readings, label by label, and the gold file of what they agree on."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from newsclaims.annotations.adjudication import disagreements, gold_of

REPO = Path(__file__).resolve().parents[2]
READINGS = REPO / "corpus" / "annotators" / "b8270d0f4451370c"


def seed_readings() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(READINGS.glob("*.json"))}


def test_the_seed_readings_disagree_on_the_nested_and_split_claims_and_two_abouts():
    found = disagreements(seed_readings())
    assert sorted(d.label for d in found) == ["about", "about", "claim", "claim", "claim", "claim", "claim"]
    messages = " ".join(d.message for d in found)
    assert "to use Russia to help mitigate" in messages and "The challenge with this sort" in messages


def test_a_reading_agrees_with_itself():
    reading = seed_readings()["newsclaims-team"]
    assert disagreements({"a": reading, "b": copy.deepcopy(reading)}) == []
    assert "unresolved" not in gold_of({"a": reading, "b": copy.deepcopy(reading)})


def test_type_cluster_name_and_claim_field_disagreements_are_each_found():
    first = seed_readings()["newsclaims-team"]
    second = copy.deepcopy(first)
    second["entities"][0]["type"] = "ORGANIZATION"            # Putin's type
    second["entities"][1]["name"] = "Bibi Netanyahu"          # a name
    moved = second["entities"][2]["mentions"].pop()           # a mention moved to another entity
    second["entities"][3]["mentions"].append(moved)
    second["claims"][0]["check_worthy"] = False
    labels = {d.label for d in disagreements({"a": first, "b": second})}
    assert {"entity_type", "entity_name", "cluster", "check_worthy"} <= labels


def test_the_gold_keeps_only_what_every_reading_has_and_lists_the_rest():
    readings = seed_readings()
    gold = gold_of(readings)
    spans = {(c["start"], c["end"]) for c in gold["claims"]}
    for reading in readings.values():
        assert spans <= {(c["start"], c["end"]) for c in reading["claims"]}
    assert gold["annotation"]["annotators"] == sorted(readings) and gold["annotation"]["status"] == "gold"
    assert len(gold["unresolved"]) == 7
    assert all({r["annotator"] for r in item["readings"]} == set(readings) for item in gold["unresolved"])
