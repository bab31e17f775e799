"""The contract every format plugin follows, the records they exchange, and the one helper through which
a plugin imports an optional dependency (it raises a UsageError naming the pip extra, never ImportError).
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..problems.record import Problem


def requires(module: str, extra: str, what: str = ""):
    """Import an optional dependency, or raise UsageError with the install hint (as datatrove's
    `_requires_dependencies`): `pip install 'newsclaims[extra]'`."""
    try:
        return importlib.import_module(module)
    except ImportError:
        needed = f" for {what}" if what else ""
        raise UsageError(f"the Python package {module.split('.')[0]!r} is needed{needed}: pip install 'newsclaims[{extra}]'") from None


@dataclass
class RawSpan:
    """A span as the source has it: offsets into the source's text (code points), the quote the source
    records (None when it records none), and where it was found (for problem records)."""
    start: int
    end: int
    text: str | None
    line: int | None = None
    pointer: str = ""


@dataclass
class RawEntity:
    type: str                          # one of our entity types (the mapping has been applied)
    mentions: list[RawSpan]
    name: str | None = None            # None: the text of the first mention
    wikidata: str | None = None


@dataclass
class RawClaim:
    """A claim on the source's offsets. Fields left None are filled by convert.py's documented defaults."""
    span: RawSpan
    claim_type: str
    check_worthy: bool | None = None
    hedged: bool | None = None
    mode: str | None = None
    source_id: str | None = None       # an id of sources.json, or None (resolved from source_span, else "author")
    cue: RawSpan | None = None
    source_span: RawSpan | None = None
    hedge_cues: list[RawSpan] = field(default_factory=list)
    about: list[int] = field(default_factory=list)  # indices into RawDocument.entities
    verdict: dict | None = None


@dataclass
class RawDocument:
    """One source document: what `read` returns for convert.py to bring to the corpus rules."""
    name: str                          # what the doc_id is made from (a file stem, a task id)
    file: str                          # the source file, as problems show it
    text: str
    entities: list[RawEntity] = field(default_factory=list)
    claims: list[RawClaim] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    status: str | None = None          # None: the --status given
    line: int | None = None
    pointer: str = ""


@dataclass(frozen=True)
class ReadOptions:
    mapping: object                    # formats.mapping.Mapping
    skip_unmapped: bool = False
    annotations: str = "latest"        # Label Studio: "latest" (the most recent annotation) or "each" (one file per annotator)


@dataclass
class ReadResult:
    documents: list[RawDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)   # what was skipped or joined, for the summary
    skipped_labels: Counter = field(default_factory=Counter)  # label -> spans skipped (--unmapped skip)


@dataclass(frozen=True)
class CorpusDocument:
    """A corpus document as exporters see it: its text, its annotation file, and the sources registry."""
    doc_id: str
    text: str
    annotation: dict


@dataclass(frozen=True)
class WriteOptions:
    sources: dict                      # id -> source record (corpus/sources.json)
    as_annotations: bool = False       # Label Studio: annotations rather than predictions


@dataclass
class WriteResult:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Plugin:
    name: str
    description: str
    read: Callable[[Path, ReadOptions], ReadResult] | None = None
    write: Callable[[list[CorpusDocument], Path, WriteOptions], WriteResult] | None = None
    extras: tuple[tuple[str, str], ...] = ()   # (module, pip extra) the plugin imports when it runs
    source_kind: str = "file"                  # what `import` takes: "file" or "folder" (or "either")
