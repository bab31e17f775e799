"""The package as a user installs it (`pip install .`, not editable): it carries its schema files, and
`newsclaims synth` and `newsclaims build` work from any folder, far from the source checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from helpers.project import REPO

SHIPPED = ["src", "schema", "pyproject.toml", "setup.py", "README.md"]


def test_a_non_editable_install_synthesises_and_builds(tmp_path):
    source = tmp_path / "source"
    for name in SHIPPED:  # a copy: building writes build/ and *.egg-info next to the sources
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.so"))
        else:
            shutil.copy2(REPO / name, source / name)
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
                             capture_output=True, text=True, check=False, timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    shipped = target / "newsclaims" / "schema" / "json"
    assert (shipped / "annotation.schema.json").is_file() and not (shipped / "annotation.schema.json").is_symlink()
    shutil.rmtree(source)  # nothing may point back at a source checkout

    env = {**os.environ, "PYTHONPATH": str(target)}  # before site-packages, where the editable install is
    work = tmp_path / "elsewhere"
    work.mkdir()

    def newsclaims(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsclaims", *args], cwd=work, env=env, capture_output=True, text=True,
                              check=False, timeout=600)

    where = subprocess.run([sys.executable, "-c", "import newsclaims; print(newsclaims.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(target)), where.stdout
    synth = newsclaims("synth", "--docs", "20", "--out", "corpus-copy", "--seed", "3", "--workers", "1")
    assert synth.returncode == 0, synth.stderr
    build = newsclaims("--root", "corpus-copy", "build", "--workers", "1")
    assert build.returncode == 0, build.stdout + build.stderr
    assert (work / "corpus-copy" / "data" / "manifest.json").is_file()
    assert newsclaims("verify", "corpus-copy/data").returncode == 0
