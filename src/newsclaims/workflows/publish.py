"""`newsclaims publish`: a release of data/ on the Hugging Face Hub, refused unless it is the release it
claims to be.

The checks, each with its own problem code (level `release`): the corpus, schema and data/ are
committed; the corpus did not change since the last release tag without a new version; the version's
tag does not exist (locally, then on the Hub); data/ matches its manifest (verify); data/ is what a
fresh build of the corpus writes, byte for byte (the build runs in a temporary folder); a token is
at hand. A dry run does every check that needs neither the network nor a token, and returns the plan:
every file with its size and sha256, the commit message, the tag. Then the upload (publish/hub.py),
and the local git tag of the released commit.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..dataset.manifest import MANIFEST
from ..errors import UsageError
from ..problems.record import Problem
from ..project import Layout
from ..publish import hub
from ..publish.git import create_tag
from ..publish.release import (
    ReleasePlan,
    hub_tag_problems,
    local_tag_problems,
    plan_release,
    stale_problems,
    token_problems,
    uncommitted_problems,
    verify_problems,
    version_problems,
)
from ..validation.files import check_settings
from .build import build


@dataclass
class PublishResult:
    repo_id: str
    dry_run: bool
    plan: ReleasePlan | None = None
    problems: list[Problem] = field(default_factory=list)  # the refusals; empty: published (or would be)
    hub_checked: bool = False  # the Hub's tags were read (not in a dry run, nor when it could not be reached)
    uploaded: hub.Uploaded | None = None
    local_tag: str | None = None  # the git tag made at HEAD once the Hub has the release

    def as_dict(self) -> dict:
        return {"repo_id": self.repo_id, "dry_run": self.dry_run, "refused": bool(self.problems),
                "plan": self.plan.as_dict() if self.plan else None, "problems": [p.as_dict() for p in self.problems],
                "hub_checked": self.hub_checked,
                "uploaded": None if self.uploaded is None else {"repo_url": self.uploaded.repo_url, "commit": self.uploaded.commit_oid,
                                                                "commit_url": self.uploaded.commit_url, "tag": self.uploaded.tag},
                "local_tag": self.local_tag}


def check_release(layout: Layout, settings: dict, workers: int | None = None) -> list[Problem]:
    """Every refusal that needs neither the network nor a token."""
    root, version = layout.root, settings["dataset"]["version"]
    problems = uncommitted_problems(root)
    unchanged = version_problems(root, version)
    problems += unchanged or local_tag_problems(root, f"v{version}")  # a corpus changed under a released version: say that
    problems += verify_problems(layout.data_dir)
    scratch = Path(tempfile.mkdtemp(prefix="newsclaims-publish-"))
    try:
        fresh = build(layout, scratch / "data", workers=workers, progress=False)
        problems += fresh.problems or stale_problems(layout.data_dir, scratch / "data")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return problems


def publish_release(layout: Layout, repo_id: str, *, dry_run: bool = False, private: bool = False, endpoint: str | None = None,
                    token: str | None = None, workers: int | None = None) -> PublishResult:
    """Check, then (unless dry_run) upload data/ as one commit tagged v<version>, and tag HEAD the same."""
    result = PublishResult(repo_id, dry_run)
    settings, problems = check_settings(layout.settings_path, layout.schema_dir)
    if settings is None:
        result.problems = problems
        return result
    if not (layout.data_dir / MANIFEST).is_file():
        raise UsageError(f"{layout.data_dir}: no {MANIFEST}, so nothing to publish; run `newsclaims build`, commit data/, then publish")
    result.plan = plan_release(layout.data_dir, settings)
    result.problems = check_release(layout, settings, workers)
    if dry_run:
        return result
    token = token or hub.token_from_environment()
    result.problems += token_problems(token)
    if result.problems:
        return result
    api = hub.hub_api(endpoint, token)
    tags = hub.hub_tags(api, repo_id)
    result.hub_checked = tags is not None
    result.problems = hub_tag_problems(layout.root, result.plan.tag, repo_id, tags or set())
    if result.problems:
        return result
    result.uploaded = hub.upload(api, repo_id, result.plan, layout.data_dir, private=private)
    create_tag(layout.root, result.plan.tag, result.plan.commit_message)
    result.local_tag = result.plan.tag
    return result
