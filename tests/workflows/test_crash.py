"""Crash safety: a build killed at any point leaves data/ old or new and complete; builds do not overlap."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.project import REPO, copy_project
from newsclaims.workflows.output_folder import OLD_PREFIX, TEMP_PREFIX
from newsclaims.cli import main
from newsclaims.dataset.manifest import verify
from helpers.project import add_copy_of_seed, tree_digest

KILLS = 12


def build_command(project: Path) -> list[str]:
    return [sys.executable, "-m", "newsclaims", "--root", str(project), "build", "--workers", "2"]


EXTRA = [f"copy-{i:02d}" for i in range(40, 80)]  # the documents version B adds


def set_corpus(project: Path, stash: Path, version: str) -> None:
    """Make the corpus build version A (EXTRA documents stashed away) or B (EXTRA documents in)."""
    corpus = project / "corpus"
    for doc_id in EXTRA:
        for folder, suffix in (("documents", ".txt"), ("annotations", ".json")):
            inside, outside = corpus / folder / f"{doc_id}{suffix}", stash / folder / f"{doc_id}{suffix}"
            if version == "b" and outside.exists():
                outside.rename(inside)
            elif version == "a" and inside.exists():
                inside.rename(outside)
    saved = stash / f"splits-{version}.json"
    if saved.exists():  # not yet while the fixture makes it
        (corpus / "splits.json").write_bytes(saved.read_bytes())


@pytest.fixture
def two_versions(tmp_path):
    """A project whose data/ holds version A, and whose corpus now builds version B."""
    project = copy_project(REPO, tmp_path / "project")
    stash = tmp_path / "stash"
    for folder in ("documents", "annotations"):
        (stash / folder).mkdir(parents=True)
    for i in range(80):
        add_copy_of_seed(project, f"copy-{i:02d}")
    assert main(["--root", str(project), "split"]) == 0
    (stash / "splits-b.json").write_bytes((project / "corpus" / "splits.json").read_bytes())
    assert main(["--root", str(project), "build", "--out", str(tmp_path / "b")]) == 0
    set_corpus(project, stash, "a")
    assert main(["--root", str(project), "split"]) == 0
    (stash / "splits-a.json").write_bytes((project / "corpus" / "splits.json").read_bytes())
    assert main(["--root", str(project), "build"]) == 0
    version_a, version_b = tree_digest(project / "data"), tree_digest(tmp_path / "b")
    assert version_a != version_b
    set_corpus(project, stash, "b")
    return project, stash, version_a, version_b


def test_a_build_killed_at_random_points_leaves_the_old_or_the_new_version(two_versions, capsys):
    project, stash, version_a, version_b = two_versions
    started = time.monotonic()
    subprocess.run(build_command(project), check=True, capture_output=True)
    duration = time.monotonic() - started
    rng = random.Random(20261129)
    outcomes = []
    for _ in range(KILLS):
        current = "a" if tree_digest(project / "data") == version_a else "b"
        other = "b" if current == "a" else "a"
        set_corpus(project, stash, other)  # this build would replace data/ by the other version
        process = subprocess.Popen(build_command(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.4, 1.1) * duration)
        os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, mid-flight
        process.wait()
        digest = tree_digest(project / "data")
        assert digest in (version_a, version_b), "data/ is a mix of two versions"
        assert verify(project / "data") == []
        outcomes.append("kept old" if digest == (version_a if current == "a" else version_b) else "got new")
    assert "kept old" in outcomes, outcomes  # some kills did land before the swap
    set_corpus(project, stash, "b")
    assert main(["--root", str(project), "build"]) == 0  # the next build cleans what the killed ones left
    capsys.readouterr()
    assert tree_digest(project / "data") == version_b
    assert not [p.name for p in project.iterdir() if p.name.startswith((TEMP_PREFIX, OLD_PREFIX))]


def test_a_second_build_while_one_runs_is_refused_with_a_clear_message(two_versions, capsys):
    project, _, version_a, version_b = two_versions
    set_corpus(project, project.parent / "stash", "a")
    held = os.open(project, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running build holds it
        assert main(["--root", str(project), "build"]) == 2
        error = capsys.readouterr().err
        assert "another build is writing in" in error and str(project) in error
    finally:
        os.close(held)
    assert tree_digest(project / "data") == version_a


def test_two_builds_started_at_once_leave_a_complete_data_folder(two_versions):
    project, _, _, version_b = two_versions
    processes = [subprocess.Popen(build_command(project), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(p.wait(), p.stderr.read()) for p in processes]
    for code, stderr in outcomes:
        assert code == 0 or (code == 2 and "another build" in stderr), stderr
    assert any(code == 0 for code, _ in outcomes)
    assert tree_digest(project / "data") == version_b
    assert verify(project / "data") == []
