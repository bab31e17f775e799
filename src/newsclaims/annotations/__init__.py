"""Work on annotation files as a contributor or maintainer does: anchoring spans written by quote,
re-anchoring after a text correction, several annotators per document, agreement and adjudication.

Functions take and return annotation dicts and problem records; the workflows write files. Imports from:
errors, problems, project, schema, validation (the quote search lives in validation, which uses it for hints).
"""
