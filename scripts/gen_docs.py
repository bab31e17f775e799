"""Regenerate the documentation pages that are generated from code: docs/errors.md, and the table of
rules in corpus/GUIDELINES.md."""

from pathlib import Path

from newsclaims.problems.docs import render_error_catalogue
from newsclaims.problems.rules import with_rules_table
from newsclaims.validation.limits import LIMITS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDELINES = ROOT / "corpus" / "GUIDELINES.md"

if __name__ == "__main__":
    (DOCS / "errors.md").write_text(render_error_catalogue(LIMITS), encoding="utf-8")
    print(f"wrote {DOCS / 'errors.md'}")
    GUIDELINES.write_text(with_rules_table(GUIDELINES.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote the table of rules in {GUIDELINES}")
