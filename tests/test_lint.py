"""`ruff check` is clean (the configuration is pyproject.toml's [tool.ruff])."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers.project import REPO


def test_ruff_check_is_clean():
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(REPO / ".venv" / "bin"))
    if ruff is None:
        try:
            import ruff as ruff_package  # noqa: F401  (the test extra installs it)
        except ImportError:
            pytest.fail("ruff is not installed: pip install -e '.[test]'")
        command = [sys.executable, "-m", "ruff"]
    else:
        command = [ruff]
    done = subprocess.run([*command, "check", "--no-cache", "src", "tests", "scripts"], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
