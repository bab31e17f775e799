"""The `newsclaims` command: a thin layer over the library. Each command is a module here with
`register(subparsers)` and `run(args) -> int`; `main()` parses the arguments, runs the command and maps
the error hierarchy (errors.py) to exit codes. No library module imports this package.

A command whose library needs datasets, pyarrow or huggingface_hub imports that library function inside
run(): they cost most of a second to import, and `newsclaims validate` or `codes` should not pay it
(tests/cli/test_import_cost.py fails when the CLI imports them on start).

Exit codes (every command): 0 success, 1 invalid input or failed check (diff: the builds differ),
2 usage error, refusal or internal error, 3 environment failure (disk full, read-only file system,
permission denied: the message names the path and what to do), 130 interrupted (Ctrl-C).

Bad input never shows a traceback: every command reports problem records. An unexpected exception is
an internal error (exit 2) with a one-line message; NEWSCLAIMS_DEBUG=1 shows the traceback. The
output is never lost to the terminal: a character the output encoding lacks is written as an escape
(`\\u00eb`), and a reader that goes away early (`newsclaims validate | head -1`) ends the output, not
the command, which finishes and exits with its own status.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures.process import BrokenProcessPool

from .. import __version__
from ..errors import UsageError
from . import adjudicate, agree, anchor, build, card, codes, diff, export, import_, new, publish, reanchor, split, synth, validate, verify, view
from .common import (EXIT_ENVIRONMENT, EXIT_INTERRUPTED, EXIT_STATUS_EPILOG, EXIT_USAGE, ROOT_HELP, as_environment_failure,
                     add_format, add_root, exit_status_epilog, pipe_safe)

COMMANDS = (new, anchor, validate, codes, build, split, diff, verify, card, publish, import_, export, view, agree, adjudicate,
            reanchor, synth)  # the order of --help


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsclaims", description="Validate and build the newsclaims corpus.",
                                     epilog=EXIT_STATUS_EPILOG)
    parser.add_argument("--version", action="version", version=f"newsclaims {__version__}")
    parser.add_argument("--root", help=ROOT_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(commands)
    for module in COMMANDS:  # every command: the shared options, and its --help ends with the exit codes it can return
        command = commands.choices[module.__name__.rsplit(".", 1)[1].rstrip("_")]
        add_format(command)
        add_root(command)
        command.epilog = exit_status_epilog(module.EXIT_ONE)
    return parser


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = pipe_safe(sys.stdout), pipe_safe(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = f"newsclaims {args.command}"
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"{command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenProcessPool:  # a worker killed from outside: the out-of-memory killer, most often
        print(f"{command}: error: a worker process died while it worked (killed by the system, most often for lack "
              "of memory); run the command again with fewer workers (--workers 1), or on a machine with more memory",
              file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        failure = as_environment_failure(error)
        if failure is not None:  # the user's machine, not a bug: the path and what to do
            print(f"{command}: error: {failure}", file=sys.stderr)
            return EXIT_ENVIRONMENT
        if os.environ.get("NEWSCLAIMS_DEBUG"):
            raise
        # an internal error: our bug, not the user's input
        print(f"{command}: internal error: {type(error).__name__}: {error}\n"
              "Please report it with the command you ran (NEWSCLAIMS_DEBUG=1 shows the traceback).", file=sys.stderr)
        return EXIT_USAGE
