"""Every agreement figure against a published implementation on the same input: nervaluate (SemEval-2013
9.1 modes), scikit-learn's cohen_kappa_score, the krippendorff package; MUC and B-cubed against the
worked examples of their papers. Inputs: the seed's two readings, and readings derived from them."""

from __future__ import annotations

import copy
import json
import math
import random
from pathlib import Path

import pytest

from newsclaims.annotations import agreement

krippendorff = pytest.importorskip("krippendorff")
nervaluate = pytest.importorskip("nervaluate")
sklearn_metrics = pytest.importorskip("sklearn.metrics")

REPO = Path(__file__).resolve().parents[2]
SEED = "b8270d0f4451370c"
READINGS = REPO / "corpus" / "annotators" / SEED


def readings() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(READINGS.glob("*.json"))}


def nervaluate_overall(true: list[dict], pred: list[dict]) -> dict:
    """nervaluate's overall result per mode (its ends are inclusive)."""
    as_dicts = [[{"label": m["type"], "start": m["start"], "end": m["end"] - 1} for m in mentions] for mentions in (true, pred)]
    tags = sorted({m["type"] for m in true + pred}) or ["PERSON"]
    results = nervaluate.Evaluator([as_dicts[0]], [as_dicts[1]], tags=tags, loader="dict").evaluate()["overall"]
    return results


def perturbed(annotation: dict, seed: int) -> dict:
    """A reading that disagrees: mentions dropped, shifted, retyped, merged into other entities; claims
    cut and relabelled. Spans stay inside the text; validity does not matter to the measures."""
    rng = random.Random(seed)
    other = copy.deepcopy(annotation)
    types = ["PERSON", "ORGANIZATION", "PLACE", "GROUP"]
    for entity in other["entities"]:
        if rng.random() < 0.2:
            entity["type"] = rng.choice(types)
        kept = []
        for mention in entity["mentions"]:
            roll = rng.random()
            if roll < 0.15:
                continue
            if roll < 0.3:
                mention["end"] += rng.choice([-1, 2])
            kept.append(mention)
        entity["mentions"] = kept
    if len(other["entities"]) > 3:  # a merge: two clusters become one
        other["entities"][0]["mentions"] += other["entities"][1]["mentions"]
        other["entities"][1]["mentions"] = []
    other["entities"].append({"id": "e99", "type": "EVENT", "name": "x", "mentions": [{"id": "m999", "start": 3, "end": 9, "text": "x"}]})
    for claim in other["claims"]:
        roll = rng.random()
        if roll < 0.2:
            claim["end"] = max(claim["start"] + 1, claim["end"] - 10)
        if rng.random() < 0.3:
            claim["claim_type"] = rng.choice(["factual", "opinion", "prediction"])
        if rng.random() < 0.2:
            claim["check_worthy"] = not claim["check_worthy"]
        if rng.random() < 0.2:
            claim["source_id"] = rng.choice(["author", "amn", "israeli-media"])
    other["claims"] = [c for c in other["claims"] if rng.random() > 0.1]
    return other


PAIRS = [("seed", None)] + [("perturbed", seed) for seed in range(6)]


def pair_of(kind, seed) -> tuple[dict, dict]:
    team, second = readings()["newsclaims-team"], readings()["second-reader-model"]
    return (team, second) if kind == "seed" else (team, perturbed(second, seed))


@pytest.mark.parametrize("kind,seed", PAIRS)
def test_mention_modes_equal_nervaluate(kind, seed):
    first, second = pair_of(kind, seed)
    true, pred = agreement.mentions_of(first), agreement.mentions_of(second)
    ours = agreement.mention_agreement(true, pred)
    theirs = nervaluate_overall(true, pred)
    for mode in agreement.MODES:
        figures = agreement.scores(ours[mode], mode in ("partial", "ent_type"))
        reference = theirs[mode]
        for kind_of_count in ("correct", "incorrect", "partial", "missed", "spurious"):
            assert figures[kind_of_count] == getattr(reference, kind_of_count), (mode, kind_of_count)
        for figure in ("precision", "recall", "f1"):
            assert figures[figure] == pytest.approx(getattr(reference, figure)), (mode, figure)


def test_the_seeds_mentions_agree_perfectly_and_the_perturbed_ones_do_not():
    first, second = pair_of("seed", None)
    seed_figures = agreement.document_agreement(SEED, {"a": first, "b": second})
    assert seed_figures["mentions"]["strict"]["f1"] == 1.0 and seed_figures["mentions"]["strict"]["correct"] == 59
    first, second = pair_of("perturbed", 0)
    figures = agreement.document_agreement(SEED, {"a": first, "b": second})
    assert figures["mentions"]["strict"]["f1"] < figures["mentions"]["partial"]["f1"] < 1.0


@pytest.mark.parametrize("kind,seed", PAIRS)
def test_kappa_and_alpha_equal_scikit_learn_and_krippendorff(kind, seed):
    first, second = pair_of(kind, seed)
    figures = agreement.document_agreement(SEED, {"a": first, "b": second})
    pooled = figures["pooled"]
    checked = 0
    for attribute in agreement.CLAIM_ATTRIBUTES:
        left, right = [[agreement._key(v) for v in side] for side in pooled["claim_attributes"][attribute]]
        figure = figures["claim_attributes"][attribute]
        assert figure["items"] == len(left) == figures["claims"]["overlap"]["matched"]
        _same_kappa(figure["cohen_kappa"], left, right)
        _same_alpha(figure["krippendorff_alpha"], [left, right])
        checked += 1
    types_left, types_right = pooled["entity_type"][0]
    _same_kappa(figures["entity_type"]["cohen_kappa"], types_left, types_right)
    _same_alpha(figures["entity_type"]["krippendorff_alpha"], [types_left, types_right])
    assert checked == 5


def _same_kappa(ours, left, right):
    if len(set(left) | set(right)) < 2:  # one label only: scikit-learn returns nan, we say undefined
        assert ours is None
        return
    theirs = sklearn_metrics.cohen_kappa_score(left, right)
    if math.isnan(theirs):
        assert ours is None
    else:
        assert ours == pytest.approx(theirs)


def _same_alpha(ours, rows):
    """krippendorff.alpha with reliability data (coders x units), nominal."""
    values = sorted({v for row in rows for v in row if v is not None})
    if len(values) < 2:  # the package refuses a single value: undefined
        assert ours is None
        return
    code = {v: i for i, v in enumerate(values)}
    data = [[code[v] if v is not None else math.nan for v in row] for row in rows]
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=list(range(len(values))))
    assert ours == pytest.approx(theirs)


def test_alpha_of_three_annotators_with_missing_values_equals_krippendorff():
    rng = random.Random(7)
    labels = ["factual", "opinion", "prediction"]
    units = [[rng.choice(labels) if rng.random() > 0.2 else None for _ in range(3)] for _ in range(40)]
    _same_alpha(agreement.krippendorff_alpha(units), [list(column) for column in zip(*units)])


def test_three_readings_get_alpha_and_no_kappa():
    team, second = readings()["newsclaims-team"], readings()["second-reader-model"]
    figures = agreement.document_agreement(SEED, {"a": team, "b": second, "c": perturbed(second, 3)})
    assert len(figures["pairs"]) == 3
    assert "cohen_kappa" not in figures["claim_attributes"]["claim_type"]
    assert figures["claim_attributes"]["claim_type"]["krippendorff_alpha"] is not None


def test_muc_matches_the_worked_example_of_vilain_et_al():
    # Vilain et al. (1995): key {A B C D}, response {A B} {C D}: recall 2/3, precision 1.
    figure = agreement.muc([{1, 2, 3, 4}], [{1, 2}, {3, 4}])
    assert figure["recall"] == pytest.approx(2 / 3) and figure["precision"] == 1.0


def test_b_cubed_matches_the_worked_example_of_bagga_and_baldwin():
    # Bagga and Baldwin (1998), figure 2 -> 3: key {1..5} {6 7} {8..12}, response {1..5} {6..12}:
    # precision 76/108 (0.7037...), recall 1 (each mention's response cluster holds its key cluster).
    key = [{1, 2, 3, 4, 5}, {6, 7}, {8, 9, 10, 11, 12}]
    response = [{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11, 12}]
    figure = agreement.b_cubed(key, response)
    assert figure["recall"] == 1.0
    assert figure["precision"] == pytest.approx((5 * 1 + 2 * 2 / 7 + 5 * 5 / 7) / 12)
    # and MUC does not see the difference between this merge and a worse one (the paper's point)
    assert agreement.muc(key, response)["recall"] == 1.0


def test_claim_overlap_pairs_nested_claims_with_their_own_partners():
    outer, inner = {"start": 0, "end": 100}, {"start": 10, "end": 30}
    other_outer, other_inner = {"start": 0, "end": 98}, {"start": 10, "end": 31}
    assert agreement.claim_pairs([outer, inner], [other_inner, other_outer]) == [(0, 1), (1, 0)]


def test_a_label_used_by_nobody_but_one_gives_undefined_not_perfect():
    assert agreement.cohen_kappa(["a", "a"], ["a", "a"]) is None
    assert agreement.krippendorff_alpha([["a", "a"], ["a", "a"]]) is None
