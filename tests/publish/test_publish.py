"""`newsclaims publish`: the dry run, every refusal with its own code, and the upload through
huggingface_hub itself, asserted from what reached a fake Hub on 127.0.0.1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers.fake_hub import FakeHub
from helpers.release_project import (
    GIT_IDENTITY,
    bump_version,
    commit_all,
    edit_claim,
    git,
    make_repository,
)

from newsclaims.cli import main
from newsclaims.dataset.manifest import sha256_of
from newsclaims.problems.codes import CATALOGUE, RELEASE

REPO_ID = "someone/newsclaims-test"


@pytest.fixture
def project(mini_project, monkeypatch, tmp_path):
    for key, value in GIT_IDENTITY.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    from huggingface_hub import constants
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-login" / "token"))  # never the machine's login
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    return make_repository(mini_project)


def publish(capsys, project: Path, *args: str) -> tuple[int, dict]:
    capsys.readouterr()  # what the setup printed
    code = main(["--root", str(project), "publish", "--repo-id", REPO_ID, "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def codes_of(report: dict) -> list[str]:
    return sorted({p["code"] for p in report["problems"]})


def data_files(project: Path) -> dict[str, tuple[int, str]]:
    data = project / "data"
    return {p.relative_to(data).as_posix(): (p.stat().st_size, sha256_of(p)) for p in sorted(data.rglob("*")) if p.is_file()}


# --- the dry run -----------------------------------------------------------------------------------

def test_a_dry_run_lists_every_file_of_data_with_size_and_sha256_the_message_and_the_tag(project, capsys):
    code, report = publish(capsys, project, "--dry-run")
    assert (code, report["problems"], report["dry_run"]) == (0, [], True)
    plan = report["plan"]
    assert {f["path"]: (f["size"], f["sha256"]) for f in plan["files"]} == data_files(project)
    assert plan["tag"] == "v0.1.0" and plan["version"] == "0.1.0"
    assert plan["commit_summary"] == "mini 0.1.0" or plan["commit_summary"].endswith(" 0.1.0")
    assert plan["commit_description"] == "- The mini test project: one document."
    assert report["uploaded"] is None and report["hub_checked"] is False


def test_a_dry_run_in_text_shows_the_same_and_needs_no_token_and_no_network(project, capsys):
    assert main(["--root", str(project), "publish", "--repo-id", REPO_ID, "--dry-run", "--endpoint", "http://127.0.0.1:9"]) == 0
    out = capsys.readouterr().out
    for path, (size, digest) in data_files(project).items():
        assert f"{digest}  {size:>12}  {path}" in out
    assert "tag: v0.1.0" in out and "- The mini test project: one document." in out and "nothing was uploaded" in out


# --- the refusals, each with its own code -----------------------------------------------------------

def refuse_stale(project: Path) -> None:
    edit_claim(project)
    commit_all(project, "a corrected claim, not rebuilt")


def refuse_verify(project: Path) -> None:
    path = project / "data" / "README.md"
    content = bytearray(path.read_bytes())
    content[-2] ^= 0x01  # a flipped byte in the card's last line
    path.write_bytes(bytes(content))
    commit_all(project, "a flipped byte")


def refuse_tag(project: Path) -> None:
    git(project, "tag", "-a", "v0.1.0", "-m", "released")


def refuse_version(project: Path) -> None:
    git(project, "tag", "-a", "v0.1.0", "-m", "released")
    edit_claim(project)
    assert main(["--root", str(project), "build"]) == 0
    commit_all(project, "a corrected claim, rebuilt as the same version")


def refuse_uncommitted(project: Path) -> None:
    edit_claim(project)


REFUSALS = {
    "publish-data-stale": refuse_stale,
    "publish-verify-failed": refuse_verify,
    "publish-tag-exists": refuse_tag,
    "publish-version-unchanged": refuse_version,
    "publish-uncommitted": refuse_uncommitted,
}


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_each_refusal_gives_its_own_code_and_uploads_nothing(code, project, capsys, monkeypatch):
    REFUSALS[code](project)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    with FakeHub() as hub:
        exit_code, report = publish(capsys, project, "--endpoint", hub.url)
    assert exit_code == 1 and code in codes_of(report)
    assert all(p["hint"] and p["message"] and p["level"] == "release" for p in report["problems"] if p["code"] == code)
    assert hub.requests == [], "a refusal is decided before the network"


def test_the_stale_refusal_names_the_files_a_fresh_build_writes_otherwise(project, capsys):
    refuse_stale(project)
    code, report = publish(capsys, project, "--dry-run")
    assert code == 1 and codes_of(report) == ["publish-data-stale"]
    stale = sorted(Path(p["file"]).relative_to(project / "data").as_posix() if os.path.isabs(p["file"])
                   else Path(p["file"]).name for p in report["problems"])
    assert any(name.endswith(".parquet") for name in stale) and "manifest.json" in stale


def test_a_flipped_byte_is_a_verify_failure_and_stale(project, capsys):
    refuse_verify(project)
    code, report = publish(capsys, project, "--dry-run")
    assert code == 1 and codes_of(report) == ["publish-data-stale", "publish-verify-failed"]


def test_no_token_is_refused_before_the_network(project, capsys):
    with FakeHub() as hub:
        code, report = publish(capsys, project, "--endpoint", hub.url)
    assert code == 1 and codes_of(report) == ["publish-no-token"]
    assert hub.requests == []


def test_a_tag_on_the_hub_is_refused(project, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    with FakeHub() as hub:
        assert publish(capsys, project, "--endpoint", hub.url)[0] == 0
        git(project, "tag", "-d", "v0.1.0")  # the local tag gone: the Hub still has it
        code, report = publish(capsys, project, "--endpoint", hub.url)
    assert code == 1 and codes_of(report) == ["publish-tag-exists"]
    assert "on the Hub" in report["problems"][0]["message"]
    assert len(hub.repos[REPO_ID].commits) == 1, "nothing more was committed"


def test_every_release_code_has_a_test_that_produces_it():
    tested = set(REFUSALS) | {"publish-no-token", "release-version-unchanged"}
    assert tested == {code for code, entry in CATALOGUE.items() if entry.level == RELEASE}


def test_build_warns_when_the_corpus_changed_under_a_released_version(project, capsys):
    git(project, "tag", "-a", "v0.1.0", "-m", "released")
    edit_claim(project)
    assert main(["--root", str(project), "build"]) == 0
    err = capsys.readouterr().err
    assert "warning: release-version-unchanged" in err and "v0.1.0" in err
    bump_version(project, "0.1.0", "0.1.1")
    assert main(["--root", str(project), "build"]) == 0
    assert "release-version-unchanged" not in capsys.readouterr().err


# --- the upload, from what reached the wire -----------------------------------------------------

def test_publish_creates_the_repo_uploads_data_as_one_commit_with_the_changelog_and_tags_it(project, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    with FakeHub() as hub:
        code, report = publish(capsys, project, "--endpoint", hub.url, "--private")
    assert (code, report["problems"]) == (0, [])
    assert [f"{r.method} {r.path}" for r in hub.requests if "validate-yaml" not in r.path] == [
        f"GET /api/datasets/{REPO_ID}/refs",
        "POST /api/repos/create",
        f"POST /api/datasets/{REPO_ID}/preupload/main",
        f"POST /api/datasets/{REPO_ID}/commit/main",
        f"POST /api/datasets/{REPO_ID}/tag/{report['uploaded']['commit']}",
    ]
    assert all(r.headers["authorization"] == "Bearer hf_test_token" for r in hub.requests if "validate-yaml" not in r.path)
    create = hub.calls("POST /api/repos/create")[0].json()
    assert (create["name"], create["organization"], create["type"], create["visibility"]) == ("newsclaims-test", "someone", "dataset", "private")
    # one commit: every file of data/, byte for byte, and nothing else
    commits = hub.calls(r"POST /api/datasets/.*/commit/main")
    assert len(commits) == 1
    items = commits[0].ndjson()
    header = items[0]
    assert header["key"] == "header"
    assert header["value"]["summary"].endswith(" 0.1.0")
    assert header["value"]["description"] == "- The mini test project: one document."
    repo = hub.repos[REPO_ID]
    data = project / "data"
    assert repo.commits[0].files == {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    # the tag names that commit
    tag = hub.calls(r"POST /api/datasets/.*/tag/.*")[0].json()
    assert tag["tag"] == "v0.1.0" and "The mini test project" in tag["message"]
    assert repo.tags["v0.1.0"][0] == repo.commits[0].oid
    # and the local release tag names the commit that holds what was uploaded
    assert report["local_tag"] == "v0.1.0"
    assert git(project, "rev-parse", "v0.1.0^{commit}") == git(project, "rev-parse", "HEAD")


def test_the_next_version_goes_up_to_the_existing_repository(project, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    with FakeHub() as hub:
        assert publish(capsys, project, "--endpoint", hub.url)[0] == 0
        edit_claim(project)
        bump_version(project, "0.1.0", "0.1.1")
        assert main(["--root", str(project), "build"]) == 0
        commit_all(project, "0.1.1")
        capsys.readouterr()
        code, report = publish(capsys, project, "--endpoint", hub.url)
    assert (code, report["problems"]) == (0, [])
    repo = hub.repos[REPO_ID]
    assert sorted(repo.tags) == ["v0.1.0", "v0.1.1"] and len(repo.commits) == 2
    assert repo.commits[1].description.startswith("- The first claim's check-worthiness corrected.")
    assert len(hub.calls("POST /api/repos/create")) == 2, "create_repo(exist_ok=True): the 409 is accepted"
    assert json.loads(repo.commits[1].files["manifest.json"])["version"] == "0.1.1"


def test_an_unreachable_hub_is_an_environment_failure_not_a_traceback(project, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    with FakeHub() as hub:
        url = hub.url
    code = main(["--root", str(project), "publish", "--repo-id", REPO_ID, "--endpoint", url])
    err = capsys.readouterr().err
    assert code == 3 and "run `newsclaims publish` again" in err
    assert "v0.1.0" not in git(project, "tag", "--list")


def test_a_token_the_hub_refuses_is_exit_3_with_what_to_check(project, capsys, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_wrong_token")
    with FakeHub() as hub:
        code = main(["--root", str(project), "publish", "--repo-id", REPO_ID, "--endpoint", hub.url])
    err = capsys.readouterr().err
    assert code == 3 and "the token may write to someone's repositories" in err
    assert hub.repos == {} and "v0.1.0" not in git(project, "tag", "--list")
