"""newsclaims: an annotated news corpus (entities, claims, sources) and the tools that validate and build it."""

__version__ = "0.1.0"
