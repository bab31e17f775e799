"""`newsclaims diff`: two small builds written here with pyarrow, in the layout the build writes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest


from newsclaims.dataset.diff import DiffError, diff_as_dict, diff_builds, diff_tables, format_diff, load_tables, resolve_side

CLAIM_TYPES = ["factual", "opinion", "prediction"]
ENTITY_TYPES = ["PERSON", "ORG", "LOC"]
GENRES = ["news", "opinion"]
VERDICTS = ["true", "false", "misleading"]


def label(names):
    return {"names": names, "_type": "ClassLabel"}


STRING = {"dtype": "string", "_type": "Value"}

# config -> (Arrow schema, Hugging Face features as the build embeds them in the Parquet metadata)
SCHEMAS = {
    "documents": (
        pa.schema([("doc_id", pa.string()), ("title", pa.string()), ("text", pa.string()), ("genre", pa.int64()),
                   ("claims", pa.list_(pa.struct([("id", pa.string()), ("claim_type", pa.int64())])))]),
        {"doc_id": STRING, "title": STRING, "text": STRING, "genre": label(GENRES),
         "claims": {"_type": "List", "feature": {"id": STRING, "claim_type": label(CLAIM_TYPES)}}},
    ),
    "entities": (
        pa.schema([("id", pa.string()), ("doc_id", pa.string()), ("type", pa.int64()), ("name", pa.string())]),
        {"id": STRING, "doc_id": STRING, "type": label(ENTITY_TYPES), "name": STRING},
    ),
    "claims": (
        pa.schema([("id", pa.string()), ("doc_id", pa.string()), ("text", pa.string()), ("claim_type", pa.int64()),
                   ("about", pa.list_(pa.string())), ("verdict", pa.struct([("label", pa.int64())]))]),
        {"id": STRING, "doc_id": STRING, "text": STRING, "claim_type": label(CLAIM_TYPES),
         "about": {"_type": "List", "feature": STRING}, "verdict": {"label": label(VERDICTS)}},
    ),
}

LONG_TEXT = "Putin said the talks would resume. " * 10


def base_rows() -> dict[str, dict[str, list[dict]]]:
    """config -> split -> rows, with labels as ints (as stored)."""
    return {
        "documents": {
            "train": [{"doc_id": "doc-a", "title": "Talks resume", "text": LONG_TEXT, "genre": 0,
                       "claims": [{"id": "c1", "claim_type": 0}]}],
            "test": [{"doc_id": "doc-b", "title": "An opinion", "text": "Short text.", "genre": 1, "claims": []}],
        },
        "entities": {
            "train": [{"id": "doc-a:e1", "doc_id": "doc-a", "type": 0, "name": "Vladimir Putin"},
                      {"id": "doc-a:e2", "doc_id": "doc-a", "type": 2, "name": "Moscow"}],
            "test": [{"id": "doc-b:e1", "doc_id": "doc-b", "type": 1, "name": "Reuters"}],
        },
        "claims": {
            "train": [{"id": "doc-a:c1", "doc_id": "doc-a", "text": "the talks would resume", "claim_type": 0,
                       "about": ["doc-a:e1"], "verdict": None},
                      {"id": "doc-a:c2", "doc_id": "doc-a", "text": "it is a good idea", "claim_type": 1,
                       "about": [], "verdict": {"label": 1}}],
        },
    }


def write_build(folder: Path, rows: dict[str, dict[str, list[dict]]], with_features: bool = True) -> Path:
    """A data/ folder: <config>/<split>-00000-of-00001.parquet, HF features in the schema metadata."""
    for config, splits in rows.items():
        schema, features = SCHEMAS[config]
        if with_features:
            schema = schema.with_metadata({b"huggingface": json.dumps({"info": {"features": features}}).encode()})
        (folder / config).mkdir(parents=True, exist_ok=True)
        for split, split_rows in splits.items():
            if split_rows:  # an empty split has no file, as in the build
                table = pa.Table.from_pylist(split_rows, schema=schema)
                pq.write_table(table, folder / config / f"{split}-00000-of-00001.parquet")
    (folder / "manifest.json").write_text(json.dumps({"version": "1.0.0"}))
    return folder


def run(old: str, new: str, repo_root: Path, output_format: str = "text") -> tuple[int, str]:
    """What `newsclaims diff OLD NEW` prints and exits with (0 identical, 1 different); DiffError for a mistake."""
    d = diff_builds(old, new, repo_root)
    text = json.dumps(diff_as_dict(d), ensure_ascii=False, indent=2) + "\n" if output_format == "json" else format_diff(d)
    return (0 if d.identical else 1), text


@pytest.fixture
def old_build(tmp_path) -> Path:
    return write_build(tmp_path / "old", base_rows())


def test_identical_builds_exit_0(tmp_path, old_build):
    new_build = write_build(tmp_path / "new", base_rows())
    code, text = run(str(old_build), str(new_build), tmp_path)
    assert code == 0
    assert "no differences" in text
    d = diff_tables(load_tables(old_build), load_tables(new_build))
    assert d.identical
    assert all(not (c.added or c.removed or c.changed) for c in d.configs.values())


def test_labels_are_decoded_with_split_column(old_build):
    tables = load_tables(old_build)
    assert set(tables) == {"documents", "entities", "claims"}
    claim = tables["claims"]["doc-a:c2"]
    assert claim["claim_type"] == "opinion"
    assert claim["verdict"] == {"label": "false"}  # a ClassLabel inside a struct
    assert claim["split"] == "train"
    assert tables["documents"]["doc-a"]["claims"] == [{"id": "c1", "claim_type": "factual"}]  # inside a list
    assert tables["entities"]["doc-b:e1"]["type"] == "ORG"
    assert tables["documents"]["doc-b"]["split"] == "test"


def test_missing_features_show_raw_values(tmp_path):
    tables = load_tables(write_build(tmp_path / "raw", base_rows(), with_features=False))
    assert tables["claims"]["doc-a:c2"]["claim_type"] == 1


def test_one_label_change_is_the_only_change(tmp_path, old_build):
    rows = base_rows()
    rows["claims"]["train"][0]["claim_type"] = 1
    new_build = write_build(tmp_path / "new", rows)
    code, text = run(str(old_build), str(new_build), tmp_path)
    assert code == 1
    d = diff_tables(load_tables(old_build), load_tables(new_build))
    changed = [(config, rc.key, f.field, f.old, f.new)
               for config, c in d.configs.items() for rc in c.changed for f in rc.changes]
    assert changed == [("claims", "doc-a:c1", "claim_type", "factual", "opinion")]
    assert all(not c.added and not c.removed for c in d.configs.values())
    assert "~ claims doc-a:c1  claim_type: factual -> opinion" in text
    assert [line for line in text.splitlines() if line.startswith(("~", "+ ", "- "))] == \
        ["~ claims doc-a:c1  claim_type: factual -> opinion"]


def test_reordered_label_vocabulary_is_not_a_change(tmp_path, old_build):
    # Same labels, stored with a different ClassLabel order: the names are what a consumer sees.
    rows = base_rows()
    for row in rows["entities"]["train"] + rows["entities"]["test"]:
        row["type"] = 2 - row["type"]
    saved = SCHEMAS["entities"]
    SCHEMAS["entities"] = (saved[0], {**saved[1], "type": label(list(reversed(ENTITY_TYPES)))})
    try:
        new_build = write_build(tmp_path / "new", rows)
    finally:
        SCHEMAS["entities"] = saved
    assert diff_tables(load_tables(old_build), load_tables(new_build)).identical


def test_added_and_removed_entity(tmp_path, old_build):
    rows = base_rows()
    rows["entities"]["train"] = [rows["entities"]["train"][0],
                                 {"id": "doc-a:e3", "doc_id": "doc-a", "type": 1, "name": "Kremlin"}]
    new_build = write_build(tmp_path / "new", rows)
    d = diff_tables(load_tables(old_build), load_tables(new_build))
    entities = d.configs["entities"]
    assert list(entities.added) == ["doc-a:e3"]
    assert list(entities.removed) == ["doc-a:e2"]
    assert entities.changed == []
    assert all(c.identical for name, c in d.configs.items() if name != "entities")
    text = format_diff(d)
    assert '+ entities doc-a:e3  Kremlin' in text
    assert '- entities doc-a:e2  Moscow' in text
    assert any(line.split() == ["entities", "+1", "-1", "~0"] for line in text.splitlines())


def test_document_moving_split(tmp_path, old_build):
    rows = base_rows()
    rows["documents"]["train"], rows["documents"]["test"] = [], rows["documents"]["train"] + rows["documents"]["test"]
    new_build = write_build(tmp_path / "new", rows)
    d = diff_tables(load_tables(old_build), load_tables(new_build))
    (change,) = d.configs["documents"].changed
    assert change.key == "doc-a"
    assert [(f.field, f.old, f.new) for f in change.changes] == [("split", "train", "test")]
    assert "~ documents doc-a  split: train -> test" in format_diff(d)


def test_nested_lists_of_documents_are_skipped(tmp_path, old_build):
    # The nested copy of a claim changes with it; the change is reported once, from the claims config.
    rows = base_rows()
    rows["documents"]["train"][0]["claims"] = [{"id": "c1", "claim_type": 1}]
    new_build = write_build(tmp_path / "new", rows)
    assert diff_tables(load_tables(old_build), load_tables(new_build)).identical


def test_long_values_are_shortened_and_json_keeps_them(tmp_path, old_build):
    rows = base_rows()
    new_text = LONG_TEXT.replace("would resume", "will resume", 1)
    rows["documents"]["train"][0]["text"] = new_text
    rows["claims"]["train"][0]["about"] = ["doc-a:e1", "doc-a:e2"]
    rows["claims"]["train"][0]["verdict"] = {"label": 2}
    new_build = write_build(tmp_path / "new", rows)
    d = diff_tables(load_tables(old_build), load_tables(new_build))
    text = format_diff(d)
    (text_line,) = [line for line in text.splitlines() if line.startswith("~ documents doc-a  text:")]
    assert len(text_line) < 200 and "first difference at char 22" in text_line
    assert '~ claims doc-a:c1  about: ["doc-a:e1"] -> ["doc-a:e1", "doc-a:e2"]' in text
    assert '~ claims doc-a:c1  verdict: null -> {"label": "misleading"}' in text
    as_dict = diff_as_dict(d)
    json.dumps(as_dict)  # serialisable as is
    (doc_change,) = as_dict["configs"]["documents"]["changed"]
    assert doc_change["changes"] == [{"field": "text", "old": LONG_TEXT, "new": new_text}]
    code, output = run(str(old_build), str(new_build), tmp_path, output_format="json")
    assert code == 1 and json.loads(output)["identical"] is False


def test_several_shards_and_natural_key_order(tmp_path, old_build):
    new_build = write_build(tmp_path / "new", base_rows())
    extra = [{"id": f"doc-a:c{i}", "doc_id": "doc-a", "text": "x", "claim_type": 2, "about": [], "verdict": None}
             for i in (10, 3)]
    schema, features = SCHEMAS["claims"]
    schema = schema.with_metadata({b"huggingface": json.dumps({"info": {"features": features}}).encode()})
    (new_build / "claims" / "train-00000-of-00001.parquet").rename(new_build / "claims" / "train-00000-of-00002.parquet")
    pq.write_table(pa.Table.from_pylist(extra, schema=schema), new_build / "claims" / "train-00001-of-00002.parquet")
    d = diff_tables(load_tables(old_build), load_tables(new_build))
    assert list(d.configs["claims"].added) == ["doc-a:c3", "doc-a:c10"]
    assert d.configs["claims"].added["doc-a:c3"]["split"] == "train"
    assert d.configs["claims"].changed == []


# ---------------------------------------------------------------------------------------------- git sides


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                             "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository with two commits of data/: the second changes one claim's type."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write_build(repo / "data", base_rows())
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1.0.0")
    rows = base_rows()
    rows["claims"]["train"][1]["claim_type"] = 2
    write_build(repo / "data", rows)
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "v2")
    return repo


def test_diff_of_two_git_revisions(repo):
    code, text = run("v1.0.0", "HEAD", repo)
    assert code == 1
    assert "~ claims doc-a:c2  claim_type: opinion -> prediction" in text
    assert len([line for line in text.splitlines() if line.startswith("~ ")]) == 1
    assert "--- v1.0.0 (version 1.0.0)" in text
    assert run("HEAD~1", "v1.0.0", repo)[0] == 0


def test_git_revision_against_working_folder(repo):
    # A folder and a revision can be mixed: the working tree's data/ is the second commit's.
    assert run("HEAD", str(repo / "data"), repo)[0] == 0
    assert run("v1.0.0", str(repo), repo)[0] == 1  # a project folder means its data/


def test_resolve_side_extracts_into_tmp(repo, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    folder = resolve_side("v1.0.0", repo, scratch)
    assert folder.is_relative_to(scratch)
    assert (folder / "claims" / "train-00000-of-00001.parquet").is_file()


def test_bad_revision_is_a_clear_error(repo):
    with pytest.raises(DiffError) as raised:
        run("no-such-tag", "HEAD", repo)
    message = str(raised.value)
    assert "no-such-tag" in message and "not a revision" in message


def test_not_a_git_repository(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(DiffError, match="not a git repository"):
        resolve_side("HEAD", plain, tmp_path)


def test_revision_without_data_folder(tmp_path):
    repo = tmp_path / "empty-repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "no data")
    with pytest.raises(DiffError, match="has no data/ folder"):
        resolve_side("HEAD", repo, tmp_path)


def test_folder_that_is_not_a_build(tmp_path, old_build):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DiffError, match="not a built dataset"):
        run(str(tmp_path / "empty"), str(old_build), tmp_path)


def test_unreadable_parquet_is_a_clear_error(tmp_path, old_build):
    broken = write_build(tmp_path / "broken", base_rows())
    (broken / "claims" / "train-00000-of-00001.parquet").write_text("version https://git-lfs.github.com/spec/v1\n")
    with pytest.raises(DiffError, match="cannot be read as Parquet"):
        run(str(old_build), str(broken), tmp_path)


def test_diff_error_is_a_usage_error():
    # So the CLI's handler reports it in one line with exit 2, however `diff` is wired.
    from newsclaims.errors import UsageError
    assert issubclass(DiffError, UsageError)
