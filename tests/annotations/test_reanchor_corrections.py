"""Re-anchoring on real corrections of the seed text: each span's status is what a person would say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclaims.annotations.reanchor import apply, plan
from newsclaims.validation.level4_content import iter_spans

REPO = Path(__file__).resolve().parents[2]
SEED = "b8270d0f4451370c"
OLD = (REPO / "corpus" / "documents" / f"{SEED}.txt").read_text(encoding="utf-8")
GOLD = json.loads((REPO / "corpus" / "annotations" / f"{SEED}.json").read_text(encoding="utf-8"))
INSERTED = "Netanyahu spoke with Putin on the phone again this week. "


def corrected(old: str, new: str, count: int = 1) -> str:
    assert OLD.count(old) == count, old
    return OLD.replace(old, new)


def statuses(result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for span in result.spans:
        found.setdefault(span.status, []).append(span.text)
    return found


def test_vladamir_fixed_edits_the_mention_and_the_claim_holding_it_and_moves_nothing():
    result = plan(OLD, corrected("Vladamir", "Vladimir"), GOLD)
    edited = {s.pointer: s for s in result.spans if s.status == "edited"}
    assert sorted(s.text for s in edited.values()) == sorted(["Vladamir Putin", next(c["text"] for c in GOLD["claims"] if "Vladamir" in c["text"])])
    assert {s.new_text for s in edited.values()} >= {"Vladimir Putin"}
    assert all(s.status == "unchanged" for s in result.spans if s.pointer not in edited)
    assert result.writable(accept_edited=True) and not result.writable(accept_edited=False)


def test_abrest_fixed_edits_only_the_claim_it_is_in_and_shifts_what_follows():
    new = corrected("abrest", "abreast")
    result = plan(OLD, new, GOLD)
    found = statuses(result)
    assert len(found["edited"]) == 1 and "kept abrest of" in found["edited"][0]
    position = OLD.index("abrest")
    for span in result.spans:
        if span.status != "edited":
            assert span.status == ("unchanged" if span.old_start < position else "shifted")
            if span.status == "shifted":
                assert span.start == span.old_start + 1 and new[span.start:span.end] == span.text


def test_a_sentence_inserted_before_the_first_claim_shifts_every_later_span():
    new = OLD.replace("According to the Israeli media,", INSERTED + "According to the Israeli media,", 1)
    result = plan(OLD, new, GOLD)
    first_claim = min(c["start"] for c in GOLD["claims"][2:])  # after the title's two claims
    for span in result.spans:
        expected = "unchanged" if span.old_start < OLD.index("According to the Israeli") else "shifted"
        assert span.status == expected, span
        assert new[span.start:span.end] == span.text
    assert result.writable(accept_edited=False)
    assert first_claim > OLD.index("According")


def test_the_unclosed_quotation_mark_closed_keeps_the_amn_claim_and_shifts_the_rest():
    new = corrected("cruise missiles.", "cruise missiles.”")
    result = plan(OLD, new, GOLD)
    amn = next(s for s in result.spans if s.text.startswith("the modernized variant"))
    assert amn.status == "unchanged" and amn.text.endswith("missiles")
    assert set(statuses(result)) == {"unchanged", "shifted"}
    assert all(s.start == s.old_start + 1 for s in result.spans if s.status == "shifted")


def test_the_last_paragraph_deleted_loses_its_spans_and_nothing_else():
    cut = OLD.rindex("\n\n")
    result = plan(OLD, OLD[:cut], GOLD)
    lost = [s for s in result.spans if s.status == "lost"]
    assert lost and all(s.old_start > cut for s in lost)
    assert all(s.status == "unchanged" for s in result.spans if s.old_start < cut)
    assert len(lost) == sum(1 for _, span in iter_spans(GOLD) if span["start"] > cut)
    assert not result.writable(accept_edited=True)
    with pytest.raises(ValueError):
        apply(GOLD, result)


def test_a_moved_sentence_is_relocated_by_the_quote_search():
    sentence = "The Russians clearly have other ideas."
    assert OLD.count(" " + sentence) == 1
    new = OLD.replace(" " + sentence, "", 1) + " " + sentence  # moved to the end of the text
    result = plan(OLD, new, GOLD)
    moved = [s for s in result.spans if s.status == "relocated"]
    assert moved, statuses(result)
    for span in moved:
        assert new[span.start:span.end] == span.text
    assert result.writable(accept_edited=False)


def test_a_word_that_occurs_elsewhere_and_lost_its_context_is_ambiguous_not_guessed():
    # "Russia" replaced in one place, then one such word added elsewhere twice: the span's old context is gone
    new = OLD.replace("the IDF/IAF and Russian forces", "the IDF/IAF and the forces of Russia, Russia", 1)
    result = plan(OLD, new, GOLD)
    assert not any(s.status == "relocated" and s.text == "Russian" for s in result.spans)


def test_applied_spans_reproduce_the_new_text():
    new = corrected("Vladamir", "Vladimir").replace("According to the Israeli media,", INSERTED + "According to the Israeli media,", 1)
    result = plan(OLD, new, GOLD)
    reanchored = apply(GOLD, result)
    for _, span in iter_spans(reanchored):
        assert new[span["start"]:span["end"]] == span["text"]
    assert reanchored["text_sha256"] == result.new_sha256
