"""mlcroissant (the Croissant reference implementation) reads every record set of croissant.json, and
each one holds exactly the Parquet rows (or the label and split lists): none is left untested."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from datasets import List
import pytest
from helpers.project import REPO
from helpers.copies import project_with_copies

from newsclaims.cli import main
from newsclaims.schema.configs import BY_NAME, CONFIG_NAMES
from newsclaims.schema.features import config_features
from newsclaims.schema.files import vocabularies

mlc = pytest.importorskip("mlcroissant", reason="mlcroissant reads croissant.json")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """The real corpus plus copies of its document under other ids, so that every split has rows."""
    tmp = tmp_path_factory.mktemp("croissant-records")
    project = project_with_copies(tmp, 11)
    assert main(["--root", str(project), "build", "--out", str(tmp / "data")]) == 0
    return tmp / "data"


def records(data: Path, record_set: str) -> list[dict]:
    logging.disable(logging.WARNING)  # mlcroissant logs the missing datePublished on every load
    try:
        return list(mlc.Dataset(jsonld=str(data / "croissant.json")).records(record_set))
    finally:
        logging.disable(logging.NOTSET)


def plain(value, prefix: str = ""):
    """A record value as Python data: bytes -> str, arrays -> lists, dict keys without their @id prefix."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v, prefix) for v in value]
    if isinstance(value, dict):
        return {key.rsplit("/", 1)[-1]: plain(v, prefix) for key, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def parquet(data: Path, config: str) -> dict[tuple[str, str], dict]:
    rows = {}
    for path in sorted((data / config).glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            rows[(path.name.split("-")[0], row[BY_NAME[config].key])] = row
    return rows


def item_leaves(item: dict | None, feature: dict, keys=()) -> dict:
    """A nested item as the leaves Croissant describes, from its features: attribution.mode ->
    attribution_mode (None under a null struct); lists of structs are left out."""
    from datasets import List

    flat = {}
    for key, sub in feature.items():
        value = None if item is None else item.get(key)
        if isinstance(sub, dict):
            flat.update(item_leaves(value, sub, keys + (key,)))
        elif not (isinstance(sub, List) and isinstance(sub.feature, dict)):
            flat["_".join(keys + (key,))] = value
    return flat


def as_read(value, feature):
    """What mlcroissant gives for a value of `feature`: a null struct is a struct of nulls (without
    its lists of structs)."""
    from datasets import List

    if isinstance(feature, dict):  # under a null struct, a list of structs is absent
        return {k: as_read(None if value is None else value.get(k), sub) for k, sub in feature.items()
                if value is not None or not (isinstance(sub, List) and isinstance(sub.feature, dict))}
    if isinstance(feature, List) and isinstance(feature.feature, dict):
        return [as_read(v, feature.feature) for v in (value or [])]
    return value


def test_every_record_set_is_read_whole_and_equals_the_data(data):
    metadata = json.loads((data / "croissant.json").read_text(encoding="utf-8"))
    record_sets = [r["@id"] for r in metadata["recordSet"]]
    features = config_features(REPO / "schema")
    labels = vocabularies(REPO / "schema")
    tested = set()
    for record_set in record_sets:
        got = [plain(r) for r in records(data, record_set)]
        if record_set in CONFIG_NAMES:
            expected = parquet(data, record_set)
            key = BY_NAME[record_set].key
            by_key = {(r["split"], r[key]): r for r in got}
            assert len(by_key) == len(got) == len(expected), record_set
            assert set(by_key) == set(expected), record_set
            for (split, row_key), row in expected.items():
                record = by_key[(split, row_key)]
                for column, value in row.items():
                    feature = features[record_set][column]
                    if isinstance(feature, List) and isinstance(feature.feature, dict):
                        # a list of items (documents' entities and claims, a reading's...): each item's readable
                        # leaves, every scalar, list of scalars and struct leaf
                        inner = feature.feature
                        assert record[column] == [item_leaves(item, inner) for item in value], (row_key, column)
                    else:
                        assert record[column] == as_read(value, features[record_set][column]), (record_set, row_key, column)
        elif record_set == "splits":
            assert [r["name"] for r in got] == [s for s in ("train", "validation", "test") if any((data / c).glob(f"{s}-*")
                                                                                               for c in CONFIG_NAMES)]
        else:  # a label enumeration
            if record_set in labels:
                assert [(r["id"], r["name"]) for r in got] == list(enumerate(labels[record_set])), record_set
                assert [r["description"] for r in got] == list(labels[record_set].values())
            else:  # a label set made by the build, not a vocabulary of schema/ (the ner config's IOB2 tags)
                names = features["ner"]["ner_tags"].feature.names
                assert record_set == "ner_tags" and [(r["id"], r["name"]) for r in got] == list(enumerate(names))
        tested.add(record_set)
    assert tested == set(record_sets) and {"documents", "entities", "mentions", "claims", "sources"} <= tested


def test_documents_says_where_the_nested_lists_it_leaves_out_are(data):
    metadata = json.loads((data / "croissant.json").read_text(encoding="utf-8"))
    documents = next(r for r in metadata["recordSet"] if r["@id"] == "documents")
    fields = {f["name"]: f for f in documents["field"]}
    assert "`mentions`" in fields["entities"]["description"] and "`mentions` record set" in fields["entities"]["description"]
    assert "`hedge_cues`" in fields["claims"]["description"] and "`claims` record set" in fields["claims"]["description"]
    sub = {f["name"]: f for f in fields["claims"]["subField"]}
    assert sub["attribution_mode"]["source"]["transform"] == {"jsonPath": "attribution.mode"}
    assert "hedge_cues" not in sub and "mentions" not in {f["name"] for f in fields["entities"]["subField"]}
