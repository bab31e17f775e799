"""`newsclaims new`'s logic: a doc_id from a file name, a text converted to the corpus' form (UTF-8
without BOM, LF, NFC), and the skeleton annotation of a new document. Pure; workflows/new.py writes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ..project import DOC_ID


def slug(name: str) -> str | None:
    """A doc_id from a file name ("Gdańsk port.txt" -> "gdansk-port"), or None when nothing valid is left."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    ascii_only = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii").lower()
    candidate = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:81].rstrip("-")
    return candidate if DOC_ID.match(candidate) else None


def normalize_text(data: bytes) -> tuple[bytes, list[str]]:
    """The text as the corpus keeps it, and what was changed (empty when nothing). Only conversions that
    lose nothing: the BOM dropped, CRLF and CR turned into LF, NFC. Raises UnicodeDecodeError for bytes
    that are not UTF-8 (their encoding cannot be known for sure)."""
    changes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        changes.append("removed the byte order mark (BOM)")
    text = data.decode("utf-8")
    if "\r" in text:
        count = text.count("\r\n")
        lone = text.count("\r") - count
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        changes.append(f"converted {count} CRLF and {lone} CR line endings to LF" if lone else f"converted {count} CRLF line endings to LF")
    normalized = unicodedata.normalize("NFC", text)
    if normalized != text:
        changed = sum(1 for a, b in zip(text, normalized) if a != b) or 1
        changes.append(f"normalised to NFC ({len(text) - len(normalized)} code points fewer; from code point "
                       f"{next((i for i, (a, b) in enumerate(zip(text, normalized)) if a != b), 0)} on, {changed} differ)")
        text = normalized
    return text.encode("utf-8"), changes


def first_line_title(text: str) -> str | None:
    """The title: the first non-empty line, stripped (the corpus' texts carry their headline first)."""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[:2000]
    return None


def skeleton(doc_id: str, text_bytes: bytes, schema_version: str, guideline_version: str, annotators: list[str],
             language: str = "en", genre: str = "news") -> dict:
    """The annotation of a new document before any label: every metadata field not known is null."""
    text = text_bytes.decode("utf-8")
    return {
        "schema_version": schema_version,
        "doc_id": doc_id,
        "text_sha256": hashlib.sha256(text_bytes).hexdigest(),
        "metadata": {"title": first_line_title(text), "url": None, "published_at": None, "language": language, "genre": genre,
                     "publisher_source_id": None, "author_source_ids": [], "license": None, "story_id": None},
        "annotation": {"status": "silver", "annotators": annotators, "guideline_version": guideline_version},
        "entities": [],
        "claims": [],
    }


def guideline_version(guidelines: str | None) -> str | None:
    """The version in GUIDELINES.md's title ("# ... guideline (version 1.0)"), or None."""
    match = re.search(r"\(version ([0-9]+\.[0-9]+)\)", guidelines or "")
    return match.group(1) if match else None
