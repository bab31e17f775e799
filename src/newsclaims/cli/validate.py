"""`newsclaims validate [PATHS] [--changed [REV]] [--fix]`: check corpus files, level by level; with --fix,
first apply the certain fixes (workflows/fix.py) and say what changed."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import UsageError
from ..workflows.changed import validate_changed
from ..workflows.validate import validate_corpus, validate_paths
import orjson

from ..problems.render import render_problems
from ..workflows.fix import FixReport, fix_files
from .common import EXIT_INVALID, EXIT_OK, add_workers, layout_of, print_json, print_problems


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "problems found (after the fixes)"


def register(commands) -> None:
    parser = commands.add_parser("validate", help="check corpus files: parse, schema, references, content")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the whole corpus)")
    add_workers(parser, "worker processes for a whole-corpus check")
    parser.add_argument("--changed", nargs="?", const="", metavar="REV",
                        help="only the files changed since REV (default: the merge base with main), staged, unstaged or untracked")
    parser.add_argument("--fix", action="store_true",
                        help="first apply the fixes that are certain (offsets to the nearest occurrence of the quote, `about` and mentions in order, "
                             "text_sha256 when every span is still valid) to the annotation files, write them, and say what changed")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = layout_of(args)
    fixed = None
    if args.fix:
        if args.changed is not None:
            raise UsageError("give either --fix or --changed, not both")
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
        whole = not args.paths or any(Path(p).resolve() in (layout.root, layout.corpus_dir.resolve()) for p in args.paths)
        fixed = fix_files(layout, [] if whole else [Path(p) for p in args.paths])
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
    if fixed is None:
        print_problems(report.problems, report.files_checked, args.format)
    elif args.format == "json":
        print_json({"fixed": [f.as_dict() for f in fixed.files], **orjson.loads(render_problems(report.problems, report.files_checked, "json"))})
    else:
        print(_fixed_text(fixed), end="")
        print_problems(report.problems, report.files_checked, args.format)
    return EXIT_OK if report.valid else EXIT_INVALID


def _fixed_text(fixed: FixReport) -> str:
    lines = []
    for done in fixed.files:
        lines += [f"{done.file}: fixed {fix.pointer}: {fix.change}" for fix in done.fixes]
        lines += [f"{done.file}: not fixed {fix.pointer}: {fix.change}" for fix in done.left]
    written = fixed.written
    lines.append(f"fixed {sum(len(f.fixes) for f in written)} problem(s) in {len(written)} file(s)" if written else "nothing to fix with certainty")
    return "\n".join(lines) + "\n"
