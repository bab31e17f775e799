"""Level 1, parse: bytes -> text -> JSON/TOML, with every problem as a record.

Nothing here raises for bad input. Each reader returns (value or None, problems); None means the file
failed the parse level and later levels must skip it.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from pathlib import Path

from .problems import Problem, json_pointer, problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Limits against mistakes and resource abuse (documented in docs/errors.md, generated from here).
MAX_TEXT_BYTES = 2 * 1024 * 1024          # a document text; a long news article is ~50 KB
MAX_ANNOTATION_BYTES = 16 * 1024 * 1024   # an annotation file
MAX_REGISTRY_BYTES = 256 * 1024 * 1024    # corpus/sources.json, corpus/corpus.toml
MAX_JSON_DEPTH = 32                       # annotation files are 6 levels deep

LIMITS = {
    "MAX_TEXT_BYTES": (MAX_TEXT_BYTES, "bytes in a document text (corpus/documents/*.txt)"),
    "MAX_ANNOTATION_BYTES": (MAX_ANNOTATION_BYTES, "bytes in an annotation file (corpus/annotations/*.json)"),
    "MAX_REGISTRY_BYTES": (MAX_REGISTRY_BYTES, "bytes in corpus/sources.json or corpus/corpus.toml"),
    "MAX_JSON_DEPTH": (MAX_JSON_DEPTH, "nesting depth of objects and arrays in a JSON file"),
}

# C0 controls, DEL and C1 controls except tab and newline; CR is reported as text-crlf instead.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column (in code points) of a position in text."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def read_bytes(path: Path, shown: str, limit: int) -> tuple[bytes | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > limit:
            return None, [problem("file-too-large", shown, f"the file has {size:,} bytes; the limit is {limit:,}")]
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # the file may grow between stat and read
    except OSError as error:
        return None, [problem("file-unreadable", shown, f"cannot read the file: {error.strerror or error}")]
    if len(data) > limit:
        return None, [problem("file-too-large", shown, f"the file has more than {limit:,} bytes")]
    if not data.strip():
        return None, [problem("file-empty", shown, "the file is empty" if not data else "the file holds only whitespace")]
    return data, []


def decode_text(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 without BOM, LF line endings, NFC, no control characters. All of these are reported at once."""
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [problem("encoding-bom", shown, "the file starts with the UTF-8 byte order mark EF BB BF", line=1, column=1)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start:error.start + 4].hex(" ")
        return None, [problem("encoding-not-utf8", shown, f"byte {error.start} (bytes {bad}) is not valid UTF-8: {error.reason}", line=line)]
    problems = []
    cr = text.find("\r")
    if cr >= 0:
        kind = "CRLF" if text.startswith("\r\n", cr) else "CR"
        problems.append(problem("text-crlf", shown, f"{kind} line ending ({text.count(chr(13))} in the file, first here)", line=line_col(text, cr)[0]))
    control = _CONTROL.search(text)
    if control:
        line, column = line_col(text, control.start())
        problems.append(problem("text-control-char", shown, f"control character U+{ord(control.group()):04X} in the text", line=line, column=column))
    if not unicodedata.is_normalized("NFC", text):
        normalized = unicodedata.normalize("NFC", text)
        first = next((i for i, (a, b) in enumerate(zip(text, normalized)) if a != b), min(len(text), len(normalized)))
        line, column = line_col(text, first)
        problems.append(problem("text-not-nfc", shown, f"the text is not NFC (first difference near code point {first})", line=line, column=column))
    return (None if problems else text), problems


def read_text(path: Path, shown: str, limit: int) -> tuple[str | None, list[Problem]]:
    data, problems = read_bytes(path, shown, limit)
    if data is None:
        return None, problems
    return decode_text(data, shown)


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


def parse_json(text: str, shown: str) -> tuple[object | None, list[Problem]]:
    """JSON with line/column for syntax errors, duplicate keys and nesting depth reported."""
    duplicates = _DuplicateKeys()

    def pairs_hook(pairs):
        obj = dict(pairs)
        if len(obj) != len(pairs):
            duplicates.append(pairs)
        return obj

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        return None, [problem("json-invalid", shown, f"{error.msg} (line {error.lineno}, column {error.colno})", line=error.lineno, column=error.colno)]
    except _BadNumber as error:  # NaN, Infinity, 1e999: find the literal where a value starts
        found = re.search(r"(?<=[:\[,\s])" + re.escape(error.literal) + r"(?=[\s,\]}])", text)
        line, column = line_col(text, found.start()) if found else (None, None)
        return None, [problem("json-invalid", shown, str(error), line=line, column=column)]
    except RecursionError:
        return None, [problem("json-too-deep", shown, f"the JSON nests too deep to parse (limit {MAX_JSON_DEPTH})")]
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            at = _SURROGATE_ESCAPE.search(text).start()
            line, column = line_col(text, at)
            return None, [problem("json-invalid", shown, "a \\u escape encodes a lone surrogate (half of a UTF-16 pair), which is no character (RFC 7493)",
                                  line=line, column=column, hint="Write the character itself, or a complete surrogate pair.")]
    depth, where = json_depth(value)
    if depth > MAX_JSON_DEPTH:
        return None, [problem("json-too-deep", shown, f"the JSON nests {depth} levels deep; the limit is {MAX_JSON_DEPTH}", pointer=json_pointer(where))]
    if duplicates:
        locations = JsonLocations(text)
        return None, [problem("json-duplicate-key", shown, f"key {key!r} appears twice in the object at {pointer or '/'}",
                              pointer=json_pointer_join(pointer, key), line=line, column=column)
                      for pointer, key, line, column in locations.duplicates]
    return value, []


def json_depth(value) -> tuple[int, list]:
    """Deepest nesting of containers, and the path to it (iterative: a deep file cannot overflow the stack)."""
    best, best_path = 0, []
    stack = [(value, 1, [])]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict):
            children = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            continue
        if depth > best:
            best, best_path = depth, path
        if depth > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1, path + [key]) for key, child in children)
    return best, best_path


def json_pointer_join(pointer: str, key) -> str:
    return pointer + json_pointer([key])


def parse_toml(text: str, shown: str) -> tuple[dict | None, list[Problem]]:
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        return None, [problem("toml-invalid", shown, str(error), line=line, column=column)]


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER_OR_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class JsonLocations:
    """Line and column of every value's JSON pointer, for problem records.

    Only built when a file has problems: it re-scans the (already valid) JSON text with the standard
    library's string scanner. Members point at their key, so "unknown field" shows the key's line.
    """

    def __init__(self, text: str):
        self.text = text
        self.positions: dict[str, int] = {}
        self.duplicates: list[tuple[str, str, int, int]] = []
        try:
            self._value(_WS.match(text, 0).end(), "", None)
        except (ValueError, IndexError, RecursionError):
            pass  # locations are a convenience: a problem without a line is still reported

    def _value(self, pos: int, pointer: str, key_pos: int | None) -> int:
        self.positions[pointer] = key_pos if key_pos is not None else pos
        char = self.text[pos]
        if char == "{":
            pos = _WS.match(self.text, pos + 1).end()
            seen = set()
            if self.text[pos] == "}":
                return pos + 1
            while True:
                key_start = pos
                key, pos = json.decoder.scanstring(self.text, pos + 1)
                child = json_pointer_join(pointer, key)
                if key in seen:
                    self.duplicates.append((pointer, key, *line_col(self.text, key_start)))
                seen.add(key)
                pos = _WS.match(self.text, pos).end() + 1  # the colon
                pos = _WS.match(self.text, pos).end()
                pos = self._value(pos, child, key_start)
                pos = _WS.match(self.text, pos).end()
                if self.text[pos] == "}":
                    return pos + 1
                pos = _WS.match(self.text, pos + 1).end()
        if char == "[":
            pos = _WS.match(self.text, pos + 1).end()
            index = 0
            if self.text[pos] == "]":
                return pos + 1
            while True:
                pos = self._value(pos, json_pointer_join(pointer, index), None)
                index += 1
                pos = _WS.match(self.text, pos).end()
                if self.text[pos] == "]":
                    return pos + 1
                pos = _WS.match(self.text, pos + 1).end()
        if char == '"':
            return json.decoder.scanstring(self.text, pos + 1)[1]
        match = _NUMBER_OR_LITERAL.match(self.text, pos)
        if not match:
            raise ValueError(pos)
        return match.end()

    def locate(self, pointer: str) -> tuple[int | None, int | None]:
        """Line and column of the pointer, or of its nearest ancestor that exists."""
        while True:
            if pointer in self.positions:
                return line_col(self.text, self.positions[pointer])
            if not pointer:
                return None, None
            pointer = pointer.rsplit("/", 1)[0]
