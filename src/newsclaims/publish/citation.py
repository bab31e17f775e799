"""CITATION.cff (Citation File Format 1.2.0) at the top of the project, generated from corpus.toml:
the same title, version, licence and description as the card and croissant.json, so GitHub's "Cite
this repository" and the Hub card say the same thing.

Nothing is invented: corpus.toml names no person, so the author is the collective "The <name>
contributors"; no release date is written (corpus.toml has none).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..dataset.croissant import spdx_id

CITATION_FILE = "CITATION.cff"
HEADER = "# Generated from corpus/corpus.toml by `newsclaims card --write-citation`; `newsclaims card --check` compares it.\n"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render_citation(settings: dict) -> str:
    dataset = settings["dataset"]
    lines = [HEADER.rstrip("\n"),
             "cff-version: 1.2.0",
             f"message: {_quoted('If you use this dataset, please cite it as below (and name the version you used).')}",
             "type: dataset",
             f"title: {_quoted(dataset['pretty_name'])}",
             f"abstract: {_quoted(' '.join(dataset['description'].split()))}",
             "authors:",
             f"  - name: {_quoted('The ' + dataset['name'] + ' contributors')}",
             f"version: {_quoted(dataset['version'])}"]
    spdx = spdx_id(dataset["license"])
    if spdx:
        lines.append(f"license: {_quoted(spdx)}")
    elif dataset["license"].startswith(("http://", "https://")):
        lines.append(f"license-url: {_quoted(dataset['license'])}")
    if dataset.get("homepage"):
        lines.append(f"url: {_quoted(dataset['homepage'])}")
    lines += ["keywords:", *(f"  - {_quoted(k)}" for k in ("dataset", "news", "claims", "named entities", "attribution"))]
    return "\n".join(lines) + "\n"


def citation_path(root: Path) -> Path:
    return Path(root) / CITATION_FILE
