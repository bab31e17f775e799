"""The `newsclaims` command.

Exit codes (every command): 0 success, 1 invalid input or failed check, 2 usage error, refusal or
internal error, 3 environment failure (disk full, read-only file system, permission denied: the
message names the path and what to do), 130 interrupted (Ctrl-C; the shell's 128 + SIGINT).

Bad input never shows a traceback: every command reports problem records. An unexpected exception is
an internal error (exit 2) with a one-line message; NEWSCLAIMS_DEBUG=1 shows the traceback. The
output is never lost to the terminal: a character the output encoding lacks is written as an escape
(`\\u00eb`), and a reader that goes away early (`newsclaims validate | head -1`) ends the output, not
the command, which finishes and exits with its own status.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import math
import os
import re
import shutil
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import orjson

from . import __version__
from .corpus import Layout, find_root
from .errors import EnvironmentFailure, environment_failure
from .problems import CATALOGUE, LEVEL_NAMES, WARNING, errors_of

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_STATUS_EPILOG = ("exit status: 0 ok; 1 problems found or check failed; 2 usage error, refusal or internal "
                      "error; 3 environment failure (disk full, read-only file system, permission denied); "
                      "130 interrupted")
MAX_WORKERS = 1024  # far above any machine's cores; more processes would only exhaust memory


from .errors import UsageError  # noqa: E402,F401  (re-exported: library modules still import it from here)


# --- numeric options: every range is checked here, as argparse reads the option --------------------

def whole_number(low: int, high: int | Callable[[], int] | None = None) -> Callable[[str], int]:
    """An argparse `type=` for an integer from low to high (None: no limit; a function: a limit owned
    by a module that is imported only when used, not for every command)."""
    def parse(text: str) -> int:
        top = high() if callable(high) else high
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (top is not None and value > top):
            wanted = f"from {low} to {top}" if top is not None else f"of at least {low}"
            raise argparse.ArgumentTypeError(f"must be a whole number {wanted}; got {text!r}")
        return value

    return parse


positive_int = whole_number(1)
non_negative_int = whole_number(0)
worker_count = whole_number(1, MAX_WORKERS)


def positive_float(text: str) -> float:
    """An argparse `type=` for a finite number above 0 (not nan, not inf)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0 (e.g. 512 or 0.5); got {text!r}")
    return value


# --- output that survives the terminal --------------------------------------------------------------

def _escape_unencodable(error: UnicodeEncodeError) -> tuple[str, int]:
    """Like backslashreplace, but always as \\uXXXX (a surrogate pair above U+FFFF): the escape of a
    JSON string, so that `--format json` stays valid JSON on an ASCII terminal and reads back exactly."""
    escaped = []
    for char in error.object[error.start:error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error("newsclaims-escape", _escape_unencodable)


class PipeSafeStream:
    """sys.stdout or sys.stderr during a command: once the reader has gone (`| head -1`), what is
    written is dropped and the command goes on to its own exit status, instead of BrokenPipeError."""

    def __init__(self, stream):
        self._stream = stream
        self.reader_gone = stream is None  # no stream at all (`>&-`): nothing to write to

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop_the_rest()
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop_the_rest()

    def _drop_the_rest(self) -> None:
        self.reader_gone = True
        # Python flushes the stream once more at exit: pointed at /dev/null, that flush cannot fail
        # (the Python docs' "Note on SIGPIPE").
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self._stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a file descriptor (pytest's capture)
            pass

    def isatty(self) -> bool:
        return not self.reader_gone and self._stream.isatty()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _pipe_safe(stream) -> PipeSafeStream:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="newsclaims-escape")
    return PipeSafeStream(stream)


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
    parser = argparse.ArgumentParser(prog="newsclaims", description="Validate and build the newsclaims corpus.",
                                     epilog=EXIT_STATUS_EPILOG)
    parser.add_argument("--version", action="version", version=f"newsclaims {__version__}")
    parser.add_argument("--root", help="project folder (holding corpus/ and schema/); default: found from the working folder")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check corpus files: parse, schema, references, content")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: the whole corpus)")
    validate.add_argument("--format", choices=["text", "json"], default="text", help="output for people (text) or machines (json)")
    validate.add_argument("--workers", type=worker_count, metavar="N",
                          help=f"worker processes for a whole-corpus check, 1-{MAX_WORKERS} (default: every core)")
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
    for command in commands.choices.values():  # every command's --help ends with the exit codes
        command.epilog = command.epilog or EXIT_STATUS_EPILOG
    return parser


def main(argv: list[str] | None = None) -> int:
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _pipe_safe(sys.stdout), _pipe_safe(sys.stderr)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = streams


# What an OSError's errno says the command was doing when the machine refused it (the others:
# opening, as EACCES and EPERM may come from reading as well as from writing).
WRITE_ERRNOS = {errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC)}


def as_environment_failure(error: BaseException, doing: str | None = None) -> EnvironmentFailure | None:
    """The environment failure an exception stands for (disk full, read-only, no permission), else None."""
    if isinstance(error, EnvironmentFailure):
        return error
    if isinstance(error, OSError):
        error = _first_copy_error(error)
        return environment_failure(error, doing or ("writing" if error.errno in WRITE_ERRNOS else "opening"))
    return None


def _first_copy_error(error: OSError) -> OSError:
    """shutil.copytree's Error holds each failed copy as (source, destination, the text of its
    OSError): the first with an errno, as an OSError on the destination (else the error as it is)."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        for entry in error.args[0]:
            match = re.match(r"\[Errno (\d+)\] ([^:]+)", str(entry[-1])) if len(entry) == 3 else None
            if match:
                return OSError(int(match[1]), match[2], entry[1])
    return error


@contextmanager
def writing(target: Path):
    """While a command writes `target` (a file or a folder), the machine's refusal is an
    EnvironmentFailure that names where to act: for a temporary file beside target (written, then
    renamed), the folder that holds both (`chmod u+w` on it is the fix, not on the temporary); for a
    write without a path (to an open file), target; any other path as it is."""
    try:
        yield
    except OSError as error:
        error, target = _first_copy_error(error), Path(os.path.abspath(target))
        doing, path = "writing", None if error.filename is None else Path(os.path.abspath(os.fsdecode(error.filename)))
        if path is None:
            error = OSError(error.errno, error.strerror, str(target))
        elif path != target and path.parent == target.parent:
            doing = f"writing {target.name} into"
            error = OSError(error.errno, f"{error.strerror}: {path}", str(target.parent))
        failure = as_environment_failure(error, doing)
        if failure is None:
            raise
        raise failure from None


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = f"newsclaims {args.command}"
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"{command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
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


if __name__ == "__main__":
    sys.exit(main())
