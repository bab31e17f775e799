"""Level 1, parse: JSON and TOML text -> values, with line and column for every problem (syntax errors,
duplicate keys, nesting depth, too many values, TOML dates), and JSON pointers located in the text.
"""

from __future__ import annotations

import bisect
import datetime
import json
import json.scanner
import math
import re
import sys
from pathlib import Path
from dataclasses import replace

from ..problems.record import Problem, json_pointer, problem, shown_path
from .level1_bytes import line_col, read_bytes
from .limits import MAX_DUPLICATE_KEYS_REPORTED, MAX_INT_DIGITS, MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_REGISTRY_VALUES, REGISTRY_JSON_FILES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class _DuplicateKeys(list):
    """Keys seen twice while parsing, collected by the object hook (positions are found later)."""


class _BadNumber(ValueError):
    """A number literal that Python's json accepts but JSON (or a 64-bit float) does not."""

    def __init__(self, literal: str, message: str):
        super().__init__(message)
        self.literal = literal


def _reject_constant(name: str):
    raise _BadNumber(name, f"{name} is not valid JSON (JSON has no NaN or Infinity)")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise _BadNumber(literal, f"the number {literal[:40]} is too large for a 64-bit float")
    return value


def _bounded_int(literal: str) -> int:
    # Python refuses to convert more than 4,300 digits (a ValueError json.loads would let through).
    digits = len(literal) - literal.startswith("-")
    if digits > MAX_INT_DIGITS:
        raise _BadNumber(literal, f"an integer of {digits:,} digits; numbers have at most {MAX_INT_DIGITS:,} digits")
    return int(literal)


_LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{%d}" % (MAX_INT_DIGITS + 1))  # the lookbehind keeps it linear
# A JSON string literal (unrolled loop: linear, no backtracking), to count values outside strings.
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
STRING_LITERAL_BYTES = re.compile(_STRING_LITERAL.pattern.encode("ascii"), re.S)  # the same, over the bytes of a file
_INNERMOST = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
_SPACED_EMPTY_CONTAINER = re.compile(r"\[[ \t\n\r]+\]|\{[ \t\n\r]+\}")


def values_estimate(text: str | bytes) -> int:
    """An upper bound of the number of values of a JSON text (str or bytes), in three C-speed counts:
    1 + commas + opening brackets, inside strings too. A reader that parses with something else than
    parse_json (orjson...) leaves files over MAX_JSON_VALUES by this estimate to parse_json."""
    if isinstance(text, bytes):
        return 1 + text.count(b",") + text.count(b"[") + text.count(b"{")
    return 1 + text.count(",") + text.count("[") + text.count("{")


def count_values(text: str, limit: int = MAX_JSON_VALUES) -> int:
    """How many values a JSON text holds, cheaply, before parsing.

    Every value is the top one, follows a comma, or is the first item of a non-empty array or object.
    While values_estimate is within limit, that upper bound is returned; above it, the count leaves out
    strings and empty containers (exact for valid JSON).
    """
    estimate = values_estimate(text)
    if estimate <= limit:
        return estimate
    bare = _STRING_LITERAL.sub("0", text)  # on a str: single-character pieces are shared, not allocated
    empty = bare.count("[]") + bare.count("{}") + len(_SPACED_EMPTY_CONTAINER.findall(bare))
    return 1 + bare.count(",") + bare.count("[") + bare.count("{") - empty


def max_values_for(shown: str) -> int:
    """The value limit of a JSON file: the registries grow with the corpus, annotation files do not."""
    return MAX_REGISTRY_VALUES if Path(shown).name in REGISTRY_JSON_FILES else MAX_JSON_VALUES


def parse_json(text: str, shown: str, max_values: int | None = None) -> tuple[object | None, list[Problem]]:
    """JSON with line/column for syntax errors, duplicate keys and nesting depth reported.

    max_values defaults by file name (max_values_for). The value count is checked before parsing, so a
    wide "bomb" costs a few string scans, not millions of Python objects.
    """
    limit = max_values if max_values is not None else max_values_for(shown)
    count = count_values(text, limit)
    if count > limit:
        return None, [problem("json-too-many-values", shown, f"the JSON holds {count:,} values (objects, arrays, strings, numbers); the limit is {limit:,}")]
    duplicates = _DuplicateKeys()

    def pairs_hook(pairs):
        obj = dict(pairs)
        if len(obj) != len(pairs):
            duplicates.append(pairs)
        return obj

    try:
        # A long run of digits (rare: a number or a quote) switches on the slower, checked integer parser.
        checked_int = _bounded_int if _LONG_DIGITS.search(text) else None
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=checked_int)
    except json.JSONDecodeError as error:
        return None, [syntax_problem(text, error, shown)]
    except _BadNumber as error:  # NaN, Infinity, 1e999, 5000 digits: find the literal where a value starts
        found = re.search(r"(?<=[:\[,\s])" + re.escape(error.literal) + r"(?=[\s,\]}])", text)
        line, column = line_col(text, found.start()) if found else (None, None)
        return None, [problem("json-invalid", shown, str(error), line=line, column=column)]
    except RecursionError:
        return None, [problem("json-too-deep", shown, f"the JSON nests too deep to parse (limit {MAX_JSON_DEPTH})")]
    except ValueError as error:  # e.g. an integer over Python's own digit limit (sys.set_int_max_str_digits)
        return None, [problem("json-invalid", shown, f"a value cannot be read: {str(error)[:200]}")]
    if value is None:  # valid JSON, but None means "failed to parse" to every caller: never return it without a problem
        line, column = line_col(text, _WS.match(text, 0).end())
        return None, [problem("schema-type", shown, "the file holds only null; it must hold a JSON object", line=line, column=column)]
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            at = _SURROGATE_ESCAPE.search(text).start()
            line, column = line_col(text, at)
            return None, [
                problem(
                    "json-invalid",
                    shown,
                    "a \\u escape encodes a lone surrogate (half of a UTF-16 pair), which is no character (RFC 7493)",
                    line=line,
                    column=column,
                    hint="Write the character itself, or a complete surrogate pair.",
                )
            ]
    depth, where = (0, []) if text_depth(text) <= MAX_JSON_DEPTH else json_depth(value)
    if depth > MAX_JSON_DEPTH:
        return None, [problem("json-too-deep", shown, f"the JSON nests {depth} levels deep; the limit is {MAX_JSON_DEPTH}", pointer=json_pointer(where))]
    if duplicates:
        found = find_duplicate_keys(text)
        if not found:  # cannot happen for text json.loads accepted; never report an invalid file as valid
            found = [("", next(iter(dict(pairs))), None) for pairs in duplicates]
        problems = [
            problem(
                "json-duplicate-key",
                shown,
                f"key {key!r} appears twice in the object at {pointer or '/'}",
                pointer=json_pointer_join(pointer, key),
                **_where(text, at),
            )
            for pointer, key, at in found[:MAX_DUPLICATE_KEYS_REPORTED]
        ]
        if len(found) > MAX_DUPLICATE_KEYS_REPORTED:
            last = problems[-1]
            problems[-1] = problem(
                "json-duplicate-key",
                shown,
                last.message + f" (and {len(found) - MAX_DUPLICATE_KEYS_REPORTED:,} more duplicate keys not listed)",
                pointer=last.pointer,
                line=last.line,
                column=last.column,
            )
        return None, problems
    return value, []


def syntax_problem(text: str, error: json.JSONDecodeError, shown: str) -> Problem:
    """json-invalid at the character that caused it. The parser stops at the token after a trailing
    comma (`[1, 2,\n]` fails at `]`, a line later): the comma itself is reported, on its own line. A
    missing comma is reported where the parser wanted it, with the end of the value before it."""
    pos = error.pos
    before = len(text[:pos].rstrip(" \t\n\r"))  # the character before the token, whitespace skipped
    if before and text[before - 1] == "," and pos < len(text) and text[pos] in "]}":
        line, column = line_col(text, before - 1)
        closing = "array" if text[pos] == "]" else "object"
        return problem(
            "json-invalid",
            shown,
            f"a trailing comma before the end of the {closing} (line {line}, column {column}): JSON allows no comma after the last item",
            line=line,
            column=column,
            hint="Remove the comma at the line and column shown.",
        )
    if error.msg == "Expecting ',' delimiter" and before:
        line, column = line_col(text, before - 1)
        return problem(
            "json-invalid",
            shown,
            f"{error.msg} (line {error.lineno}, column {error.colno}): a comma is missing after the value that ends at line {line}, column {column}",
            line=error.lineno,
            column=error.colno,
            hint=f"Add a comma after line {line}, column {column} (or remove what follows, if it is not meant to be there).",
        )
    return problem("json-invalid", shown, f"{error.msg} (line {error.lineno}, column {error.colno})", line=error.lineno, column=error.colno)


def _where(text: str, at: int | None) -> dict:
    line, column = line_col(text, at) if at is not None else (None, None)
    return {"line": line, "column": column}


def text_depth(text: str) -> int:
    """Nesting depth of the brackets of a JSON text (strings left out), up to MAX_JSON_DEPTH + 1.

    In C-speed passes of a regex that peels the innermost level off, one pass per level: the quick
    check for every file; json_depth, which walks the parsed value, runs only when this is over."""
    bare = _STRING_LITERAL.sub("0", text)
    depth = 0
    while depth <= MAX_JSON_DEPTH:
        bare, peeled = _INNERMOST.subn("0", bare)
        if not peeled:
            break
        depth += 1
    return depth


def json_depth(value) -> tuple[int, list]:
    """Deepest nesting of containers, and the path to it (iterative: a deep file cannot overflow the stack).

    Only containers are pushed, and the path is rebuilt for the deepest one only: a list of a million
    numbers costs one comprehension, not a million stack entries."""
    containers = (dict, list)
    best, best_at = 0, None
    stack = [(value, 1, None)]  # (node, depth, (parent entry, key in the parent) or None)
    while stack:
        entry = stack.pop()
        node, depth, _ = entry
        if node.__class__ not in containers:
            continue
        if depth > best:
            best, best_at = depth, entry
        if depth > MAX_JSON_DEPTH:
            break
        items = node.items() if node.__class__ is dict else enumerate(node)
        stack.extend([(child, depth + 1, (entry, key)) for key, child in items if child.__class__ in containers])
    path = []
    while best_at is not None and best_at[2] is not None:
        best_at, key = best_at[2]
        path.append(key)
    return best, path[::-1]


def json_pointer_join(pointer: str, key) -> str:
    return pointer + json_pointer([key])


def parse_toml(text: str, shown: str) -> tuple[dict | None, list[Problem]]:
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        return None, [problem("toml-invalid", shown, str(error), line=line, column=column)]


# A TOML date, date-time or time literal where a value starts (after '=', '[', ',' or '{', then spaces,
# newlines and comments). Used only to find the lines of values tomllib already parsed as dates: a miss
# costs a line number, not a check. Possessive: a long comment is not backtracked into.
_TOML_DATETIME = re.compile(
    r"(?<=[=\[,{])((?:[ \t\r\n]|#[^\n]*+)*+)"
    r"(\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}:\d{2}(?:\.\d+)?)"
    r"(?=[ \t\r\n,\]}#]|\Z)"
)
_TOML_MARKER = "newsclaims-toml-datetime-"


def toml_datetimes(value) -> list[tuple[list, object]]:
    """(path, value) of every date, date-time or time in parsed TOML, in document order of the tables.
    JSON has no such type: the schema check cannot take them (jsonschema_rs raises)."""
    found, stack = [], [([], value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, (datetime.date, datetime.time)):  # datetime.datetime is a date
            found.append((path, node))
        elif isinstance(node, dict):
            stack.extend(reversed([([*path, key], child) for key, child in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([([*path, index], child) for index, child in enumerate(node)]))
    return found


def toml_literals(text: str, paths: list[list]) -> list[tuple[int, int, str] | None]:
    """(line, column, literal as written) of the TOML date or time at each path, or None where it is not
    found. Every date-like literal is quoted with a numbered marker and the text parsed again: the path
    then holds the marker of its own literal (one extra parse, however many dates)."""
    matches = list(_TOML_DATETIME.finditer(text))
    if not matches:
        return [None] * len(paths)
    numbers = iter(range(len(matches)))
    marked = _TOML_DATETIME.sub(lambda m: f"{m.group(1)}'{_TOML_MARKER}{next(numbers)}'", text)
    try:
        reparsed = tomllib.loads(marked)
    except tomllib.TOMLDecodeError:  # a literal matched inside a '...' string: no positions, still the problems
        return [None] * len(paths)
    located = []
    for path in paths:
        node = reparsed
        try:
            for key in path:
                node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(node, str) and node.startswith(_TOML_MARKER) and node[len(_TOML_MARKER) :].isdigit() and int(node[len(_TOML_MARKER) :]) < len(matches):
            match = matches[int(node[len(_TOML_MARKER) :])]
            located.append((*line_col(text, match.start(2)), match.group(2)))
        else:
            located.append(None)
    return located


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_WS = re.compile(r"[ \t\n\r]*")


class JsonLocations:
    """Line and column of a value's JSON pointer, for problem records.

    Only built when a file has problems, for text that json.loads accepted. Lazy: `locate` walks down
    the pointer and indexes only the containers on its way (siblings are skipped by the standard
    library's C scanner), so a file with a million values costs no more than the paths asked for.
    Members point at their key, so "unknown field" shows the key's line.
    """

    def __init__(self, text: str):
        self.text = text
        self._indexes: dict[int, dict] = {}  # container position -> {key or index: (shown position, value position)}
        self._newlines: list[int] | None = None

    def line_col(self, pos: int) -> tuple[int, int]:
        """As line_col(text, pos), in O(log lines) once the line ends are indexed (many problems, one file)."""
        if self._newlines is None:
            self._newlines = [match.start() for match in re.finditer("\n", self.text)]
        before = bisect.bisect_left(self._newlines, pos)
        return before + 1, pos - (self._newlines[before - 1] + 1 if before else 0) + 1

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        """Line and column of the pointer, or of its nearest ancestor that exists."""
        try:
            shown = pos = _WS.match(self.text, 0).end()
            for token in pointer.split("/")[1:] if pointer else ():
                if self.text[pos] not in "{[":
                    break
                children = self._children(pos)
                key = token.replace("~1", "/").replace("~0", "~")
                if self.text[pos] == "[":
                    key = int(key) if key.isdigit() else None
                if key not in children:
                    break
                shown, pos = children[key]
            return self.line_col(shown)
        except (ValueError, IndexError, StopIteration, RecursionError):
            return None, None  # locations are a convenience: a problem without a line is still reported

    def _children(self, pos: int) -> dict:
        """{key or index: (position shown, position of the value)} of the object or array at pos."""
        if pos in self._indexes:
            return self._indexes[pos]
        found = {}
        for key, key_pos, value_pos in _members(self.text, pos):
            found[key] = (key_pos if key_pos is not None else value_pos, value_pos)  # a repeated key: the last wins, as in json.loads
        self._indexes[pos] = found
        return found


_SCAN_VALUE = json.scanner.make_scanner(json.JSONDecoder())  # C: skips a value of any size at C speed


def _members(text: str, pos: int):
    """(key or index, key position or None, value position) of each member of the container at pos."""
    closing = "}" if text[pos] == "{" else "]"
    pos = _WS.match(text, pos + 1).end()
    index = 0
    while text[pos] != closing:
        if closing == "}":
            key_pos = pos
            key, pos = json.decoder.scanstring(text, pos + 1)
            pos = _WS.match(text, _WS.match(text, pos).end() + 1).end()  # past the colon
            yield key, key_pos, pos
        else:
            yield index, None, pos
            index += 1
        pos = _WS.match(text, _SCAN_VALUE(text, pos)[1]).end()
        if text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()


def find_duplicate_keys(text: str) -> list[tuple[str, str, int]]:
    """(object pointer, key, position) of every repeated key, in document order (text json.loads accepted)."""
    found = []
    try:
        stack = [("", _WS.match(text, 0).end())]
        while stack:
            pointer, pos = stack.pop()
            if text[pos] not in "{[":
                continue
            seen, children = set(), []
            for key, key_pos, value_pos in _members(text, pos):
                if key_pos is not None:
                    if key in seen:
                        found.append((pointer, key, key_pos))
                    seen.add(key)
                if text[value_pos] in "{[":
                    children.append((json_pointer_join(pointer, key), value_pos))
            stack.extend(reversed(children))
    except (ValueError, IndexError, StopIteration, RecursionError):
        pass
    return found


def add_locations(problems: list[Problem], text: str | None) -> list[Problem]:
    """Fill in line and column of problems that have a JSON pointer but no line yet."""
    if text is None or not any(p.line is None and (p.pointer or p.code.startswith("schema-")) for p in problems):
        return problems
    locations = JsonLocations(text)
    result = []
    for p in problems:
        if p.line is None and (p.pointer or p.code.startswith("schema-")):
            line, column = locations.locate(p.pointer)
            p = replace(p, line=line, column=column)
        result.append(p)
    return result


def read_json(path: Path, limit: int) -> tuple[object | None, str | None, list[Problem]]:
    """Level 1 for a JSON file: (value, its text, problems). CRLF and NFC are harmless in JSON syntax."""
    data, problems = read_bytes(path, limit)
    if data is None:
        return None, None, problems
    return decode_json(data, shown_path(path))


def decode_json(data: bytes, shown: str) -> tuple[object | None, str | None, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return None, None, [problem("encoding-bom", shown, "the file starts with the UTF-8 byte order mark EF BB BF", line=1, column=1)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return (
            None,
            None,
            [problem("encoding-not-utf8", shown, f"byte {error.start} is not valid UTF-8: {error.reason}", line=data.count(b"\n", 0, error.start) + 1)],
        )
    value, problems = parse_json(text, shown)
    return value, text, problems
