"""Synthetic corpora in the real format, for benchmarks and tests at scale: word pools, one document as a
function of (seed, index), known injected errors, the project writer.
"""
