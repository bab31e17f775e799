"""Shared fixtures: temporary copies of a project, so tests never write to the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.project import MINI, REPO, copy_project


@pytest.fixture
def mini_project(tmp_path) -> Path:
    """The valid one-document mini project (tests/fixtures/mini), copied."""
    return copy_project(MINI, tmp_path / "project")


@pytest.fixture
def seed_project(tmp_path) -> Path:
    """The real corpus (corpus/), copied."""
    return copy_project(REPO, tmp_path / "project")


def pytest_addoption(parser):
    group = parser.getgroup("fuzz", "a fuzz campaign of the validator (scripts/fuzz.py passes these)")
    group.addoption("--fuzz-seconds", type=float, help="run tests/validation/test_fuzz.py's campaign this long")
    group.addoption("--fuzz-seed", type=int, default=0, help="seed of the case sequence (default 0)")
    group.addoption("--fuzz-case", type=int, help="run only this case of the seed (to reproduce a failure)")
    group.addoption("--fuzz-rounds", type=int, default=3, help="at most this many mutators stacked per case")
    group.addoption("--fuzz-failures", default="fuzz-failures", help="folder for failing inputs")
    group.addoption("--fuzz-summary", help="write the campaign's summary (JSON) to this file")
