"""The validator, one module per level as Universal Dependencies' udtools: level1 (bytes, JSON/TOML),
level2 (schema), level3 (references), level4 (content); the C fast path (fastpath.py, _fastcheck.c)
beside its Python twins; files.py runs every level over one file, listing.py lists the corpus.
Imports from: errors, problems, project, schema.
"""
