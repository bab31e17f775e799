"""The card as a consumer reads it: every number it states is recounted here from the Parquet files,
independently of the build; the licences, citation and changelog are there; `card --check` catches a
stale card; CITATION.cff is valid CFF 1.2.0 and says what corpus.toml says."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml
from helpers.project import REPO
from helpers.copies import project_with_copies

from newsclaims.cli import main
from newsclaims.dataset.croissant import license_url
from newsclaims.publish.citation import render_citation

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

CFF_SCHEMA = REPO / "tests" / "fixtures" / "cff" / "schema-1.2.0.json"  # the schema cffconvert 2.0.0 ships


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real corpus plus copies under other ids (one with a second annotator), built."""
    def second_annotator(i, annotation):
        if i == 0:
            annotation["annotation"]["annotators"].append("second-annotator")

    project = project_with_copies(tmp_path_factory.mktemp("card"), 5, second_annotator)
    assert main(["--root", str(project), "build"]) == 0
    return project


def table(data: Path, config: str) -> dict[str, list[dict]]:
    return {p.name.split("-")[0]: pq.read_table(p).to_pylist() for p in sorted((data / config).glob("*.parquet"))}


def rows_of(card: str, title: str) -> dict[str, list[int]]:
    """A count table of the card: value -> its numbers (per split, then the total)."""
    lines = card.split(f"| {title} |", 1)[1].splitlines()[2:]
    found = {}
    for line in lines:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        found[cells[0].strip("`")] = [int(c) for c in cells[1:]]
    return found


def test_every_count_in_the_card_is_the_parquet_files(built):
    data = built / "data"
    card = (data / "README.md").read_text(encoding="utf-8")
    splits = [s for s in ("train", "validation", "test") if (data / "documents" / f"{s}-00000-of-00001.parquet").exists()]
    mentions, claims, documents = table(data, "mentions"), table(data, "claims"), table(data, "documents")
    from newsclaims.schema.features import config_features
    features = config_features(built / "schema")
    entity_types = features["mentions"]["entity_type"].names
    source_kinds = features["claims"]["source_kind"].names
    expected = {}
    for value, name in enumerate(entity_types):
        per = [sum(1 for r in mentions.get(s, []) if r["entity_type"] == value) for s in splits]
        if sum(per):
            expected[name] = per + [sum(per)]
    assert rows_of(card, "mentions per entity type") == expected
    expected = {}
    for value, name in enumerate(source_kinds):
        per = [sum(1 for r in claims.get(s, []) if r["source_kind"] == value) for s in splits]
        if sum(per):
            expected[name] = per + [sum(per)]
    assert rows_of(card, "claims per source kind") == expected
    all_docs = [r for s in splits for r in documents.get(s, [])]
    all_claims = [r for s in splits for r in claims.get(s, [])]
    assert f"**Size**: {len(all_docs)} documents, {len(all_claims)} claims." in card
    by_author = sum(1 for r in all_claims if r["source_id"] == "author")
    assert f"{by_author} of {len(all_claims)} claims ({100 * by_author / len(all_claims):.0f}%) are the author's own" in card
    several = sum(1 for r in all_docs if len(r["annotation_annotators"]) > 1)
    assert several == 1
    if (built / "corpus" / "annotators").is_dir():  # separate readings: measured, in the agreement section
        assert "every reading is in the `raw_annotations` config" in card and "## Inter-annotator agreement" in card
    else:
        assert f"{several} of the {len(all_docs)} documents list more than one annotator" in card
    annotators = Counter(a for r in all_docs for a in r["annotation_annotators"])
    for name, n in annotators.items():
        assert f"`{name}` ({n} document{'s' if n != 1 else ''})" in card
    unlicensed = sum(1 for r in all_docs if r["license"] is None)
    assert f"{unlicensed} of {len(all_docs)} documents state no licence" in card
    statuses = Counter(r["annotation_status"] for r in all_docs)
    names = features["documents"]["annotation_status"].names
    for value, name in enumerate(names):
        assert re.search(rf"^\| `{name}` \| {statuses[value]} \|", card, re.MULTILINE), name
    # the statistics table per split: rows per config
    for config in ("documents", "entities", "mentions", "claims"):
        counted = [len(table(data, config).get(s, [])) for s in splits]
        assert f"| {config} | " + " | ".join(map(str, counted)) + " |" in card


def test_the_card_states_both_licences_the_citation_and_this_versions_changes(built):
    card = (built / "data" / "README.md").read_text(encoding="utf-8")
    settings = tomllib.loads((built / "corpus" / "corpus.toml").read_text(encoding="utf-8"))["dataset"]
    assert "**The labels**" in card and f"`{settings['license']}` ({license_url(settings['license'])})" in card
    assert "**The texts** are not covered by that licence" in card
    assert "```bibtex\n" + settings["citation"].strip() + "\n```" in card and "CITATION.cff" in card
    changelog = (built / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split(f"## {settings['version']}", 1)[1].split("\n## ", 1)[0].strip()
    assert f"## Changes in {settings['version']}\n\n{entry}\n" in card
    assert "## Annotation process" in card and "## Known limitations and biases" in card


def test_a_single_annotator_is_said_plainly(mini_project, capsys):
    assert main(["--root", str(mini_project), "build"]) == 0
    card = (mini_project / "data" / "README.md").read_text(encoding="utf-8")
    assert "annotated by a single annotator: there is no inter-annotator agreement to report" in card


def test_card_check_passes_on_a_fresh_build_and_shows_a_diff_for_a_stale_card(built, capsys):
    assert main(["--root", str(built), "card", "--write-citation"]) == 0
    capsys.readouterr()
    assert main(["--root", str(built), "card", "--check"]) == 0
    card = built / "data" / "README.md"
    original = card.read_text(encoding="utf-8")
    card.write_text(original.replace("## Licences", "## Licenses"), encoding="utf-8")
    try:
        capsys.readouterr()
        assert main(["--root", str(built), "card", "--check"]) == 1
        out = capsys.readouterr().out
        assert "--- " in out and "+++ " in out and "-## Licenses\n" in out and "+## Licences\n" in out
    finally:
        card.write_text(original, encoding="utf-8")


def test_the_committed_card_and_citation_are_what_the_build_writes(capsys):
    assert main(["--root", str(REPO), "card", "--check"]) == 0, capsys.readouterr().out


def test_citation_cff_is_valid_cff_1_2_and_agrees_with_corpus_toml():
    committed = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    settings = tomllib.loads((REPO / "corpus" / "corpus.toml").read_text(encoding="utf-8"))
    assert committed == render_citation(settings)
    citation = yaml.safe_load(committed)
    jsonschema.validate(citation, json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))
    dataset = settings["dataset"]
    assert (citation["cff-version"], citation["type"], citation["version"]) == ("1.2.0", "dataset", dataset["version"])
    assert citation["title"] == dataset["pretty_name"] and citation["license"] == "CC-BY-4.0"
    assert citation["authors"] == [{"name": "The newsclaims contributors"}]


def test_a_licence_that_is_not_spdx_is_not_written_as_one():
    settings = tomllib.loads((REPO / "corpus" / "corpus.toml").read_text(encoding="utf-8"))
    settings["dataset"]["license"] = "other"
    citation = yaml.safe_load(render_citation(settings))
    assert "license" not in citation
    jsonschema.validate(citation, json.loads(CFF_SCHEMA.read_text(encoding="utf-8")))
