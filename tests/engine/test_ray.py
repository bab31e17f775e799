"""`newsclaims build --engine ray`: the same per-document function on a local Ray instance, the same files."""

from __future__ import annotations

import pytest

from helpers.project import REPO, copy_project
from newsclaims.cli import main
from helpers.project import add_copy_of_seed, tree_digest

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """One local Ray instance for the module (starting one takes seconds); the engine reuses it."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


def test_the_ray_engine_builds_the_same_files_as_the_local_engine(tmp_path, capsys):
    root = copy_project(REPO, tmp_path / "project")
    for i in range(300):  # two batches, so that order across tasks matters
        add_copy_of_seed(root, f"copy-{i:03d}")
    assert main(["--root", str(root), "split"]) == 0
    assert main(["--root", str(root), "build", "--out", str(tmp_path / "local"), "--workers", "2"]) == 0
    assert main(["--root", str(root), "build", "--out", str(tmp_path / "ray"), "--workers", "2", "--engine", "ray"]) == 0
    capsys.readouterr()
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")


def test_the_ray_engine_refuses_an_invalid_corpus_like_the_local_one(tmp_path, capsys):
    root = copy_project(REPO, tmp_path / "project")
    path = root / "corpus" / "annotations" / "b8270d0f4451370c.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"claim_type": "opinion"', '"claim_type": "rumour"', 1), encoding="utf-8")
    assert main(["--root", str(root), "build", "--engine", "ray", "--workers", "1", "--format", "json"]) == 1
    assert '"code": "schema-enum"' in capsys.readouterr().out
    assert not (root / "data").exists()


def test_a_successful_ray_build_logs_no_error_line(tmp_path):
    """As a user runs it, in a process of its own (Ray's core worker writes to the process's stderr)."""
    import re
    import subprocess
    import sys

    root = copy_project(REPO, tmp_path / "project")
    done = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(root), "build", "--engine", "ray", "--workers", "1"],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    errors = [line for line in done.stderr.splitlines() if re.match(r"\[[^\]]* E \d+ \d+\]", line) or " ERROR " in line]
    assert errors == [], errors
    assert "Warning" not in done.stderr, done.stderr
