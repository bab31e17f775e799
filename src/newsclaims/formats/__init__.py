"""Importers and exporters of other formats (Label Studio, brat, CoNLL, spaCy, ClaimReview), as plugins.

Each format is one module here declaring a plugin (its name, what it can read and write, and its optional
dependencies, after frictionless' `formats/*/plugin.py`); a registry maps names to plugins, so `newsclaims
import FORMAT` and `newsclaims export FORMAT` find them. A plugin converts between files and annotation
dicts and reports problem records; it never prints. Optional dependencies are imported only when the
plugin runs, through one helper that names the pip extra to install (as datatrove's
`_requires_dependencies`). Imports from: errors, problems, project, schema, validation, dataset.

The contract (formats/base.py):

- `read(source: Path, options: ReadOptions) -> ReadResult`: the source's documents as `RawDocument`s
  (the text as the source has it, spans on its offsets, labels already mapped) and problem records naming
  the source file and line (JSON pointer for JSON). formats/convert.py then brings every text to the
  corpus rules, remaps the offsets and makes the annotation files, the same for every format.
- `write(documents: list[CorpusDocument], out: Path, options: WriteOptions) -> WriteResult`: the files
  written and problem records for what the format cannot carry (`export-not-carried`).

Adding a format is one module here declaring `PLUGIN = Plugin(...)`, its name in `REGISTRY`, and its tests.
"""

from __future__ import annotations

import importlib

from .base import Plugin

# name -> module of this package that declares PLUGIN. Modules are imported only when asked for.
REGISTRY = {
    "labelstudio": "labelstudio",
    "brat": "brat",
    "conll": "conll",
    "spacy": "spacy_docbin",
    "claimreview": "claimreview",
}


def plugin(name: str) -> Plugin:
    """The plugin registered under `name` (KeyError for an unknown name: the CLI offers the choices)."""
    module = importlib.import_module(f"{__name__}.{REGISTRY[name]}")
    return module.PLUGIN


def readers() -> list[str]:
    return [name for name in REGISTRY if plugin(name).read is not None]


def writers() -> list[str]:
    return [name for name in REGISTRY if plugin(name).write is not None]
