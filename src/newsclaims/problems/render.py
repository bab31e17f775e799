"""Problems for people (text) and machines (JSON): the report every command prints. Pure: it returns
the text, the CLI writes it."""

from __future__ import annotations

import orjson

from .codes import WARNING
from .record import errors_of


def render_problems(problems, files_checked: int, output_format: str) -> str:
    """The report of a check: every problem, then a summary line (text), or one JSON object."""
    errors = errors_of(problems)  # warnings are listed, counted apart, and do not make the input invalid
    if output_format == "json":
        # problem_count counts every record; each has its severity (a key more would change the format)
        payload = {"valid": not errors, "files_checked": files_checked, "problem_count": len(problems),
                   "problems": [p.as_dict() for p in problems]}
        return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n"
    lines = [p.format_text() for p in problems]

    def counted(found, noun: str) -> str:
        files = len({p.file for p in found})
        return f"{len(found)} {noun}{'s' if len(found) != 1 else ''} in {files} file{'s' if files != 1 else ''}"

    warnings = [p for p in problems if p.severity == WARNING]
    also = f"; {counted(warnings, 'warning')}" if warnings else ""
    if errors:
        lines.append(f"{counted(errors, 'problem')}{also} ({files_checked} checked)")
    else:
        lines.append(f"ok: {files_checked} files checked, no problems{also}")
    return "\n".join(lines) + "\n"
