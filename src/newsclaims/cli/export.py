"""`newsclaims export FORMAT --out DIR`: the corpus (or a built data/) as Label Studio, brat, spaCy or ClaimReview."""

from __future__ import annotations

import sys
from pathlib import Path

from ..formats import writers
from ..workflows.export import export_documents
from .common import (
    EXIT_INVALID,
    EXIT_OK,
    add_workers,
    layout_of,
    print_json,
    print_problems,
    writing,
)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the corpus cannot be exported as asked (problems listed; nothing is written)"


def register(commands) -> None:
    parser = commands.add_parser("export", help="export the corpus to Label Studio, brat, spaCy or ClaimReview (docs/formats.md)")
    parser.add_argument("format_name", choices=writers(), metavar="FORMAT", help=f"one of: {', '.join(writers())}")
    parser.add_argument("--out", required=True, metavar="DIR", help="a new (or empty) folder to write into")
    parser.add_argument("--from", dest="data", metavar="DATA", help="export a built data/ folder instead of the corpus")
    parser.add_argument("--as", dest="as_", choices=["predictions", "annotations"], default="predictions",
                        help="Label Studio: write the labels as predictions (default) or annotations")
    parser.add_argument("--force", action="store_true", help="write into an --out that is not empty")
    add_workers(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = None if args.data else layout_of(args)
    out = Path(args.out)
    with writing(out):
        report = export_documents(layout, args.format_name, out, data_dir=Path(args.data) if args.data else None,
                                  as_annotations=args.as_ == "annotations", force=args.force, workers=args.workers)
    if args.format == "json":
        print_json({"exported": not report.refused, "files": [str(p) for p in report.files], "counts": dict(sorted(report.counts.items())),
                    "problems": [p.as_dict() for p in report.problems]})
        return EXIT_INVALID if report.refused else EXIT_OK
    if report.problems:
        print_problems(report.problems, report.files_checked, "text")
    if report.refused:
        print("export refused: the corpus must be fixed first; nothing was written.", file=sys.stderr)
        return EXIT_INVALID
    for path in report.files:
        print(f"wrote {path}")
    print("exported " + ", ".join(f"{value} {name}" for name, value in sorted(report.counts.items())))
    return EXIT_OK
