"""Regenerate the documentation pages that are generated from code (docs/errors.md)."""

from pathlib import Path

from newsclaims.problems.docs import render_error_catalogue
from newsclaims.validation.limits import LIMITS

DOCS = Path(__file__).resolve().parent.parent / "docs"

if __name__ == "__main__":
    (DOCS / "errors.md").write_text(render_error_catalogue(LIMITS), encoding="utf-8")
    print(f"wrote {DOCS / 'errors.md'}")
