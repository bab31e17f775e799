"""`newsclaims agree [DOC_ID...]`: inter-annotator agreement of the readings in corpus/annotators/."""

from __future__ import annotations

import sys

from ..annotations.agreement import format_report
from ..workflows.agree import agree
from .common import (
    EXIT_INVALID,
    EXIT_OK,
    layout_of,
    print_json,
    print_problems,
)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the readings cannot be read (problems listed)"


def register(commands) -> None:
    parser = commands.add_parser("agree", help="inter-annotator agreement of the readings in corpus/annotators/, per layer")
    parser.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to measure (default: every document with two readings or more)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    result = agree(layout_of(args), args.doc_ids or None)
    if result.report is None:
        print_problems(result.problems, result.files_checked, args.format)
        return EXIT_INVALID
    if args.format == "json":
        print_json(result.report)
    else:
        sys.stdout.write(format_report(result.report))
    return EXIT_OK
