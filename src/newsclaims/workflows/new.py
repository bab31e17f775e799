"""`newsclaims new PATH.txt`: add a document to the corpus: its text copied into corpus/documents/ and
the skeleton of its annotation written beside, with doc_id, text_sha256, title and versions filled.

Never overwrites: a doc_id whose text or annotation exists is refused. A text not in the corpus' form
(BOM, CRLF, not NFC) is refused with the fix, or converted with normalize=True; bytes that are not
UTF-8 are always refused (their encoding cannot be known for sure).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..annotations.skeleton import guideline_version, normalize_text, skeleton, slug
from ..errors import UsageError
from ..problems.record import Problem, has_errors
from ..project import DOC_ID, Layout, write_atomically
from ..schema.files import schema_version
from ..validation.level1_bytes import decode_text, read_bytes
from ..validation.limits import MAX_TEXT_BYTES

CONVERTIBLE = {"encoding-bom", "text-crlf", "text-not-nfc"}  # what --normalize fixes


@dataclass
class NewDocument:
    doc_id: str | None = None
    text_path: Path | None = None
    annotation_path: Path | None = None
    changes: list[str] = field(default_factory=list)  # what normalize changed in the text
    problems: list[Problem] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.annotation_path is not None and not has_errors(self.problems)


def git_user_name(root: Path) -> str | None:
    """`git config user.name`, or None (no git, no name)."""
    try:
        completed = subprocess.run(["git", "-C", str(root), "config", "user.name"], check=False, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    name = completed.stdout.strip()
    return name if completed.returncode == 0 and name and "@" not in name else None


def new_document(layout: Layout, source: Path, doc_id: str | None = None, normalize: bool = False,
                 annotator: str | None = None, language: str = "en", genre: str = "news") -> NewDocument:
    if doc_id is None:
        doc_id = slug(source.name)
        if doc_id is None:
            raise UsageError(f"{source.name}: no doc_id can be made from this file name; give one with --doc-id (3-81 of a-z, 0-9, '-')")
    elif not DOC_ID.match(doc_id):
        raise UsageError(f"--doc-id {doc_id!r} is not a slug: use 3-81 characters from a-z, 0-9 and '-', starting with a letter or digit")
    text_path, annotation_path = layout.document_path(doc_id), layout.annotation_path(doc_id)
    same_file = text_path.exists() and os.path.samefile(source, text_path)  # the text already put in place by hand
    for existing in (text_path, annotation_path):
        if existing.exists() and not (same_file and existing == text_path):
            raise UsageError(f"{existing} exists: `new` never overwrites; choose another --doc-id, or edit the existing file")
    result = NewDocument(doc_id)
    data, problems = read_bytes(source, MAX_TEXT_BYTES)
    if data is None:
        result.problems = problems
        return result
    problems = decode_text(data, source)[1]
    convertible = [p for p in problems if p.code in CONVERTIBLE]
    if normalize and convertible:
        try:
            data, result.changes = normalize_text(data)
        except UnicodeDecodeError:
            pass  # reported below: decode_text says which byte
        else:
            # what is left after the conversion is what must still be fixed by hand
            problems = decode_text(data, source)[1]
    elif convertible:
        problems = [replace(p, hint=f"{p.hint} Or run `newsclaims new` again with --normalize, which converts it and says what changed.")
                    if p.code in CONVERTIBLE else p for p in problems]
    if has_errors(problems):
        result.problems = problems
        return result
    result.problems = problems  # warnings (a bidi control) are reported, and do not stop
    guidelines = layout.corpus_dir / "GUIDELINES.md"
    version = guideline_version(guidelines.read_text(encoding="utf-8") if guidelines.is_file() else None) or schema_version(layout.schema_dir)
    name = annotator or git_user_name(layout.root)
    result.annotators = [name] if name else []
    annotation = skeleton(doc_id, data, schema_version(layout.schema_dir), version, result.annotators, language, genre)
    layout.documents_dir.mkdir(parents=True, exist_ok=True)
    layout.annotations_dir.mkdir(parents=True, exist_ok=True)
    wrote_text = False
    if not same_file or result.changes:
        write_atomically(text_path, data)
        wrote_text = not same_file
    try:
        _write_new(annotation_path, (json.dumps(annotation, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    except BaseException:
        if wrote_text:
            text_path.unlink(missing_ok=True)  # all or nothing: no text without its annotation
        raise
    result.text_path, result.annotation_path = text_path, annotation_path
    return result


def _write_new(path: Path, content: bytes) -> None:
    """Write a file that must not exist yet (another process may have created it since it was checked)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
