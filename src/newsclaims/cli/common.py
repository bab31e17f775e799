"""What every command shares: exit codes, the shared options (--root, --format, --workers), numeric
types that range-check as argparse reads them, output that survives the terminal, and the mapping of
the machine's refusals (disk full, read-only, permission denied) to exit 3.

Exit codes (every command): 0 success, 1 invalid input or failed check (for diff: the builds differ),
2 usage error, refusal or internal error, 3 environment failure (the message names the path and what
to do), 130 interrupted (Ctrl-C; the shell's 128 + SIGINT).
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

from ..errors import EnvironmentFailure, environment_failure
from ..problems import render_problems
from ..project import Layout, resolve_layout

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_STATUS_EPILOG = ("exit status: 0 ok; 1 problems found or check failed; 2 usage error, refusal or internal "
                      "error; 3 environment failure (disk full, read-only file system, permission denied); "
                      "130 interrupted")


def exit_status_epilog(exit_one: str | None) -> str:
    """The exit codes a command can return; `exit_one` is what 1 means for it (None: it never returns 1)."""
    one = f"1 {exit_one}; " if exit_one else ""
    return (f"exit status: 0 ok; {one}2 usage error, refusal or internal error; 3 environment failure (disk full, "
            "read-only file system, permission denied); 130 interrupted")
MAX_WORKERS = 1024  # far above any machine's cores; more processes would only exhaust memory
FORMAT_HELP = "output for people (text, the default) or machines (json)"
ROOT_HELP = "project folder (holding corpus/ and schema/); default: found from the working folder upwards"


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


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text", help=FORMAT_HELP)


def add_root(parser: argparse.ArgumentParser) -> None:
    """--root after the command too (`newsclaims build --root P`), the same as before it."""
    parser.add_argument("--root", default=argparse.SUPPRESS, help=ROOT_HELP)


def add_workers(parser: argparse.ArgumentParser, what: str = "worker processes") -> None:
    parser.add_argument("--workers", type=worker_count, metavar="N", help=f"{what}, 1-{MAX_WORKERS} (default: every core)")


def layout_of(args) -> Layout:
    return resolve_layout(args.root)


def print_problems(problems, files_checked: int, output_format: str) -> None:
    sys.stdout.write(render_problems(problems, files_checked, output_format))


def print_json(value) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


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


def pipe_safe(stream) -> PipeSafeStream:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="newsclaims-escape")
    return PipeSafeStream(stream)


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


