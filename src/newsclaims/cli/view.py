"""`newsclaims view [--out DIR] [--from corpus|data] [DOC_ID...]`: the explorer, a static HTML site."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from .common import (
    EXIT_OK,
    add_workers,
    layout_of,
    print_json,
    writing,
)


EXIT_ONE = None  # an invalid corpus is rendered too (exit 0, the count of documents with problems)


def register(commands) -> None:
    parser = commands.add_parser("view", help="write a static HTML site showing every annotation (open DIR/index.html in a browser)")
    parser.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="only these documents (default: all)")
    parser.add_argument("--out", metavar="DIR", help="folder of the site (default: site/ of the project); only a new or empty folder, "
                                                   "or one `newsclaims view` wrote, is ever replaced")
    parser.add_argument("--from", dest="origin", choices=["corpus", "data"], default="corpus",
                        help="render the corpus (validated: problems are shown at their spans) or a built data folder")
    parser.add_argument("--data", metavar="DIR", help="with --from data: the data folder (default: the project's data/, else ./data)")
    add_workers(parser, "worker processes validating the corpus")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..workflows.view import (
        view,  # imported when used: Jinja2 is not needed by the other commands
    )

    if args.data is not None and args.origin != "data":
        raise UsageError("--data DIR goes with --from data")
    try:
        layout = layout_of(args)
    except UsageError:
        if args.origin == "corpus":
            raise
        layout = None  # a downloaded data folder needs no project
    out = Path(args.out) if args.out else None
    with writing(out or Path("site")):
        result = view(layout, out, args.origin, args.doc_ids, Path(args.data) if args.data else None, args.workers)
    if args.format == "json":
        print_json({"site": str(result.folder), "index": str(result.index), "documents": result.documents,
                    "documents_with_problems": result.with_problems, "problems": result.problems,
                    "corpus_problems": result.corpus_problems})
        return EXIT_OK
    print(f"wrote {result.documents} document page{'s' if result.documents != 1 else ''} and the overview: open {result.index}")
    if result.with_problems:
        shown = ", ".join(result.with_problems[:5]) + (f" and {len(result.with_problems) - 5} more" if len(result.with_problems) > 5 else "")
        print(f"{len(result.with_problems)} document{'s have' if len(result.with_problems) != 1 else ' has'} validation problems "
              f"({result.problems} in all), shown at their spans: {shown}", file=sys.stderr)
    if result.corpus_problems:
        print(f"{result.corpus_problems} problem{'s' if result.corpus_problems != 1 else ''} of no document, listed on the overview "
              "(`newsclaims validate` reports them too)", file=sys.stderr)
    return EXIT_OK
