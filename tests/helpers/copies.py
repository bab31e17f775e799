"""A project of the real corpus plus copies of its document under other ids (so that every split has rows)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.project import REPO, copy_project

from newsclaims.cli import main


def project_with_copies(folder: Path, copies: int, change=None) -> Path:
    """The real corpus at folder/project, with `copies` copies of its first document (copy-00...),
    split; `change(i, annotation)` may edit each copy's annotation."""
    project = copy_project(REPO, folder / "project")
    corpus = project / "corpus"
    seed = min((corpus / "annotations").glob("*.json")).stem
    for i in range(copies):
        doc_id = f"copy-{i:02d}"
        (corpus / "documents" / f"{doc_id}.txt").write_bytes((corpus / "documents" / f"{seed}.txt").read_bytes())
        annotation = json.loads((corpus / "annotations" / f"{seed}.json").read_text(encoding="utf-8"))
        annotation["doc_id"], annotation["metadata"]["story_id"] = doc_id, None
        if change is not None:
            change(i, annotation)
        (corpus / "annotations" / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")
    assert main(["--root", str(project), "split"]) == 0
    return project
