"""`newsclaims diff OLD NEW`: compare two builds (data folders or git revisions), row by row."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..project import find_root, resolve_layout
from .common import EXIT_INVALID, EXIT_OK


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the builds differ"


def register(commands) -> None:
    parser = commands.add_parser("diff", help="compare two builds: data folders or git revisions (exit 1 when they differ)")
    parser.add_argument("old", help="a data folder, or a git revision whose data/ is compared")
    parser.add_argument("new", help="a data folder, or a git revision")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..dataset.diff import diff_as_dict, diff_builds, format_diff  # pyarrow: imported when the command runs (see __init__)

    # git revisions are looked up in the project's repository, wherever in it the command runs
    root = resolve_layout(args.root).root if args.root else (find_root(Path.cwd()) or Path.cwd())
    d = diff_builds(args.old, args.new, root)  # DiffError is a UsageError
    if args.format == "json":
        sys.stdout.write(json.dumps(diff_as_dict(d), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_diff(d))
    return EXIT_OK if d.identical else EXIT_INVALID
