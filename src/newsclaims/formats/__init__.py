"""Importers and exporters of other formats (Label Studio, brat, CoNLL, spaCy, ClaimReview), as plugins.

Each format is one module here declaring a plugin (its name, what it can read and write, and its optional
dependencies, after frictionless' `formats/*/plugin.py`); a registry maps names to plugins, so `newsclaims
import FORMAT` and `newsclaims export FORMAT` find them. A plugin converts between files and annotation
dicts and reports problem records; it never prints. Optional dependencies are imported only when the
plugin runs, through one helper that names the pip extra to install (as datatrove's
`_requires_dependencies`). Imports from: errors, problems, project, schema, validation, dataset.
"""
