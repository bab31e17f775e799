"""`newsclaims reanchor DOC_ID [--old FILE] [--accept-edited]`: find every span again after a text correction."""

from __future__ import annotations

import sys
from pathlib import Path

from ..annotations.reanchor import format_plan
from ..errors import UsageError
from ..problems.record import shown_path
from ..workflows.reanchor import reanchor
from .common import EXIT_INVALID, EXIT_OK, layout_of, print_json


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "a span needs a person (ambiguous, lost, or edited without --accept-edited); nothing is written"


def register(commands) -> None:
    parser = commands.add_parser("reanchor", help="re-anchor a document's annotations after its text was corrected")
    parser.add_argument("doc_id", metavar="DOC_ID")
    parser.add_argument("--old", metavar="FILE", help="the text the annotation was made on (default: the last committed version with its text_sha256)")
    parser.add_argument("--accept-edited", action="store_true", help="write spans whose own words changed, with their new text")
    parser.set_defaults(handler=run)


def run(args) -> int:
    old = Path(args.old) if args.old else None
    if old is not None and not old.is_file():
        raise UsageError(f"no such file: {args.old}")
    result = reanchor(layout_of(args), args.doc_id, old, args.accept_edited)
    if args.format == "json":
        print_json({"needs_a_person": result.needs_a_person, "files": [f.as_dict() for f in result.files]})
    else:
        for outcome in result.files:
            name = shown_path(outcome.path)
            if outcome.plan is None:
                sys.stdout.write(f"{name}: up to date (text_sha256 matches the text)\n")
            else:
                sys.stdout.write(f"{format_plan(name, outcome.plan, outcome.written, args.accept_edited)} (old text: {outcome.old_from})\n")
    return EXIT_INVALID if result.needs_a_person else EXIT_OK
