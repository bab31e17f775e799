"""`newsclaims anchor [FILES] [--check]`: fill start/end (and ids left out) of spans written by quote."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..problems import shown_path
from ..workflows.anchor import anchor_files
from .common import (
    EXIT_INVALID,
    EXIT_OK,
    layout_of,
    print_json,
    print_problems,
    writing,
)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "a quote does not resolve (nothing is written), or with --check a file would change"


def register(commands) -> None:
    parser = commands.add_parser("anchor", help="fill the offsets and ids of spans written by their quote (text, prefix, suffix, occurrence)")
    parser.add_argument("paths", nargs="*", metavar="FILE", help="annotation files or folders (default: every file of corpus/annotations/)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = layout_of(args)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    with writing(layout.annotations_dir):
        report = anchor_files(layout, [Path(p) for p in args.paths], check=args.check)
    if args.format == "json":
        print_json({"problems": [p.as_dict() for p in report.problems], "written": report.written,
                    "files": [{"file": shown_path(f.path), "changed": f.changed, "spans_placed": f.spans_placed, "ids_filled": f.ids_filled}
                              for f in report.files]})
    else:
        if report.problems:
            print_problems(report.problems, len(report.files) + len({p.file for p in report.problems}), "text")
        for done in report.changed:
            verb = "anchored" if report.written else "would anchor"
            ids = f", ids {', '.join(done.ids_filled)}" if done.ids_filled else ""
            print(f"{verb} {shown_path(done.path)}: {done.spans_placed} span{'s' if done.spans_placed != 1 else ''} placed{ids}")
        if report.problems:
            print("anchor: nothing written (every quote must resolve first)")
        elif not report.changed:
            print(f"{len(report.files)} file{'s' if len(report.files) != 1 else ''} already anchored")
    if not report.valid or (args.check and report.changed):
        return EXIT_INVALID
    return EXIT_OK
