"""Limits against mistakes and resource abuse (documented in docs/errors.md, generated from here).
"""

from __future__ import annotations



# Limits against mistakes and resource abuse (documented in docs/errors.md, generated from here).
MAX_TEXT_BYTES = 2 * 1024 * 1024          # a document text; a long news article is ~50 KB
MAX_ANNOTATION_BYTES = 16 * 1024 * 1024   # an annotation file
MAX_REGISTRY_BYTES = 256 * 1024 * 1024    # corpus/sources.json, corpus/splits.json, corpus/corpus.toml
MAX_JSON_DEPTH = 32                       # annotation files are 6 levels deep
# Values (objects, arrays, strings, numbers, literals) in a JSON file, counted on the text before it is
# parsed: a "wide bomb" of 16 MiB of [[],[],...] is 5.6 million values, which json.loads would turn
# into ~1.5 GB of Python objects. The seed annotation holds ~900 values for a 2.5 KB article.
MAX_JSON_VALUES = 1_000_000               # an annotation file
MAX_REGISTRY_VALUES = 10_000_000          # corpus/sources.json and corpus/splits.json (grow with the corpus)
MAX_INT_DIGITS = 1000                     # digits of an integer literal (Python refuses > 4,300 by default)
MAX_DUPLICATE_KEYS_REPORTED = 100         # json-duplicate-key records per file; the last one counts the rest
REGISTRY_JSON_FILES = ("sources.json", "splits.json")

LIMITS = {
    "MAX_TEXT_BYTES": (MAX_TEXT_BYTES, "bytes in a document text (corpus/documents/*.txt): `file-too-large`"),
    "MAX_ANNOTATION_BYTES": (MAX_ANNOTATION_BYTES, "bytes in an annotation file (corpus/annotations/*.json): `file-too-large`"),
    "MAX_REGISTRY_BYTES": (MAX_REGISTRY_BYTES, "bytes in corpus/sources.json, corpus/splits.json or corpus/corpus.toml: `file-too-large`"),
    "MAX_JSON_DEPTH": (MAX_JSON_DEPTH, "nesting depth of objects and arrays in a JSON file: `json-too-deep`"),
    "MAX_JSON_VALUES": (MAX_JSON_VALUES, "values (objects, arrays, strings, numbers, true/false/null) in an annotation file, "
                                         "counted before parsing: `json-too-many-values`"),
    "MAX_REGISTRY_VALUES": (MAX_REGISTRY_VALUES, "values in corpus/sources.json or corpus/splits.json, counted before parsing: `json-too-many-values`"),
    "MAX_INT_DIGITS": (MAX_INT_DIGITS, "digits of an integer in a JSON file: `json-invalid`"),
    "MAX_DUPLICATE_KEYS_REPORTED": (MAX_DUPLICATE_KEYS_REPORTED, "`json-duplicate-key` records per file (the last one says how many more there are)"),
}
