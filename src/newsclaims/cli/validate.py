"""`newsclaims validate [PATHS] [--changed [REV]]`: check corpus files, level by level."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from ..workflows.changed import validate_changed
from ..workflows.validate import validate_corpus, validate_paths
from .common import EXIT_INVALID, EXIT_OK, add_format, add_root, add_workers, layout_of, print_problems


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "problems found"


def register(commands) -> None:
    parser = commands.add_parser("validate", help="check corpus files: parse, schema, references, content")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the whole corpus)")
    add_format(parser)
    add_root(parser)
    add_workers(parser, "worker processes for a whole-corpus check")
    parser.add_argument("--changed", nargs="?", const="", metavar="REV",
                        help="only the files changed since REV (default: the merge base with main), staged, unstaged or untracked")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = layout_of(args)
    if args.changed is not None:
        if args.paths:
            raise UsageError("give either PATHS or --changed, not both")
        report, checked = validate_changed(layout, args.changed or None)
        if args.format == "text":
            print(checked, file=sys.stderr)
    elif args.paths:
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
        paths = [Path(p) for p in args.paths]
        # Naming the corpus folder or the project means the whole corpus (with pairing checks).
        whole = [p for p in paths if p.resolve() in (layout.root, layout.corpus_dir.resolve())]
        report = validate_corpus(layout, workers=args.workers, keep_documents=False) if whole else validate_paths(layout, paths)
    else:
        report = validate_corpus(layout, workers=args.workers, keep_documents=False)
    print_problems(report.problems, report.files_checked, args.format)
    return EXIT_OK if report.valid else EXIT_INVALID
