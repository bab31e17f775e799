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
