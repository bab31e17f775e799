"""What contributors run themselves: the pre-commit hook, this repository's pre-commit config, the
GitHub workflow (which cannot run here: it is parsed, and its commands must be the README's), and
docs/contributing.md."""

from __future__ import annotations

import json
import os
import re
import shlex

import yaml
from helpers.project import REPO
from helpers.release_project import GIT_IDENTITY, commit_all, git

from newsclaims.cli import main


def load(name: str):
    return yaml.safe_load((REPO / name).read_text(encoding="utf-8"))


def newsclaims_commands(text: str) -> list[str]:
    """Every `newsclaims ...` command line of a text (shell steps or Markdown code)."""
    found = [" ".join(span.split()) for span in re.findall(r"`(newsclaims [^`]*)`", text)]
    for line in text.splitlines():
        if "`" in line:
            continue
        for part in line.split("&&"):
            part = part.strip().strip("`$ ").strip()
            if part.startswith("newsclaims "):
                found.append(" ".join(shlex.split(part.split("#")[0])))
    return found


def test_the_hook_runs_validate_changed_on_corpus_and_schema_files():
    (hook,) = load(".pre-commit-hooks.yaml")
    assert hook["id"] == "newsclaims-validate" and hook["entry"] == "newsclaims validate --changed"
    assert hook["language"] == "python" and hook["pass_filenames"] is False and hook["files"] == "^(corpus|schema)/"


def test_this_repository_uses_the_same_hook():
    (hook,) = load(".pre-commit-hooks.yaml")
    (repo,) = load(".pre-commit-config.yaml")["repos"]
    (local,) = repo["hooks"]
    assert repo["repo"] == "local"
    assert {k: local[k] for k in ("id", "entry", "pass_filenames", "files")} == {k: hook[k] for k in ("id", "entry", "pass_filenames", "files")}


def test_the_hook_command_fails_on_a_changed_annotation_with_an_error(mini_project, monkeypatch, capsys):
    for key, value in GIT_IDENTITY.items():
        monkeypatch.setenv(key, value)
    git(mini_project, "init", "-q", "-b", "main")
    commit_all(mini_project, "the corpus")
    git(mini_project, "checkout", "-q", "-b", "contribution")
    path = next((mini_project / "corpus" / "annotations").glob("*.json"))
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["claims"][0]["claim_type"] = "rumour"
    path.write_text(json.dumps(annotation, indent=2) + "\n", encoding="utf-8")
    git(mini_project, "add", "-A")  # staged, as pre-commit sees it
    (hook,) = load(".pre-commit-hooks.yaml")
    monkeypatch.chdir(mini_project)
    assert main(shlex.split(hook["entry"])[1:]) == 1
    assert "schema-enum" in capsys.readouterr().out


def test_the_workflow_validates_builds_and_fails_on_a_stale_data_folder():
    workflow = load(".github/workflows/validate.yml")
    assert set(workflow[True if True in workflow else "on"]) == {"push", "pull_request"}  # YAML 1.1 reads `on` as true
    (job,) = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    commands = [c for run in runs for c in newsclaims_commands(run)]
    assert commands[:2] == ["newsclaims validate", "newsclaims build"]
    stale = next(run for run in runs if "git diff" in run)
    assert "--exit-code" in stale and "data/" in stale and "git status --porcelain -- data/" in stale
    readme = newsclaims_commands((REPO / "README.md").read_text(encoding="utf-8"))
    for command in commands:
        assert command in readme, f"{command!r} is run by the workflow but not shown in the README"
    assert any(step.get("uses", "").startswith("actions/checkout") for step in job["steps"])


def test_the_contributing_guide_gives_the_commands_from_fork_to_pull_request():
    guide = (REPO / "docs" / "contributing.md").read_text(encoding="utf-8")
    commands = newsclaims_commands(guide)
    for needed in ("newsclaims validate --changed", "newsclaims build", "newsclaims card --check"):
        assert needed in commands, needed
    for step in ("fork", "git clone", "pre-commit install", "git push", "pull request"):
        assert step in guide.lower(), step
    assert os.path.exists(REPO / ".pre-commit-config.yaml")
