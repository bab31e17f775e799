"""The guideline's rules and the checks in step: each rule of corpus/GUIDELINES.md with its codes or the
reason none can check it (problems/rules.py, shown as a table in the guideline), and the hints of the
guideline's checks followed literally."""

from __future__ import annotations

import json
import re

import pytest

from helpers.invalid_fixtures import FIXTURES
from helpers.project import REPO
from newsclaims.cli import main
from newsclaims.problems.codes import CATALOGUE
from newsclaims.problems.rules import RULES, with_rules_table
from newsclaims.validation.guideline import GUIDELINE_CODES

GUIDELINE = REPO / "corpus" / "GUIDELINES.md"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_table_in_the_guideline_is_the_registry():
    page = GUIDELINE.read_text(encoding="utf-8")
    assert page == with_rules_table(page), "the table of rules in corpus/GUIDELINES.md is stale: run `python scripts/gen_docs.py`"


def test_each_rule_is_in_the_guideline_in_its_own_words_with_a_code_or_a_reason():
    page = _flat(GUIDELINE.read_text(encoding="utf-8").split("<!-- rules:")[0])  # the prose, not the table
    for rule in RULES:
        assert _flat(rule.says) in page, f"rule not found in GUIDELINES.md: {rule.says!r}"
        assert rule.codes or rule.reason, rule
        assert set(rule.codes) <= set(CATALOGUE), rule


def test_every_guideline_check_is_listed_against_a_rule_and_has_a_fixture():
    listed = {code for rule in RULES for code in rule.codes}
    assert set(GUIDELINE_CODES) <= listed
    assert set(GUIDELINE_CODES) <= set(FIXTURES)


def _validate(root, capsys) -> tuple[int, list[dict]]:
    code = main(["--root", str(root), "validate", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)["problems"]


def test_the_real_corpus_passes_every_rule(seed_project, capsys):
    assert _validate(seed_project, capsys) == (0, [])


def _follow(root, record: dict) -> None:
    """The hint's `Set "field": value, ...` applied to the object at the record's pointer."""
    path = root / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    parts = record["pointer"].split("/")[1:]
    if parts[-1] not in ("about",) and not parts[-1].isdigit():  # the pointer names the field itself
        parts = parts[:-1]
    target = annotation
    for part in parts:
        target = target[int(part)] if isinstance(target, list) else target[part]
    decoder = json.JSONDecoder()
    for match in re.finditer(r'"(\w+)": ', record["hint"].split(" (")[0]):
        value, _ = decoder.raw_decode(record["hint"], match.end())
        if isinstance(target, list):  # about: the pointer is the list itself
            target[:] = value
        else:
            target[match.group(1)] = value
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize("code", ["span-final-punctuation", "mention-possessive", "about-order", "about-missing-entity", "check-worthy-mismatch"])
def test_the_hint_followed_literally_gives_a_valid_file(code, mini_project, capsys):
    FIXTURES[code](mini_project)
    [record] = _validate(mini_project, capsys)[1]
    assert record["code"] == code and record["hint"].startswith("Set ")
    _follow(mini_project, record)
    assert _validate(mini_project, capsys) == (0, [])


def test_an_authorial_claim_with_a_source_span_is_an_attribution_mismatch(mini_project, capsys):
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["claims"][0]["attribution"]["source_span"] = annotation["claims"][1]["attribution"]["source_span"]
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    code, [record] = _validate(mini_project, capsys)
    assert (code, record["code"], record["pointer"]) == (1, "attribution-mismatch", "/claims/0/attribution/source_span")
    assert 'Set "source_span": null' in record["hint"]
