"""data/croissant.json: Croissant 1.1 metadata that mlcroissant validates and reads offline."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from helpers.project import REPO, copy_project
from newsclaims.cli import main
from newsclaims.dataset.croissant import CONTEXT, CROISSANT_VERSION, LICENSE_ALIASES, SPDX_IDS, croissant_json, license_url, render_croissant
from newsclaims.schema.features import config_columns, config_features
from newsclaims.schema.files import vocabularies

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

# The only warning mlcroissant may give: corpus.toml has no publication date, and none is invented.
ALLOWED_WARNINGS = ("datePublished",)


class Built:
    """A built data/ folder and the arguments of render_croissant computed from it."""

    def __init__(self, project: Path, data: Path):
        self.project, self.data = project, data
        self.settings = tomllib.loads((project / "corpus" / "corpus.toml").read_text(encoding="utf-8"))
        self.features = config_features(project / "schema")
        self.descriptions = {config: {column: description for column, (_, description) in columns.items()}
                             for config, columns in config_columns(project / "schema").items()}
        self.vocabularies = vocabularies(project / "schema")
        self.files = [(path.relative_to(data).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
                      for path in sorted(data.rglob("*.parquet"))]
        self.counts = json.loads((data / "manifest.json").read_text(encoding="utf-8"))["rows"]

    def args(self):
        return self.settings, self.features, self.descriptions, self.files, self.counts


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """The real corpus plus eleven copies of its first document (so that every split has rows), built once."""
    tmp = tmp_path_factory.mktemp("croissant")
    project = copy_project(REPO, tmp / "project")
    corpus = project / "corpus"
    seed = sorted((corpus / "annotations").glob("*.json"))[0].stem
    for i in range(11):
        doc_id = f"copy-{i:02d}"
        (corpus / "documents" / f"{doc_id}.txt").write_bytes((corpus / "documents" / f"{seed}.txt").read_bytes())
        annotation = json.loads((corpus / "annotations" / f"{seed}.json").read_text(encoding="utf-8"))
        annotation["doc_id"] = doc_id
        annotation["metadata"]["story_id"] = None
        (corpus / "annotations" / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n",
                                                               encoding="utf-8")
    assert main(["--root", str(project), "split"]) == 0
    assert main(["--root", str(project), "build", "--out", str(tmp / "data")]) == 0
    result = Built(project, tmp / "data")
    (result.data / "croissant.json").write_bytes(croissant_json(*result.args(), result.vocabularies))
    return result


@pytest.fixture(scope="module")
def mlc():
    return pytest.importorskip("mlcroissant", reason="mlcroissant validates and reads croissant.json")


def load(mlc, built: Built):
    """A fresh mlcroissant Dataset (filters change its nodes in place, so each read gets its own)."""
    return mlc.Dataset(jsonld=str(built.data / "croissant.json"))


def parquet_rows(built: Built, config: str) -> dict[tuple[str, str], dict]:
    """(split, id) -> row, from the Parquet files themselves."""
    rows = {}
    for path in sorted((built.data / config).glob("*.parquet")):
        split = path.name.split("-")[0]
        for row in pq.read_table(path).to_pylist():
            rows[(split, row["id"])] = row
    return rows


# --- mlcroissant validates it -------------------------------------------------------------------

def test_mlcroissant_validates_it_with_no_error_and_only_the_missing_date_warning(mlc, built):
    dataset = load(mlc, built)  # raises mlcroissant.ValidationError on any error
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    unexpected = [warning for warning in issues.warnings if not any(allowed in warning for allowed in ALLOWED_WARNINGS)]
    assert unexpected == []
    assert dataset.metadata.ctx.is_v1_1(), "read as Croissant 1.1"


def test_the_context_is_the_one_mlcroissant_writes_for_1_1(mlc):
    from mlcroissant._src.core.context import Context, CroissantVersion
    from mlcroissant._src.core.rdf import make_context

    standard = make_context(Context(conforms_to=CroissantVersion(CROISSANT_VERSION)))
    assert {key: CONTEXT.get(key) for key in standard} == standard


# --- mlcroissant reads the records offline ---------------------------------------------------------

def test_claims_records_come_back_with_every_row_and_its_label_ids(mlc, built):
    records = list(load(mlc, built).records("claims"))
    assert len(records) == sum(built.counts["claims"].values())
    expected = parquet_rows(built, "claims")
    seen = {(record["claims/split"].decode(), record["claims/id"].decode()): record for record in records}
    assert set(seen) == set(expected)
    names = built.features["claims"]["claim_type"].names
    for key, record in seen.items():
        for column in ("claim_type", "source_kind", "attribution_mode", "start", "end", "check_worthy"):
            assert record[f"claims/{column}"] == expected[key][column], (key, column)
        assert record["claims/claim_type"] in range(len(names))
        assert [about.decode() for about in record["claims/about"]] == expected[key]["about"]
    assert {record["claims/claim_type"] for record in records} == {row["claim_type"] for row in expected.values()}


def test_a_split_can_be_selected_with_a_filter(mlc, built):
    for split, rows in built.counts["claims"].items():
        records = list(load(mlc, built).records("claims", filters={"claims/split": split}))
        assert len(records) == rows
        assert {record["claims/split"] for record in records} == {split.encode()}


@pytest.mark.parametrize("config", ["entities", "mentions", "sources", "ner"])
def test_the_flat_configs_read_with_their_row_counts(mlc, built, config):
    # every record set, `documents` included, is read and compared with the Parquet rows in
    # tests/dataset/test_croissant_records.py
    assert len(list(load(mlc, built).records(config))) == sum(built.counts[config].values())


def test_the_label_enumerations_and_the_splits_are_readable_record_sets(mlc, built):
    dataset = load(mlc, built)
    claim_types = list(dataset.records("claim_type"))
    assert [(r["claim_type/id"], r["claim_type/name"]) for r in claim_types] == list(
        enumerate(built.features["claims"]["claim_type"].names))
    assert all(r["claim_type/description"] for r in claim_types), "definitions from schema/"
    splits = [r["splits/name"] for r in dataset.records("splits")]
    assert splits == [s for s in ("train", "validation", "test") if s in built.counts["documents"]]


# --- what it says -------------------------------------------------------------------------------

def test_it_lists_every_parquet_file_with_its_sha256_and_the_dataset_identity(built):
    metadata = json.loads((built.data / "croissant.json").read_text(encoding="utf-8"))
    dataset = built.settings["dataset"]
    assert metadata["@type"] == "sc:Dataset" and metadata["conformsTo"] == CROISSANT_VERSION
    assert (metadata["name"], metadata["version"], metadata["inLanguage"]) == (dataset["name"], dataset["version"], dataset["language"])
    assert metadata["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert metadata["citeAs"] == dataset["citation"].strip()
    assert not {"datePublished", "dateCreated", "dateModified", "url"} & set(metadata), "no invented date, no homepage given"
    objects = {d["contentUrl"]: d["sha256"] for d in metadata["distribution"] if d["@type"] == "cr:FileObject"}
    assert objects == dict(built.files)
    assert all(d["encodingFormat"] == "application/x-parquet" for d in metadata["distribution"])
    claims = next(r for r in metadata["recordSet"] if r["@id"] == "claims")
    fields = {f["name"]: f for f in claims["field"]}
    assert list(fields) == ["split", *built.features["claims"]]
    assert fields["claim_type"]["dataType"] == "sc:Integer"
    assert "0 = factual, 1 = opinion, 2 = prediction" in fields["claim_type"]["description"]
    assert fields["check_worthy"]["dataType"] == "sc:Boolean" and fields["start"]["dataType"] == "sc:Integer"
    assert fields["about"]["isArray"] is True and fields["about"]["dataType"] == "sc:Text"
    assert [sub["name"] for sub in fields["hedge_cues"]["subField"]] == ["start", "end", "text"]
    assert fields["hedge_cues"]["isArray"] is True
    assert fields["hedge_cues"]["subField"][0]["source"]["transform"] == {"jsonPath": "start"}
    assert fields["text"]["description"] == built.descriptions["claims"]["text"]


def test_same_input_same_bytes_whatever_the_order_of_files_and_counts(built):
    first = croissant_json(*built.args())
    files = list(built.files)
    random.Random(1).shuffle(files)
    counts = {config: dict(reversed(list(by_split.items()))) for config, by_split in reversed(list(built.counts.items()))}
    second = croissant_json(built.settings, built.features, built.descriptions, files, counts)
    assert first == second
    assert first.endswith(b"}\n") and first.startswith(b'{\n  "@context": {\n    "@language"')
    assert render_croissant(*built.args()) == json.loads(first)


def test_a_homepage_becomes_the_url_and_config_columns_pairs_are_accepted(built):
    settings = {**built.settings, "dataset": {**built.settings["dataset"], "homepage": "https://example.org/newsclaims"}}
    pairs = config_columns(built.project / "schema")
    metadata = render_croissant(settings, built.features, pairs, built.files, built.counts)
    assert metadata["url"] == "https://example.org/newsclaims"
    assert metadata == {**render_croissant(*built.args()), "url": "https://example.org/newsclaims"}


def test_files_that_disagree_with_the_counts_are_refused(built):
    with pytest.raises(ValueError, match="claims"):
        render_croissant(built.settings, built.features, built.descriptions,
                         [f for f in built.files if not f[0].startswith("claims/")], built.counts)
    with pytest.raises(ValueError, match="sha256"):
        render_croissant(built.settings, built.features, built.descriptions,
                         [(path, "not-a-hash") for path, _ in built.files], built.counts)


@pytest.mark.parametrize("license_id, expected", [
    ("cc-by-4.0", "https://spdx.org/licenses/CC-BY-4.0.html"),
    ("CC-BY-SA-4.0", "https://spdx.org/licenses/CC-BY-SA-4.0.html"),
    ("cc-by-nc-nd-4.0", "https://spdx.org/licenses/CC-BY-NC-ND-4.0.html"),
    ("cc0-1.0", "https://spdx.org/licenses/CC0-1.0.html"),
    ("mit", "https://spdx.org/licenses/MIT.html"),
    ("apache-2.0", "https://spdx.org/licenses/Apache-2.0.html"),
    ("odc-by", "https://spdx.org/licenses/ODC-By-1.0.html"),
    ("odbl", "https://spdx.org/licenses/ODbL-1.0.html"),
    ("gpl-3.0", "gpl-3.0"),  # the Hub's id does not say "only" or "or later": not guessed
    ("other", "other"),
    ("https://example.org/licence", "https://example.org/licence"),
])
def test_license_ids_become_spdx_urls_when_known(license_id, expected):
    assert license_url(license_id) == expected


def test_every_mapped_licence_is_a_current_spdx_identifier():
    spdx = pytest.importorskip("packaging.licenses._spdx", reason="the SPDX licence list shipped with packaging >= 24.2")
    for identifier in (*SPDX_IDS, *LICENSE_ALIASES.values()):
        entry = spdx.LICENSES.get(identifier.lower())
        assert entry is not None and entry["id"] == identifier and not entry["deprecated"], identifier
