"""`newsclaims reanchor DOC_ID`: re-anchor a document's annotation files (the gold file and every
annotator's reading) after its text was corrected (annotations/reanchor.py). The old text is `--old FILE`
or the last version of corpus/documents/<doc_id>.txt committed to git whose sha256 is the file's
`text_sha256`. A file is written only when no span is ambiguous or lost and the edited ones are accepted.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..annotations.reanchor import Plan, apply, plan
from ..errors import UsageError
from ..problems.record import shown_path
from ..project import DOC_ID, Layout, write_atomically


@dataclass
class FileOutcome:
    path: Path
    plan: Plan | None = None  # None: the file already matches the text
    written: bool = False
    old_from: str = ""  # where the old text came from

    def as_dict(self) -> dict:
        return {"file": shown_path(self.path), "up_to_date": self.plan is None, "written": self.written, "old_text": self.old_from,
                "counts": self.plan.counts() if self.plan else {}, "spans": [s.as_dict() for s in self.plan.spans] if self.plan else []}


@dataclass
class ReanchorResult:
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def needs_a_person(self) -> bool:
        return any(f.plan is not None and not f.written for f in self.files)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def old_text_from_git(layout: Layout, doc_id: str, sha256: str) -> tuple[str, str] | None:
    """(text, revision) of the last committed version of the document whose sha256 is `sha256`."""
    relative = layout.document_path(doc_id).relative_to(layout.root).as_posix()
    try:
        revisions = subprocess.run(["git", "-C", str(layout.root), "log", "--format=%H", "--", relative],
                                   capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    prefix = subprocess.run(["git", "-C", str(layout.root), "rev-parse", "--show-prefix"], check=False, capture_output=True, text=True).stdout.strip()
    for revision in revisions:
        shown = subprocess.run(["git", "-C", str(layout.root), "show", f"{revision}:{prefix}{relative}"], check=False, capture_output=True)
        if shown.returncode == 0 and hashlib.sha256(shown.stdout).hexdigest() == sha256:
            return shown.stdout.decode("utf-8"), revision[:12]
    return None


def annotation_files(layout: Layout, doc_id: str) -> list[Path]:
    """The gold file and every reading of the document."""
    files = [layout.annotation_path(doc_id)] if layout.annotation_path(doc_id).is_file() else []
    folder = layout.annotators_dir / doc_id
    return files + (sorted(folder.glob("*.json")) if folder.is_dir() else [])


def reanchor(layout: Layout, doc_id: str, old: Path | None = None, accept_edited: bool = False) -> ReanchorResult:
    if not DOC_ID.match(doc_id) or not layout.document_path(doc_id).is_file():
        raise UsageError(f"{doc_id}: no such document (corpus/documents/{doc_id}.txt)")
    new_text = layout.document_path(doc_id).read_bytes().decode("utf-8")
    new_sha = sha256_text(new_text)
    old_text = old.read_bytes().decode("utf-8") if old is not None else None
    files = annotation_files(layout, doc_id)
    if not files:
        raise UsageError(f"{doc_id}: no annotation file (corpus/annotations/{doc_id}.json or corpus/annotators/{doc_id}/)")
    result = ReanchorResult()
    for path in files:
        try:
            annotation = json.loads(path.read_text(encoding="utf-8"))
            sha = annotation["text_sha256"]
        except (ValueError, KeyError, TypeError):
            raise UsageError(f"{shown_path(path)}: not a readable annotation file; run `newsclaims validate {shown_path(path)}` first") from None
        outcome = FileOutcome(path)
        result.files.append(outcome)
        if sha == new_sha:
            continue
        if old_text is not None:
            if sha256_text(old_text) != sha:
                raise UsageError(f"{old}: its sha256 is not the text_sha256 of {shown_path(path)} ({sha[:12]}...): "
                                 "it is not the text that file was annotated on")
            before, outcome.old_from = old_text, shown_path(old)
        else:
            found = old_text_from_git(layout, doc_id, sha)
            if found is None:
                raise UsageError(f"{shown_path(path)}: no committed version of corpus/documents/{doc_id}.txt has its text_sha256 "
                                 f"({sha[:12]}...); give the text it was annotated on with --old FILE")
            before, outcome.old_from = found[0], f"git {found[1]}"
        outcome.plan = plan(before, new_text, annotation)
        if outcome.plan.writable(accept_edited):
            reanchored = apply(annotation, outcome.plan)
            write_atomically(path, (json.dumps(reanchored, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
            outcome.written = True
    return result
