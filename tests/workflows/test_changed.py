"""`newsclaims validate --changed [REV]`: only the files changed since a revision are checked."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers.project import MINI, copy_project
from newsclaims.cli import main


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    root = copy_project(MINI, tmp_path / "project")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "corpus")
    git(root, "checkout", "-q", "-b", "contribution")
    return root


def run(capsys, root: Path, *args: str) -> tuple[int, dict]:
    code = main(["--root", str(root), "validate", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def add_document(root: Path, doc_id: str) -> Path:
    corpus = root / "corpus"
    (corpus / "documents" / f"{doc_id}.txt").write_bytes((corpus / "documents" / "mini-doc.txt").read_bytes())
    annotation = json.loads((corpus / "annotations" / "mini-doc.json").read_text(encoding="utf-8"))
    annotation["doc_id"] = doc_id
    path = corpus / "annotations" / f"{doc_id}.json"
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_nothing_changed_checks_nothing(repo, capsys):
    assert run(capsys, repo, "--changed") == (0, {"valid": True, "files_checked": 0, "problem_count": 0, "problems": []})


def test_a_new_document_is_checked_with_its_text(repo, capsys):
    path = add_document(repo, "new-doc")
    code, report = run(capsys, repo, "--changed")
    assert (code, report["files_checked"]) == (0, 2)
    path.write_text(path.read_text(encoding="utf-8").replace('"type": "PERSON"', '"type": "PERSN"', 1), encoding="utf-8")
    code, report = run(capsys, repo, "--changed")
    assert code == 1
    assert {p["code"] for p in report["problems"]} == {"schema-enum"}
    assert all(p["file"].endswith("new-doc.json") for p in report["problems"])


def test_a_committed_change_on_the_branch_is_found_and_an_explicit_revision_works(repo, capsys):
    add_document(repo, "new-doc")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "add")
    assert run(capsys, repo, "--changed")[1]["files_checked"] == 2  # against the merge base with main
    assert run(capsys, repo, "--changed", "HEAD")[1]["files_checked"] == 0


def test_a_deleted_annotation_leaves_its_text_reported(repo, capsys):
    (repo / "corpus" / "annotations" / "mini-doc.json").unlink()
    code, report = run(capsys, repo, "--changed")
    assert code == 1 and [p["code"] for p in report["problems"]] == ["missing-annotation"]


def test_a_changed_text_is_checked_against_its_annotation(repo, capsys):
    text = repo / "corpus" / "documents" / "mini-doc.txt"
    text.write_bytes(text.read_bytes().replace(b"Damascus", b"Damaskus"))
    code, report = run(capsys, repo, "--changed")
    assert code == 1 and "text-sha256-mismatch" in {p["code"] for p in report["problems"]}


def test_a_change_to_the_sources_checks_the_whole_corpus(repo, capsys):
    sources = repo / "corpus" / "sources.json"
    sources.write_text(sources.read_text(encoding="utf-8").replace('"israeli-media"', '"israeli-press"'), encoding="utf-8")
    code, report = run(capsys, repo, "--changed")
    assert code == 1 and {p["code"] for p in report["problems"]} == {"unknown-source"}


def test_a_bad_revision_is_a_usage_error(repo, capsys):
    assert main(["--root", str(repo), "validate", "--changed", "no-such-rev"]) == 2
    assert "no-such-rev" in capsys.readouterr().err
