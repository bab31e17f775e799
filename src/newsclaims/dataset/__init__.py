"""Writing and reading the built dataset folder: Arrow rows per config, Parquet, the card, Croissant, the
manifest and verify, diff of two builds, and the reader back to the corpus (roundtrip).
Imports from: errors, problems, schema, validation, splits.
"""
