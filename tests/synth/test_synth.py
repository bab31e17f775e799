"""`newsclaims synth`: generated corpora are valid, deterministic, realistic, and their injected errors
are exactly what the validator reports."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import helpers
from helpers.project import synth_cli
from newsclaims.synth import corruptions, document
from newsclaims.synth import project as synth
from newsclaims.cli import main

LOAD_CHECK = Path(helpers.__file__).parent / "load_check.py"
DOCS = 30


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def validate_json(capsys, root: Path) -> tuple[int, dict]:
    code = main(["--root", str(root), "validate", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def reported_pairs(report: dict, root: Path) -> list[tuple[str, str]]:
    """(file relative to the project, code) of every problem; the validator shows paths relative to the
    working folder when it can, absolute otherwise."""
    pairs = []
    for found in report["problems"]:
        path = Path(os.path.abspath(found["file"]))
        pairs.append((path.relative_to(root.resolve()).as_posix(), found["code"]))
    return sorted(pairs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "project"
    return out, synth.generate(DOCS, out, seed=7)


def documents_of(root: Path):
    for path in sorted((root / "corpus" / "annotations").glob("*.json")):
        annotation = json.loads(path.read_bytes())
        text_bytes = (root / "corpus" / "documents" / f"{path.stem}.txt").read_bytes()
        yield annotation, text_bytes


# --- valid by construction ------------------------------------------------------------------------

def test_a_generated_corpus_validates_clean(corpus, capsys):
    root, result = corpus
    code, report = validate_json(capsys, root)
    assert code == 0, report["problems"][:5]
    assert report["valid"] and report["files_checked"] == 2 + 2 * DOCS
    assert result["documents"] == DOCS and result["injected"] == []
    assert result["bytes"] == sum(p.stat().st_size for p in (root / "corpus").rglob("*") if p.is_file())
    assert json.loads((root / synth.INJECTED_ERRORS_FILE).read_bytes()) == []


def test_the_project_has_every_file_the_tools_need(corpus):
    root, _ = corpus
    assert sorted(p.name for p in (root / "schema").iterdir()) == sorted(p.name for p in synth.project_schema_dir().iterdir() if p.is_file())
    assert 'name = "newsclaims-synth"' in (root / "corpus" / "corpus.toml").read_text(encoding="utf-8")
    assert "## 0.1.0" in (root / "CHANGELOG.md").read_text(encoding="utf-8")
    sources = json.loads((root / "corpus" / "sources.json").read_bytes())["sources"]
    assert {"id": "author", "kind": "document_author"}.items() <= next(s for s in sources if s["id"] == "author").items()
    assert len(sources) == 201 and [s["id"] for s in sources] == sorted(s["id"] for s in sources)
    assert {s["kind"] for s in sources} == {"news_agency", "media_outlet", "media_collective", "government", "military",
                                             "organization", "person", "anonymous", "document_author"}
    splits = json.loads((root / "corpus" / "splits.json").read_bytes())
    assert sorted(splits["documents"]) == [document.doc_id_of(i) for i in range(DOCS)]


# --- deterministic --------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(corpus, tmp_path):
    root, _ = corpus
    synth.generate(DOCS, tmp_path / "again", seed=7)
    assert tree_digest(tmp_path / "again") == tree_digest(root)
    synth.generate(DOCS, tmp_path / "other", seed=8)
    other = tree_digest(tmp_path / "other")
    differing = [name for name, digest in tree_digest(root).items() if name.startswith("corpus/annotations/") and other.get(name) != digest]
    assert len(differing) == DOCS


def test_the_first_k_documents_of_n_are_the_k_document_corpus(corpus, tmp_path):
    root, _ = corpus
    synth.generate(12, tmp_path / "prefix", seed=7)
    small, large = tree_digest(tmp_path / "prefix"), tree_digest(root)
    documents = [name for name in small if name.startswith(("corpus/documents/", "corpus/annotations/"))]
    assert len(documents) == 24
    assert {name: small[name] for name in documents} == {name: large[name] for name in documents}
    assert small["corpus/sources.json"] == large["corpus/sources.json"]


def test_worker_processes_write_the_same_bytes_as_one_process(corpus, tmp_path, monkeypatch):
    root, _ = corpus
    monkeypatch.setattr(synth, "PARALLEL_FROM", 0)
    monkeypatch.setattr(synth, "CHUNK_DOCS", 7)  # several chunks, the last one short
    synth.generate(DOCS, tmp_path / "parallel", seed=7, workers=2)
    assert tree_digest(tmp_path / "parallel") == tree_digest(root)


# --- realistic ------------------------------------------------------------------------------------

def test_documents_are_realistic_in_size_characters_and_labels(corpus):
    root, _ = corpus
    final_newlines = set()
    totals = {"mentions": 0, "entities": 0, "claims": 0}
    for annotation, text_bytes in documents_of(root):
        text = text_bytes.decode("utf-8")
        assert 3000 <= len(text_bytes) <= 6000
        assert unicodedata.is_normalized("NFC", text) and "\r" not in text
        assert any(ord(c) > 127 for c in text) and {"’", "—"} & set(text)
        final_newlines.add(text.endswith("\n"))
        assert annotation["metadata"]["title"] == text.split("\n", 1)[0]
        assert {e["type"] for e in annotation["entities"]} == {"PERSON", "ORGANIZATION", "PLACE", "FACILITY", "WEAPON", "GROUP", "EVENT"}
        claims = annotation["claims"]
        assert {c["claim_type"] for c in claims} == {"factual", "opinion", "prediction"}
        assert {"direct_quote", "indirect", "authorial"} <= {c["attribution"]["mode"] for c in claims}
        for entity in annotation["entities"]:
            for mention in entity["mentions"]:
                assert text[mention["start"]:mention["end"]] == mention["text"]
        for claim in claims:
            assert text[claim["start"]:claim["end"]] == claim["text"]
            assert not claim["text"][0].isspace() and not claim["text"][-1].isspace()
            cue = claim["attribution"]["cue"]
            if claim["attribution"]["mode"] == "direct_quote":
                assert text[claim["start"] - 1] == "“" and cue["text"] == "said"
            if claim["attribution"]["mode"] == "authorial":
                assert claim["source_id"] == "author" and cue is None
            elif claim["attribution"]["mode"] == "indirect":
                assert cue["text"] in ("According to", "according to", "said")
            for hedge in claim["hedge_cues"]:
                assert claim["start"] <= hedge["start"] < hedge["end"] <= claim["end"]
            assert all(any(claim["start"] <= m["start"] and m["end"] <= claim["end"] for m in e["mentions"])
                       for e in annotation["entities"] if e["id"] in claim["about"])
        assert any(c["hedged"] for c in claims)
        totals["mentions"] += sum(len(e["mentions"]) for e in annotation["entities"])
        totals["entities"] += len(annotation["entities"])
        totals["claims"] += len(claims)
    assert final_newlines == {True, False}
    assert 15 <= totals["mentions"] / DOCS <= 26 and 7 <= totals["entities"] / DOCS <= 12 and 5 <= totals["claims"] / DOCS <= 7


# --- injected errors ------------------------------------------------------------------------------

def test_injected_errors_are_exactly_what_validate_reports(tmp_path, capsys):
    root = tmp_path / "broken"
    result = synth.generate(40, root, seed=11, errors=len(corruptions.ERROR_KINDS))
    injected = [(item["file"], item["code"]) for item in result["injected"]]
    assert sorted({code for _, code in injected}) == sorted(corruptions.ERROR_KINDS)
    assert len({file.rsplit("/", 1)[1].split(".")[0] for file, _ in injected}) == len(corruptions.ERROR_KINDS)  # distinct documents
    assert json.loads((root / synth.INJECTED_ERRORS_FILE).read_bytes()) == result["injected"]
    code, report = validate_json(capsys, root)
    assert code == 1
    assert reported_pairs(report, root) == sorted(injected)


def test_fewer_errors_than_kinds_still_match_and_are_deterministic(tmp_path, capsys):
    first = synth.generate(25, tmp_path / "one", seed=2, errors=5)
    second = synth.generate(25, tmp_path / "two", seed=2, errors=5)
    assert first["injected"] == second["injected"] and len(first["injected"]) == 5
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    _, report = validate_json(capsys, tmp_path / "one")
    assert reported_pairs(report, tmp_path / "one") == sorted((i["file"], i["code"]) for i in first["injected"])


# --- it builds and loads --------------------------------------------------------------------------

def test_a_synthetic_corpus_builds_and_loads(corpus, tmp_path, capsys):
    root, _ = corpus
    data = tmp_path / "data"
    assert main(["--root", str(root), "build", "--out", str(data)]) == 0, capsys.readouterr()
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf-home")}
    completed = subprocess.run([sys.executable, str(LOAD_CHECK), str(data)], capture_output=True, text=True, env=env, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    loaded = json.loads(completed.stdout)
    claims = sum(len(annotation["claims"]) for annotation, _ in documents_of(root))
    assert sum(seen["rows"] for seen in loaded["claims"].values()) == claims
    assert sum(seen["rows"] for seen in loaded["documents"].values()) == DOCS
    assert all(seen["span_errors"] == [] for by_split in loaded.values() for seen in by_split.values())


# --- the command ----------------------------------------------------------------------------------

def test_the_command_writes_a_corpus_and_refuses_a_non_empty_folder_without_force(tmp_path, capsys):
    out = tmp_path / "cli"
    assert synth_cli(["--docs", "3", "--out", str(out), "--seed", "1"]) == 0
    assert "wrote 3 documents" in capsys.readouterr().out
    assert synth_cli(["--docs", "3", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    (out / "notes.txt").write_text("mine")
    assert synth_cli(["--docs", "2", "--out", str(out), "--errors", "1", "--force"]) == 0
    assert sorted(p.name for p in (out / "corpus" / "annotations").iterdir()) == ["synth-0000001.json", "synth-0000002.json"]
    assert len(json.loads((out / synth.INJECTED_ERRORS_FILE).read_bytes())) == 1
    assert (out / "notes.txt").read_text() == "mine", "only what synth writes is replaced"


def test_the_command_never_overwrites_a_real_corpus_and_rejects_bad_arguments(tmp_path, capsys):
    real = tmp_path / "real"
    (real / "corpus").mkdir(parents=True)
    (real / "corpus" / "corpus.toml").write_text('[dataset]\nname = "newsclaims"\n')
    assert synth_cli(["--docs", "3", "--out", str(real), "--force"]) == 2
    assert "not synthetic" in capsys.readouterr().err
    assert (real / "corpus" / "corpus.toml").is_file() and not (real / "schema").exists()
    for bad in (["--docs", "0"], ["--docs", "3", "--errors", "4"], ["--docs", "3", "--seed", "-1"]):
        assert synth_cli([*bad, "--out", str(tmp_path / "bad")]) == 2
        assert "error:" in capsys.readouterr().err
    with pytest.raises(ValueError):
        synth.generate(3, tmp_path / "bad", errors=5)
