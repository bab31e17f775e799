"""Shared fixtures: temporary copies of a project, so tests never write to the real corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"


def copy_project(corpus_from: Path, to: Path) -> Path:
    """A project folder at `to` with the repo's schema/ and the corpus/ (and CHANGELOG.md) of `corpus_from`."""
    shutil.copytree(REPO / "schema", to / "schema")
    shutil.copytree(corpus_from / "corpus", to / "corpus")
    if (corpus_from / "CHANGELOG.md").is_file():  # the build needs it
        shutil.copy2(corpus_from / "CHANGELOG.md", to / "CHANGELOG.md")
    return to


@pytest.fixture
def mini_project(tmp_path) -> Path:
    """The valid one-document mini project (tests/fixtures/mini), copied."""
    return copy_project(MINI, tmp_path / "project")


@pytest.fixture
def seed_project(tmp_path) -> Path:
    """The real corpus (corpus/), copied."""
    return copy_project(REPO, tmp_path / "project")


def synth_cli(argv: list[str]) -> int:
    """`newsclaims synth ARGS` as the command line runs it, with its exit status (argparse's refusal of an
    option out of range is exit 2)."""
    from newsclaims.cli import main

    try:
        return main(["synth", *argv])
    except SystemExit as refused:
        return refused.code
