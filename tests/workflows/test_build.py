"""`newsclaims build`, `verify` and the committed data/: loads offline, deterministic, atomic, versioned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

import helpers
from helpers.project import REPO, SEED, add_copy_of_seed, copy_project, tree_digest
from newsclaims.workflows import build as build_module
from newsclaims.workflows.output_folder import OLD_PREFIX, TEMP_PREFIX
from newsclaims.dataset.stage import StageContext
from newsclaims.dataset.tokens import tag_document
from newsclaims.engine.local import _CAN_PREFETCH, in_page_cache, prefetch
from newsclaims.cli import main
from newsclaims.project import Layout
from newsclaims.schema.features import config_features
from newsclaims.dataset.manifest import verify

LOAD_CHECK = Path(helpers.__file__).parent / "load_check.py"


def run(capsys, project: Path, *args: str) -> tuple[int, str]:
    code = main(["--root", str(project), *args])
    return code, capsys.readouterr().out


def build_project(capsys, project: Path, out: Path | None = None) -> Path:
    args = ["build"] + (["--out", str(out)] if out else [])
    code, output = run(capsys, project, *args)
    assert code == 0, output
    return out or project / "data"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real project with eleven more documents, so that every split has rows."""
    root = copy_project(REPO, tmp_path / "project")
    for i in range(11):
        add_copy_of_seed(root, f"copy-{i:02d}")
    assert main(["--root", str(root), "split"]) == 0
    return root


def load_in_fresh_process(data_dir: Path, tmp_path: Path) -> dict:
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf-home")}
    completed = subprocess.run([sys.executable, str(LOAD_CHECK), str(data_dir)], capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)


# --- it loads -----------------------------------------------------------------------------------

def test_every_config_and_split_loads_offline_with_schema_features_counts_and_spans(project, tmp_path, capsys):
    data = build_project(capsys, project)
    loaded = load_in_fresh_process(data, tmp_path)
    expected_features = {config: features.to_dict() for config, features in config_features(project / "schema").items()}
    splits = json.loads((project / "corpus" / "splits.json").read_text())["documents"]
    docs_per_split = {s: sum(1 for v in splits.values() if v == s) for s in ("train", "validation", "test")}
    readings = sorted((project / "corpus" / "annotators" / SEED).glob("*.json"))
    assert set(loaded) == {"documents", "entities", "mentions", "claims", "sources", "ner"} | ({"raw_annotations"} if readings else set())
    assert set(loaded["documents"]) == {s for s, n in docs_per_split.items() if n}, "every non-empty split, no empty one"
    seed = json.loads((project / "corpus" / "annotations" / f"{SEED}.json").read_text())
    per_doc = {"documents": 1, "entities": len(seed["entities"]), "claims": len(seed["claims"]),
               "mentions": sum(len(e["mentions"]) for e in seed["entities"]),
               "ner": len(tag_document((project / "corpus" / "documents" / f"{SEED}.txt").read_text(encoding="utf-8"),
                                       [(m["start"], m["end"], e["type"]) for e in seed["entities"] for m in e["mentions"]],
                                       config_features(project / "schema")["entities"]["type"].names)[0])}
    for config, by_split in loaded.items():
        for split, seen in by_split.items():
            assert seen["features"] == expected_features[config], f"{config}/{split}: features differ from schema/"
            assert seen["span_errors"] == [], seen["span_errors"][:5]
            if config == "raw_annotations":  # the seed's readings (corpus/annotators/), in the seed's split
                assert seen["rows"] == len(readings)
            elif config != "sources":
                assert seen["rows"] == per_doc[config] * docs_per_split[split]
    sources = json.loads((project / "corpus" / "sources.json").read_text())["sources"]
    assert loaded["sources"]["train"]["rows"] == len(sources)
    assert loaded["claims"][next(iter(loaded["claims"]))]["features"]["claim_type"]["names"] == ["factual", "opinion", "prediction"]


def test_a_new_enum_value_in_the_schema_reaches_the_loaded_features(tmp_path, capsys):
    root = copy_project(REPO, tmp_path / "project")
    schema_path = root / "schema" / "annotation.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$defs"]["entity_type"]["enum"].append("VESSEL")
    schema["$defs"]["entity_type"]["x-enumDescriptions"]["VESSEL"] = "A named ship or boat."
    schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False), encoding="utf-8")
    data = build_project(capsys, root)
    loaded = load_in_fresh_process(data, tmp_path)
    assert loaded["entities"]["train"]["features"]["type"]["names"][-1] == "VESSEL"
    assert loaded["mentions"]["train"]["features"]["entity_type"]["names"][-1] == "VESSEL"
    card = (data / "README.md").read_text(encoding="utf-8")
    assert "`VESSEL` | A named ship or boat." in card


# --- deterministic and atomic --------------------------------------------------------------------

def test_two_builds_are_byte_identical(project, tmp_path, capsys):
    first = build_project(capsys, project, tmp_path / "one")
    second = build_project(capsys, project, tmp_path / "two")
    assert tree_digest(first) == tree_digest(second)
    assert len(tree_digest(first)) >= 2 + 5 + 1  # card, changelog, a file per config, manifest


def test_a_build_that_fails_half_way_leaves_the_previous_data_untouched(project, monkeypatch, capsys):
    data = build_project(capsys, project)
    before = tree_digest(data)
    add_copy_of_seed(project, "copy-99")  # the next build would change data/
    assert main(["--root", str(project), "split"]) == 0

    def crash(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")
    monkeypatch.setattr(build_module.card, "render_card", crash)  # after the Parquet files are written
    with pytest.raises(RuntimeError):
        build_module.build(Layout(project))
    assert tree_digest(data) == before
    assert not [p for p in project.iterdir() if p.name.startswith((TEMP_PREFIX, OLD_PREFIX))]


def test_a_leftover_temporary_folder_is_never_published(project, capsys):
    data = build_project(capsys, project)
    leftover = project / f"{TEMP_PREFIX}killed"
    (leftover / "claims").mkdir(parents=True)
    (leftover / "claims" / "train-00000-of-00001.parquet").write_bytes(b"half")
    build_project(capsys, project)
    assert not leftover.exists()
    assert verify(data) == []


def test_an_invalid_corpus_is_refused_and_nothing_is_written(project, capsys):
    data = build_project(capsys, project)
    before = tree_digest(data)
    path = project / "corpus" / "annotations" / f"{SEED}.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"claim_type": "opinion"', '"claim_type": "rumour"', 1), encoding="utf-8")
    code, output = run(capsys, project, "build")
    assert code == 1
    assert "schema-enum" in output and f"{SEED}.json" in output and "rumour" in output
    assert tree_digest(data) == before


# --- splits and changelog ------------------------------------------------------------------------

def test_a_document_missing_from_splits_json_fails_with_a_hint_to_run_split(project, capsys):
    add_copy_of_seed(project, "copy-new")
    code, output = run(capsys, project, "build")
    assert code == 1
    assert "copy-new" in output and "newsclaims split" in output
    assert not (project / "data").exists()


def test_a_document_gone_from_the_corpus_but_in_splits_json_is_refused(project, capsys):
    for path in (project / "corpus" / "documents" / "copy-05.txt", project / "corpus" / "annotations" / "copy-05.json"):
        path.unlink()
    code, output = run(capsys, project, "build")
    assert code == 1 and "split-stale" in output
    assert "'copy-05' has a split but is no longer in the corpus" in output
    assert not (project / "data").exists()


def test_a_story_whose_documents_straddle_splits_is_refused(project, capsys):
    # Workers report story members only; documents of their own are checked against their doc_id's hash.
    for doc_id in ("copy-00", "copy-01"):
        path = project / "corpus" / "annotations" / f"{doc_id}.json"
        annotation = json.loads(path.read_text(encoding="utf-8"))
        annotation["metadata"]["story_id"] = "shared-story"
        path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    splits_path = project / "corpus" / "splits.json"
    recorded = json.loads(splits_path.read_text(encoding="utf-8"))
    recorded["documents"]["copy-00"], recorded["documents"]["copy-01"] = "train", "test"
    splits_path.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    code, output = run(capsys, project, "build")
    assert code == 1 and "split-stale" in output
    assert "story 'shared-story' would straddle splits (copy-00 in train; copy-01 in test)" in output
    assert output.count("split-stale") == 1, "documents of their own are in their hash's split"
    assert not (project / "data").exists()


def test_a_version_without_a_changelog_section_is_refused(project, capsys):
    settings = project / "corpus" / "corpus.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.2.0"'), encoding="utf-8")
    code, output = run(capsys, project, "build")
    assert code == 1 and "changelog-missing-version" in output and "0.2.0" in output


# --- versions ------------------------------------------------------------------------------------

def test_the_version_is_in_the_card_every_parquet_file_the_manifest_and_the_changelog(project, capsys):
    settings = project / "corpus" / "corpus.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.2.0"'), encoding="utf-8")
    changelog = project / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace("## 0.1.0", "## 0.2.0\n\n- Eleven test copies.\n\n## 0.1.0"), encoding="utf-8")
    data = build_project(capsys, project)
    manifest = json.loads((data / "manifest.json").read_text())
    assert manifest["version"] == "0.2.0" and manifest["schema_version"] == "1.0"
    assert set(manifest["tools"]) == {"newsclaims", "datasets", "pyarrow"}
    files = sorted(data.rglob("*.parquet"))
    assert len(files) >= 5
    for path in files:
        ours = json.loads(pq.read_schema(path).metadata[b"newsclaims"])
        assert ours["dataset_version"] == "0.2.0"
        assert manifest["rows"][ours["config"]][ours["split"]] == pq.read_metadata(path).num_rows
    card = (data / "README.md").read_text(encoding="utf-8")
    assert "\nversion: 0.2.0\n" in card.split("\n---\n")[0]
    assert "## 0.2.0" in (data / "CHANGELOG.md").read_text(encoding="utf-8")


# --- verify --------------------------------------------------------------------------------------

def test_verify_accepts_a_fresh_build_and_names_a_flipped_byte(project, capsys):
    data = build_project(capsys, project)
    assert main(["verify", str(data)]) == 0
    capsys.readouterr()
    victim = data / "claims" / "train-00000-of-00001.parquet"
    content = bytearray(victim.read_bytes())
    content[len(content) // 2] ^= 0x01
    victim.write_bytes(bytes(content))
    assert main(["verify", str(data)]) == 1
    output = capsys.readouterr().out
    assert "claims/train-00000-of-00001.parquet: sha256" in output
    assert [d.what for d in verify(data)] == ["sha256"]


def test_verify_reports_missing_unexpected_and_version_differences(project, capsys):
    data = build_project(capsys, project)
    (data / "entities" / "train-00000-of-00001.parquet").unlink()
    (data / "notes.txt").write_text("added by hand")
    card = data / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("\nversion: 0.1.0\n", "\nversion: 9.9.9\n", 1), encoding="utf-8")
    found = {(d.file, d.what) for d in verify(data)}
    assert ("entities/train-00000-of-00001.parquet", "missing-file") in found
    assert ("notes.txt", "unexpected-file") in found
    assert ("README.md", "version") in found and ("README.md", "sha256") in found


def test_verify_of_a_folder_without_manifest_is_a_usage_error(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    assert "manifest.json" in capsys.readouterr().err


# --- the committed data/ -------------------------------------------------------------------------

def _parquet_content(path: Path):
    table = pq.read_table(path)
    return table.schema, table.to_pylist()


def test_the_committed_data_folder_is_a_fresh_build_of_the_committed_corpus(tmp_path, capsys):
    committed = REPO / "data"
    assert committed.is_dir(), "data/ is missing: run `newsclaims build` and commit data/"
    fresh = build_project(capsys, REPO, tmp_path / "data")
    stale = "data/ is stale: run `newsclaims build` and commit data/"
    manifest = orjson.loads((committed / "manifest.json").read_bytes())
    if manifest["tools"] == orjson.loads((fresh / "manifest.json").read_bytes())["tools"]:
        assert tree_digest(committed) == tree_digest(fresh), stale
    else:  # other library versions encode Parquet differently: compare what the files hold
        assert sorted(tree_digest(committed)) == sorted(tree_digest(fresh)), stale
        for name in tree_digest(fresh):
            if name.endswith(".parquet"):
                assert _parquet_content(committed / name) == _parquet_content(fresh / name), f"{stale} ({name})"
            elif name != "manifest.json":
                assert (committed / name).read_bytes() == (fresh / name).read_bytes(), f"{stale} ({name})"
    assert verify(committed) == []


# --- diff ----------------------------------------------------------------------------------------

def test_diff_of_two_builds_reports_exactly_one_changed_claim_label(project, tmp_path, capsys):
    before = build_project(capsys, project, tmp_path / "before")
    path = project / "corpus" / "annotations" / f"{SEED}.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    claim = next(c for c in annotation["claims"] if c["claim_type"] == "opinion")
    claim["claim_type"] = "factual"
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    after = build_project(capsys, project, tmp_path / "after")
    code, output = run(capsys, project, "diff", str(before), str(after), "--format", "json")
    assert code == 1
    report = json.loads(output)
    changes = [(config, row["key"], change["field"], change["old"], change["new"])
               for config, found in report["configs"].items() for row in found["changed"] for change in row["changes"]]
    assert changes == [("claims", f"{SEED}:{claim['id']}", "claim_type", "opinion", "factual")]
    assert all(not found["added"] and not found["removed"] for found in report["configs"].values())
    assert run(capsys, project, "diff", str(before), str(before))[0] == 0


# --- scale: batches, workers, shards -------------------------------------------------------------

def test_parallel_sharded_builds_are_deterministic_and_load(tmp_path, capsys):
    root = copy_project(REPO, tmp_path / "project")
    for i in range(299):  # 300 documents: two batches of the per-document stage
        add_copy_of_seed(root, f"copy-{i:03d}")
    assert main(["--root", str(root), "split"]) == 0
    one = tmp_path / "one-worker"
    two = tmp_path / "two-workers"
    assert main(["--root", str(root), "build", "--out", str(one), "--workers", "1", "--shard-mb", "0.5"]) == 0
    assert main(["--root", str(root), "build", "--out", str(two), "--workers", "2", "--shard-mb", "0.5"]) == 0
    capsys.readouterr()
    assert tree_digest(one) == tree_digest(two)
    shards = sorted(p.name for p in (two / "documents").glob("train-*.parquet"))
    assert len(shards) >= 2, shards
    assert shards == [f"train-{i:05d}-of-{len(shards):05d}.parquet" for i in range(len(shards))]
    assert verify(two) == []
    loaded = load_in_fresh_process(two, tmp_path)
    manifest = json.loads((two / "manifest.json").read_text())
    for config, by_split in loaded.items():
        for split, seen in by_split.items():
            assert seen["rows"] == manifest["rows"][config][split]
            assert seen["span_errors"] == []
    assert sum(manifest["rows"]["documents"].values()) == 300


def test_workers_find_a_story_straddling_splits_as_the_whole_corpus_check_does(tmp_path, capsys):
    # The build compares each document's split with its hash in the workers, batch by batch, and
    # describes a stale story after its pass; `check_assignment` does it all at once. Two members of
    # one story, in two different batches, recorded in two splits.
    from newsclaims.splits.recorded import check_assignment
    from newsclaims.validation.listing import corpus_inventory

    root = copy_project(REPO, tmp_path / "project")
    for i in range(299):
        add_copy_of_seed(root, f"copy-{i:03d}", story_id="shared-story" if i in (0, 280) else None)
    assert main(["--root", str(root), "split"]) == 0
    splits_path = root / "corpus" / "splits.json"
    recorded = json.loads(splits_path.read_text(encoding="utf-8"))
    recorded["documents"]["copy-000"], recorded["documents"]["copy-280"] = "train", "test"
    splits_path.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    capsys.readouterr()

    code = main(["--root", str(root), "build", "--out", str(tmp_path / "data"), "--workers", "2"])
    output = capsys.readouterr().out
    assert code == 1 and not (tmp_path / "data").exists()
    stale = "copy-280" if "at /documents/copy-280" in output else "copy-000"  # the one not in the story's hash split
    line = next(number for number, text in enumerate(splits_path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith(f'    "{stale}": '))
    assert f"corpus/splits.json:{line}:5: split-stale" in output, output
    assert "story 'shared-story' would straddle splits (copy-000 in train; copy-280 in test)" in output
    assert output.count("split-stale") == 1, output

    layout = Layout(root)
    groups = {"copy-000": "shared-story", "copy-280": "shared-story"}
    _, problems = check_assignment(layout, list(corpus_inventory(layout).doc_ids), groups=groups)
    assert [(p.code, p.message, p.line) for p in problems] == [("split-stale", problems[0].message, line)]
    assert problems[0].message in output


@pytest.mark.skipif(not _CAN_PREFETCH, reason="no RWF_NOWAIT or posix_fadvise on this system")
def test_a_batch_is_read_ahead_only_when_its_files_are_not_in_memory(tmp_path):
    documents, annotations = tmp_path / "documents", tmp_path / "annotations"
    documents.mkdir()
    annotations.mkdir()
    batch = [(f"doc-{i}", True, True, "train") for i in range(3)] + [("doc-gone", True, True, "train")]
    for doc_id, *_ in batch[:3]:
        for path in (documents / f"{doc_id}.txt", annotations / f"{doc_id}.json"):
            path.write_bytes(b"x" * 20000)
    context = StageContext(str(tmp_path), str(documents), str(annotations), {})
    paths = context.batch_paths(batch)
    assert len(paths) == 8 and all(p.startswith(str(tmp_path)) for p in paths)
    for path in paths[:6]:
        Path(path).read_bytes()  # now in the page cache
    assert in_page_cache(paths), "a missing file is left to the worker"
    assert prefetch(context, batch) is False

    for path in paths[:6]:  # written back, then dropped from the page cache
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    if in_page_cache(paths[:1]):
        pytest.skip("this file system keeps the pages (tmpfs): nothing to read ahead")
    assert prefetch(context, batch) is True
    # Watched with mincore: a probe read would start the reads itself (the kernel reads ahead for it).
    deadline = time.monotonic() + 10
    while not all(all(resident_pages(path)) for path in paths[2:6]) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(resident_pages(path) == [True] * 5 for path in paths[2:6]), "the hinted files were read into memory"


def resident_pages(path: str) -> list[bool]:
    """Which pages of a file are in the page cache: mincore over a mapping that is never touched."""
    import ctypes
    import mmap

    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    size = os.path.getsize(path)
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    vector = (ctypes.c_ubyte * pages)()
    fd = os.open(path, os.O_RDONLY)
    try:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if address in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "mmap")
        try:
            if libc.mincore(address, size, vector) != 0:
                raise OSError(ctypes.get_errno(), "mincore")
        finally:
            libc.munmap(address, size)
    finally:
        os.close(fd)
    return [bool(byte & 1) for byte in vector]
