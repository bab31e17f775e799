"""Copies of a project for tests, so that no test writes to the real corpus."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"
SEED = "b8270d0f4451370c"  # the first real document


def copy_project(corpus_from: Path, to: Path) -> Path:
    """A project folder at `to` with the repo's schema/ and the corpus/ (and CHANGELOG.md) of `corpus_from`."""
    shutil.copytree(REPO / "schema", to / "schema")
    shutil.copytree(corpus_from / "corpus", to / "corpus")
    if (corpus_from / "CHANGELOG.md").is_file():  # the build needs it
        shutil.copy2(corpus_from / "CHANGELOG.md", to / "CHANGELOG.md")
    return to


def tree_digest(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under folder."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def add_copy_of_seed(project: Path, doc_id: str, story_id: str | None = None) -> None:
    """A new document for tests: the seed text and annotation under another id."""
    corpus = project / "corpus"
    (corpus / "documents" / f"{doc_id}.txt").write_bytes((corpus / "documents" / f"{SEED}.txt").read_bytes())
    annotation = json.loads((corpus / "annotations" / f"{SEED}.json").read_text(encoding="utf-8"))
    annotation["doc_id"] = doc_id
    annotation["metadata"]["story_id"] = story_id
    (corpus / "annotations" / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def synth_cli(argv: list[str]) -> int:
    """`newsclaims synth ARGS` as the command line runs it, with its exit status (argparse's refusal of an
    option out of range is exit 2)."""
    from newsclaims.cli import main

    try:
        return main(["synth", *argv])
    except SystemExit as refused:
        return refused.code
