"""`newsclaims card`: the dataset card (data/README.md) and CITATION.cff as a build would write them
now, and whether the committed ones differ (a unified diff each)."""

from __future__ import annotations

import difflib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..problems.record import Problem, shown_path
from ..project import Layout, write_atomically
from ..publish.citation import citation_path, render_citation
from ..validation.files import check_settings
from .build import build

CARD = "README.md"


@dataclass
class CardCheck:
    card: str = ""  # the card a build writes now
    citation: str = ""  # CITATION.cff as generated now
    differences: list[tuple[str, str]] = field(default_factory=list)  # (file shown, unified diff) of each that differs
    problems: list[Problem] = field(default_factory=list)  # the build was refused: nothing to compare with


def _diff(path: Path, expected: str) -> str | None:
    actual = path.read_text(encoding="utf-8") if path.is_file() else ""
    if actual == expected:
        return None
    shown = shown_path(path)
    return "".join(difflib.unified_diff(actual.splitlines(keepends=True), expected.splitlines(keepends=True),
                                        fromfile=f"{shown} (committed)" if path.is_file() else f"{shown} (missing)",
                                        tofile=f"{shown} (as the build writes it)"))


def check_card(layout: Layout, workers: int | None = None) -> CardCheck:
    """Build into a temporary folder and compare its card, and the generated CITATION.cff, with the project's."""
    result = CardCheck()
    settings, problems = check_settings(layout.settings_path, layout.schema_dir)
    if settings is None:
        result.problems = problems
        return result
    scratch = Path(tempfile.mkdtemp(prefix="newsclaims-card-"))
    try:
        built = build(layout, scratch / "data", workers=workers, progress=False)
        if built.problems:
            result.problems = built.problems
            return result
        result.card = (scratch / "data" / CARD).read_text(encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.citation = render_citation(settings)
    for path, expected in ((layout.data_dir / CARD, result.card), (citation_path(layout.root), result.citation)):
        diff = _diff(path, expected)
        if diff is not None:
            result.differences.append((shown_path(path), diff))
    return result


def write_citation(layout: Layout) -> tuple[Path, list[Problem]]:
    """Write CITATION.cff from corpus.toml (asked for: it replaces the file)."""
    settings, problems = check_settings(layout.settings_path, layout.schema_dir)
    path = citation_path(layout.root)
    if settings is not None:
        write_atomically(path, render_citation(settings).encode("utf-8"))
    return path, problems if settings is None else []
