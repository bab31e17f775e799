"""The problem record: what every check reports instead of raising (code, file, line, pointer,
message, hint, severity), and how a path is shown in one.
"""

from __future__ import annotations

from dataclasses import dataclass
import os

from .codes import CATALOGUE, ERROR, LEVEL_NAMES, WARNING


@dataclass(frozen=True)
class Problem:
    code: str
    file: str
    message: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    hint: str = ""

    @property
    def level(self) -> int:
        return CATALOGUE[self.code].level

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code].severity

    def as_dict(self) -> dict:
        # Not dataclasses.asdict: it deep-copies every field and costs ~20x more (a file can have many problems).
        return {"code": self.code, "file": self.file, "message": self.message, "pointer": self.pointer, "line": self.line,
                "column": self.column, "hint": self.hint, "level": LEVEL_NAMES[self.level], "severity": self.severity}

    def format_text(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        pointer = f" (at {self.pointer})" if self.pointer else ""
        severity = "warning: " if self.severity == WARNING else ""  # errors keep the form tools already parse
        return f"{place}: {severity}{self.code}: {self.message}{pointer}\n    hint: {self.hint}"


def errors_of(problems) -> list[Problem]:
    """The problems that are errors: only these make validate fail or refuse a build."""
    return [p for p in problems if CATALOGUE[p.code].severity == ERROR]


def has_errors(problems) -> bool:
    return any(CATALOGUE[p.code].severity == ERROR for p in problems)


def problem(code: str, file: str, message: str, *, pointer: str = "", line: int | None = None,
            column: int | None = None, hint: str | None = None) -> Problem:
    """A problem record; the hint defaults to the catalogue's fix for the code."""
    if code not in CATALOGUE:  # a programming error, not bad input
        raise KeyError(f"unknown problem code {code!r}: add it to CATALOGUE")
    return Problem(code, file, message, pointer, line, column, hint or CATALOGUE[code].hint)


def json_pointer(path) -> str:
    """RFC 6901 pointer from a sequence of keys and indices."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def shown_path(path) -> str:
    """The path as a person should see it: relative to the working folder when inside it.
    Called only when there is a problem to report: it costs more than the checks of a valid file."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd) and absolute[len(cwd):len(cwd) + 1] == os.sep:
        absolute = absolute[len(cwd) + 1:]
    if not absolute.isascii():  # a name that is not UTF-8 holds surrogate escapes: show its bytes as \xNN
        absolute = absolute.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return absolute
