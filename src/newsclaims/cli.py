"""The `newsclaims` command. Exit codes: 0 success, 1 invalid input or failed check, 2 usage or internal error.

Bad input never shows a traceback: every command reports problem records. An unexpected exception is
an internal error (exit 2) with a one-line message; NEWSCLAIMS_DEBUG=1 shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import orjson

from . import __version__
from .corpus import Layout, find_root
from .problems import CATALOGUE, LEVEL_NAMES, WARNING, errors_of

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


from .errors import UsageError  # noqa: E402,F401  (re-exported: library modules still import it from here)


def resolve_layout(root: str | None) -> Layout:
    if root is not None:
        folder = Path(root)
        if not (folder / "corpus" / "corpus.toml").is_file() or not (folder / "schema").is_dir():
            raise UsageError(f"{root}: not a newsclaims project (it needs corpus/corpus.toml and schema/)")
        return Layout(folder.resolve())
    found = find_root(Path.cwd())
    if found is None:
        raise UsageError("not inside a newsclaims project (no corpus/corpus.toml and schema/ here or above); use --root")
    return Layout(found)


def print_problems(problems, files_checked: int, output_format: str, out=None) -> None:
    out = out or sys.stdout
    errors = errors_of(problems)  # warnings are listed, counted apart, and do not make the input invalid
    if output_format == "json":
        # problem_count counts every record; each has its severity (a key more would change the format)
        payload = {"valid": not errors, "files_checked": files_checked, "problem_count": len(problems),
                   "problems": [p.as_dict() for p in problems]}
        out.write(orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for p in problems:
        out.write(p.format_text() + "\n")

    def _counted(found, noun: str) -> str:
        files = len({p.file for p in found})
        return f"{len(found)} {noun}{'s' if len(found) != 1 else ''} in {files} file{'s' if files != 1 else ''}"

    warnings = [p for p in problems if p.severity == WARNING]
    counted = f"; {_counted(warnings, 'warning')}" if warnings else ""
    if errors:
        out.write(f"{_counted(errors, 'problem')}{counted} ({files_checked} checked)\n")
    else:
        out.write(f"ok: {files_checked} files checked, no problems{counted}\n")


def cmd_validate(args) -> int:
    from .validate import validate_corpus, validate_paths

    layout = resolve_layout(args.root)
    if args.changed is not None:
        if args.paths:
            raise UsageError("give either PATHS or --changed, not both")
        from .changed import validate_changed

        report, checked = validate_changed(layout, args.changed or None)
        if args.format == "text":
            print(checked, file=sys.stderr)
        print_problems(report.problems, report.files_checked, args.format)
        return EXIT_OK if report.valid else EXIT_INVALID
    if args.paths:
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


def cmd_codes(args) -> int:
    for code, entry in CATALOGUE.items():
        print(f"{code:24} {LEVEL_NAMES[entry.level]:10} {entry.title}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsclaims", description="Validate and build the newsclaims corpus.")
    parser.add_argument("--version", action="version", version=f"newsclaims {__version__}")
    parser.add_argument("--root", help="project folder (holding corpus/ and schema/); default: found from the working folder")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check corpus files: parse, schema, references, content")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the whole corpus)")
    validate.add_argument("--format", choices=["text", "json"], default="text", help="output for people (text) or machines (json)")
    validate.add_argument("--workers", type=int, help="worker processes for a whole-corpus check (default: every core)")
    validate.add_argument("--changed", nargs="?", const="", metavar="REV",
                          help="only the files changed since REV (default: the merge base with main), staged, unstaged or untracked")
    validate.set_defaults(handler=cmd_validate)

    codes = commands.add_parser("codes", help="list the problem codes (docs/errors.md has the full catalogue)")
    codes.set_defaults(handler=cmd_codes)

    try:  # the build stage registers its commands (build, split, diff, verify)
        from .commands import register
    except ImportError:
        pass
    else:
        register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"newsclaims {args.command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # an internal error: our bug, not the user's input
        if os.environ.get("NEWSCLAIMS_DEBUG"):
            raise
        print(f"newsclaims {args.command}: internal error: {type(error).__name__}: {error}\n"
              "Please report it with the command you ran (NEWSCLAIMS_DEBUG=1 shows the traceback).", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
