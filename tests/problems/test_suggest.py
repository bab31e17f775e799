"""Near matches for hints (problems/suggest.py)."""

from __future__ import annotations

from newsclaims.problems.suggest import did_you_mean, edit_distance, near_matches


def test_edit_distance():
    assert edit_distance("reuters", "reuters") == 0
    assert edit_distance("reuter", "reuters") == 1
    assert edit_distance("ruetres", "reuters") == 2  # two swaps
    assert edit_distance("", "abc") == 3


def test_case_comes_first_then_distance():
    assert near_matches("Reuters", ["afp", "reuters", "reuter"]) == ["reuters", "reuter"]
    assert near_matches("PERSN", ["PERSON", "PLACE", "EVENT"]) == ["PERSON"]
    assert near_matches("xyz", ["PERSON", "PLACE"]) == []


def test_did_you_mean_lists_few_values():
    assert did_you_mean("reuter", ["author", "reuters"], "source id") == \
        "Did you mean `reuters`? The source ids are: `author`, `reuters`."
    assert did_you_mean("zzz", [f"s{i}" for i in range(50)]) == ""
