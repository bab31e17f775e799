"""`newsclaims adjudicate DOC_ID [--write]`: where the readings disagree, and a gold file of what they agree on."""

from __future__ import annotations

import sys
from pathlib import Path

from ..annotations.adjudication import format_disagreements
from ..problems.record import shown_path
from ..workflows.adjudicate import adjudicate
from .common import EXIT_INVALID, EXIT_OK, layout_of, print_json, print_problems


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the readings disagree (each disagreement listed), or cannot be read"


def register(commands) -> None:
    parser = commands.add_parser("adjudicate", help="list the readings' disagreements label by label; --write makes a gold file to settle")
    parser.add_argument("doc_id", metavar="DOC_ID")
    parser.add_argument("--write", action="store_true", help="write a gold file: the agreed labels, each disagreement left under `unresolved`")
    parser.add_argument("--out", metavar="FILE", help="where --write writes (default: corpus/annotations/<doc_id>.json)")
    parser.add_argument("--force", action="store_true", help="let --write replace an existing file")
    parser.add_argument("--base", metavar="ANNOTATOR", help="the reading the gold file starts from (default: the first annotator by name)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    result = adjudicate(layout_of(args), args.doc_id, args.write, Path(args.out) if args.out else None, args.force, args.base)
    if result.problems:
        print_problems(result.problems, result.files_checked, args.format)
        return EXIT_INVALID
    if args.format == "json":
        print_json({"doc_id": args.doc_id, "annotators": result.annotators,
                    "disagreements": [d.as_item() for d in result.disagreements],
                    "written": shown_path(result.written) if result.written else None})
    else:
        sys.stdout.write(format_disagreements(args.doc_id, result.disagreements))
        if result.written:
            sys.stdout.write(f"wrote {shown_path(result.written)}: the agreed labels; `newsclaims validate` refuses it "
                             f"until each of its {len(result.disagreements)} unresolved item(s) is settled\n")
    return EXIT_INVALID if result.disagreements else EXIT_OK
