"""A publishable project for tests: the mini project, built, in a git repository with everything committed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from newsclaims.cli import main

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def make_repository(root: Path) -> Path:
    """Build data/ and commit the whole project in a new repository (branch main)."""
    assert main(["--root", str(root), "build"]) == 0
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "config", "tag.gpgsign", "false")
    commit_all(root, "the corpus and its build")
    return root


def edit_claim(root: Path) -> None:
    """A real change to the corpus: the first claim's check_worthy flipped."""
    path = next((root / "corpus" / "annotations").glob("*.json"))
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["claims"][0]["check_worthy"] = not annotation["claims"][0]["check_worthy"]
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def bump_version(root: Path, old: str, new: str) -> None:
    toml = root / "corpus" / "corpus.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(f'version = "{old}"', f'version = "{new}"'), encoding="utf-8")
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace(f"## {old}", f"## {new}\n\n- The first claim's check-worthiness corrected.\n\n## {old}", 1),
                         encoding="utf-8")
