"""The quote search (validation/quotes.py): W3C TextQuoteSelector semantics, occurrence, near, hints."""

from __future__ import annotations

from newsclaims.validation.quotes import (
    AMBIGUOUS,
    CONTEXT_NOT_FOUND,
    FOUND,
    NOT_FOUND,
    OCCURRENCE_OUT_OF_RANGE,
    context,
    find_quote,
    loose_matches,
    nearest_occurrence,
    occurrence_number,
    occurrences,
)

TEXT = "Ships left Gdańsk on Monday. Officials in Gdańsk said the port of Gdańsk would reopen."
FIRST, SECOND, THIRD = 11, 42, 66


def test_occurrences_in_order_overlapping_included():
    assert occurrences(TEXT, "Gdańsk") == [FIRST, SECOND, THIRD]
    assert occurrences("aaa", "aa") == [0, 1]
    assert occurrences(TEXT, "") == []


def test_a_unique_quote_resolves_with_offsets_that_reproduce_it():
    match = find_quote(TEXT, "Officials")
    assert match.ok and match.status == FOUND and match.decided_by == "unique"
    assert TEXT[match.resolved.start:match.resolved.end] == "Officials"


def test_absent_quote_is_not_found_and_explained():
    match = find_quote(TEXT, "Gdansk")
    assert not match.ok and match.status == NOT_FOUND and match.candidates == ()
    assert "does not occur" in match.explain()


def test_repeated_quote_is_ambiguous_with_every_candidate_in_context():
    match = find_quote(TEXT, "Gdańsk")
    assert match.status == AMBIGUOUS and [c.start for c in match.candidates] == [FIRST, SECOND, THIRD]
    explained = match.explain()
    assert "3 times" in explained
    assert f"start={SECOND}, end={SECOND + 6}" in explained
    assert "Officials in [Gdańsk] said the port" in explained


def test_prefix_is_the_text_just_before():
    assert find_quote(TEXT, "Gdańsk", prefix="port of").resolved.start == THIRD
    assert find_quote(TEXT, "Gdańsk", prefix="in ").resolved.start == SECOND
    assert find_quote(TEXT, "Gdańsk", prefix="Officials  in").resolved.start == SECOND  # whitespace runs are loose


def test_suffix_is_the_text_just_after():
    assert find_quote(TEXT, "Gdańsk", suffix="on Monday").resolved.start == FIRST
    assert find_quote(TEXT, "Gdańsk", suffix=" would").resolved.start == THIRD


def test_prefix_and_suffix_together():
    text = "in Gdańsk said; in Gdańsk wrote; at Gdańsk said"
    assert find_quote(text, "Gdańsk", prefix="in", suffix="said").resolved.start == 3


def test_context_that_matches_nothing_lists_all_occurrences():
    match = find_quote(TEXT, "Gdańsk", prefix="city of")
    assert match.status == CONTEXT_NOT_FOUND and len(match.candidates) == 3
    assert "never with the prefix/suffix" in match.explain()


def test_occurrence_is_one_based_among_those_the_context_leaves():
    assert find_quote(TEXT, "Gdańsk", occurrence=1).resolved.start == FIRST
    assert find_quote(TEXT, "Gdańsk", occurrence=3).resolved.start == THIRD
    assert find_quote(TEXT, "Gdańsk", occurrence=3).decided_by == "occurrence"
    # after "the port of" there is one occurrence only
    assert find_quote(TEXT, "Gdańsk", prefix="of", occurrence=1).resolved.start == THIRD
    assert find_quote(TEXT, "Gdańsk", occurrence=4).status == OCCURRENCE_OUT_OF_RANGE
    assert find_quote(TEXT, "Gdańsk", occurrence=0).status == OCCURRENCE_OUT_OF_RANGE


def test_near_picks_the_nearest_and_a_tie_stays_ambiguous():
    match = find_quote(TEXT, "Gdańsk", near=SECOND + 1)
    assert match.resolved.start == SECOND and match.decided_by == "near"
    assert find_quote("ab ab ab", "ab", near=3).resolved.start == 3
    assert find_quote("ab__ab", "ab", near=2).status == AMBIGUOUS  # 2 from each
    assert find_quote(TEXT, "Gdańsk", occurrence=1, near=THIRD).resolved.start == FIRST  # occurrence wins


def test_nearest_occurrence_is_not_the_first_in_the_text():
    # a second "Gdańsk" written one off: the hint must point to the second, not the first
    found = nearest_occurrence(TEXT, "Gdańsk", SECOND + 1, SECOND + 7)
    assert (found.start, found.end) == (SECOND, SECOND + 6)
    assert nearest_occurrence(TEXT, "Gdańsk", SECOND + 1, SECOND + 7, exclude={(SECOND, SECOND + 6)}).start == THIRD
    assert nearest_occurrence(TEXT, "Warsaw", 0, 6) is None


def test_occurrence_number_round_trips_with_find_quote():
    for start in (FIRST, SECOND, THIRD):
        number = occurrence_number(TEXT, "Gdańsk", start)
        assert find_quote(TEXT, "Gdańsk", occurrence=number).resolved.start == start
    assert occurrence_number(TEXT, "Gdańsk", THIRD, prefix="port of") == 1
    assert occurrence_number(TEXT, "Gdańsk", 0) is None


def test_context_has_a_few_words_flattened_with_ellipses():
    text = "One two three four five six seven\nGdańsk eight nine ten eleven twelve thirteen fourteen."
    start = text.index("Gdańsk")
    before, after = context(text, start, start + 6)
    assert before == "...three four five six seven "
    assert after == " eight nine ten eleven twelve..."
    assert context("Gdańsk", 0, 6) == ("", "")


def test_loose_matches_find_what_the_writer_meant():
    text = "The minister said it “won’t  happen” – again."
    [found] = loose_matches(text, "won't happen")
    assert text[found.start:found.end] == "won’t  happen"
    [dash] = loose_matches(text, 'happen" - AGAIN')
    assert text[dash.start:dash.end] == "happen” – again"
    assert loose_matches(text, "   ") == []
