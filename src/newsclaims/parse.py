"""Level 1, parse: bytes -> text -> JSON/TOML, with every problem as a record.

Nothing here raises for bad input. Each reader returns (value or None, problems); None means the file
failed the parse level and later levels must skip it.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import json
import json.scanner
import math
import os
import re
import stat
import sys
import unicodedata
from pathlib import Path

from .problems import Problem, has_errors, json_pointer, problem

try:  # C versions of two hot yes/no checks (_fastcheck.c), built by pip when it finds a C compiler
    from . import _fastcheck as compiled
except ImportError:  # their Python twins run instead: the same answers, slower
    compiled = None

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Limits against mistakes and resource abuse (documented in docs/errors.md, generated from here).
MAX_TEXT_BYTES = 2 * 1024 * 1024          # a document text; a long news article is ~50 KB
MAX_ANNOTATION_BYTES = 16 * 1024 * 1024   # an annotation file
MAX_REGISTRY_BYTES = 256 * 1024 * 1024    # corpus/sources.json, corpus/splits.json, corpus/corpus.toml
MAX_JSON_DEPTH = 32                       # annotation files are 6 levels deep
# Values (objects, arrays, strings, numbers, literals) in a JSON file, counted on the text before it is
# parsed: a "wide bomb" of 16 MiB of [[],[],...] is 5.6 million values, which json.loads would turn
# into ~1.5 GB of Python objects. The seed annotation holds ~900 values for a 2.5 KB article.
MAX_JSON_VALUES = 1_000_000               # an annotation file
MAX_REGISTRY_VALUES = 10_000_000          # corpus/sources.json and corpus/splits.json (grow with the corpus)
MAX_INT_DIGITS = 1000                     # digits of an integer literal (Python refuses > 4,300 by default)
MAX_DUPLICATE_KEYS_REPORTED = 100         # json-duplicate-key records per file; the last one counts the rest
REGISTRY_JSON_FILES = ("sources.json", "splits.json")

LIMITS = {
    "MAX_TEXT_BYTES": (MAX_TEXT_BYTES, "bytes in a document text (corpus/documents/*.txt): `file-too-large`"),
    "MAX_ANNOTATION_BYTES": (MAX_ANNOTATION_BYTES, "bytes in an annotation file (corpus/annotations/*.json): `file-too-large`"),
    "MAX_REGISTRY_BYTES": (MAX_REGISTRY_BYTES, "bytes in corpus/sources.json, corpus/splits.json or corpus/corpus.toml: `file-too-large`"),
    "MAX_JSON_DEPTH": (MAX_JSON_DEPTH, "nesting depth of objects and arrays in a JSON file: `json-too-deep`"),
    "MAX_JSON_VALUES": (MAX_JSON_VALUES, "values (objects, arrays, strings, numbers, true/false/null) in an annotation file, "
                                         "counted before parsing: `json-too-many-values`"),
    "MAX_REGISTRY_VALUES": (MAX_REGISTRY_VALUES, "values in corpus/sources.json or corpus/splits.json, counted before parsing: `json-too-many-values`"),
    "MAX_INT_DIGITS": (MAX_INT_DIGITS, "digits of an integer in a JSON file: `json-invalid`"),
    "MAX_DUPLICATE_KEYS_REPORTED": (MAX_DUPLICATE_KEYS_REPORTED, "`json-duplicate-key` records per file (the last one says how many more there are)"),
}

# C0 controls, DEL and C1 controls except tab and newline; CR is reported as text-crlf instead.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder how the
# text around them is displayed, so a span can show other characters than its offsets hold (the "Trojan
# Source" characters). The marks U+200E, U+200F and U+061C reorder nothing around them and are left alone.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Either kind: a valid text costs one search of its rest; which kind, and where, only when one is there.
_CONTROL_OR_BIDI = re.compile(f"[{_CONTROL.pattern[1:-1]}{_BIDI_CONTROL.pattern[1:-1]}]")


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column (in code points) of a position in text."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


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


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_bytes(path: str | Path, limit: int) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file of at most `limit` bytes.

    Opened without blocking and checked with fstat before any byte is read, so that a named pipe or a
    device put (or linked) where a corpus file belongs is refused instead of hanging the run or
    streaming /dev/zero into memory.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return None, [problem("file-unreadable", shown_path(path), f"cannot read the file: {error.strerror or error}")]
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            return None, [problem("file-unreadable", shown_path(path), f"this is {kind}, not a regular file")]
        if info.st_size > limit:
            return None, [problem("file-too-large", shown_path(path), f"the file has {info.st_size:,} bytes; the limit is {limit:,}")]
        # One read of the size fstat gave, plus one byte: a short read of a regular file is its end.
        # (os.read allocates what it is asked for: asking for `limit` would cost 16 MiB per file.)
        wanted = min(info.st_size + 1, limit + 1)
        data = os.read(fd, wanted)
        if len(data) == wanted:  # the file grew since fstat: read on, up to one byte over the limit
            chunks, size = [data], len(data)
            while size <= limit:
                chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks)
    except OSError as error:
        return None, [problem("file-unreadable", shown_path(path), f"cannot read the file: {error.strerror or error}")]
    finally:
        os.close(fd)
    if len(data) > limit:
        return None, [problem("file-too-large", shown_path(path), f"the file has more than {limit:,} bytes")]
    if not data or data.isspace():  # (strip() would copy every file)
        return None, [problem("file-empty", shown_path(path), "the file is empty" if not data else "the file holds only whitespace")]
    return data, []


# Printable ASCII, tab, LF and CR. Deleting them from a text's bytes leaves the few code points where a
# control character or a non-NFC sequence can be: C0 controls and everything from U+0080 on.
_PLAIN_ASCII = bytes(range(0x20, 0x7f)) + b"\t\n\r"


@functools.cache
def may_compose_backward() -> re.Pattern:
    """Code points that NFC may combine with the character before them (NFC_Quick_Check=Maybe), or a
    superset: the second character of every two-character canonical decomposition in the BMP (the
    running Python's Unicode data, 14 ms once), Hangul vowels and trailing consonants (composed by an
    algorithm, not listed), and every code point above the BMP."""
    seconds = {mapping.split()[1] for mapping in map(unicodedata.decomposition, map(chr, range(0x80, 0x10000)))
               if mapping and not mapping.startswith("<") and mapping.count(" ") == 1}
    listed = "".join(re.escape(chr(int(code, 16))) for code in sorted(seconds))
    return re.compile(f"[{listed}\u1160-\u11ff\U00010000-\U0010ffff]")


def is_nfc(text: str, rest: str) -> bool:
    """unicodedata.is_normalized("NFC", text), where rest is text without its plain ASCII characters.

    Most of a news text is plain ASCII, which NFC leaves alone: an ASCII character is a starter that
    nothing composes with from before, so it ends whatever precedes it. Every reason for text not to be
    NFC (a character that is never NFC, combining marks out of order, a character that composes with the
    one before it) is therefore also in rest, where it can only be more visible. The check on rest says
    yes for certain only when rest holds no character that may compose with the one before it: that one
    could compose with an ASCII letter in text (e + U+0301). Then, or when rest is not NFC, the whole
    text is checked. rest may be text itself: then the whole text is checked."""
    if not rest:
        return True
    if rest is not text and may_compose_backward().search(rest) is None and unicodedata.is_normalized("NFC", rest):
        return True
    return unicodedata.is_normalized("NFC", text)


def decode_text(data: bytes, path: str | Path) -> tuple[str | None, list[Problem]]:
    """UTF-8 without BOM, LF line endings, NFC, no control characters. All of these are reported at once."""
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [problem("encoding-bom", shown_path(path), "the file starts with the UTF-8 byte order mark EF BB BF", line=1, column=1)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start:error.start + 4].hex(" ")
        return None, [problem("encoding-not-utf8", shown_path(path), f"byte {error.start} (bytes {bad}) is not valid UTF-8: {error.reason}", line=line)]
    if text.isspace():  # NBSP, U+2028, U+3000...: read_bytes found ASCII whitespace only; stops at the first other character
        return None, [problem("file-empty", shown_path(path), "the file holds only whitespace (Unicode spaces or line separators)")]
    problems = []
    cr = text.find("\r")
    if cr >= 0:
        kind = "CRLF" if text.startswith("\r\n", cr) else "CR"
        problems.append(problem("text-crlf", shown_path(path), f"{kind} line ending ({text.count(chr(13))} in the file, first here)", line=line_col(text, cr)[0]))
    # The checks run on what is left once plain ASCII is deleted from the bytes (still UTF-8: an ASCII
    # byte is never part of a longer sequence); the whole text is searched only for a position. A text
    # mostly in another script is checked whole: its rest would cost a second decoding for little gain.
    rest_bytes = data.translate(None, _PLAIN_ASCII)
    rest = rest_bytes.decode("utf-8") if 2 * len(rest_bytes) < len(data) else text
    suspect = _CONTROL_OR_BIDI.search(rest) is not None
    control = _CONTROL.search(text) if suspect else None
    if control:
        line, column = line_col(text, control.start())
        problems.append(problem("text-control-char", shown_path(path), f"control character U+{ord(control.group()):04X} in the text", line=line, column=column))
    bidi = _BIDI_CONTROL.search(text) if suspect else None
    if bidi:
        line, column = line_col(text, bidi.start())
        count = len(_BIDI_CONTROL.findall(rest))
        problems.append(problem("text-bidi-control", shown_path(path), f"bidirectional control character U+{ord(bidi.group()):04X} in the text"
                                + (f" ({count} in the file, first here)" if count > 1 else ""), line=line, column=column))
    if not is_nfc(text, rest):
        normalized = unicodedata.normalize("NFC", text)
        first = next((i for i, (a, b) in enumerate(zip(text, normalized)) if a != b), min(len(text), len(normalized)))
        line, column = line_col(text, first)
        problems.append(problem("text-not-nfc", shown_path(path), f"the text is not NFC (first difference near code point {first})", line=line, column=column))
    return (None if has_errors(problems) else text), problems  # a warning does not stop the later levels


def read_text(path: Path, limit: int) -> tuple[str | None, list[Problem]]:
    data, problems = read_bytes(path, limit)
    if data is None:
        return None, problems
    return decode_text(data, path)


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
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_reject_constant, parse_float=_finite_float,
                           parse_int=checked_int)
    except json.JSONDecodeError as error:
        return None, [problem("json-invalid", shown, f"{error.msg} (line {error.lineno}, column {error.colno})", line=error.lineno, column=error.colno)]
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
            return None, [problem("json-invalid", shown, "a \\u escape encodes a lone surrogate (half of a UTF-16 pair), which is no character (RFC 7493)",
                                  line=line, column=column, hint="Write the character itself, or a complete surrogate pair.")]
    depth, where = (0, []) if text_depth(text) <= MAX_JSON_DEPTH else json_depth(value)
    if depth > MAX_JSON_DEPTH:
        return None, [problem("json-too-deep", shown, f"the JSON nests {depth} levels deep; the limit is {MAX_JSON_DEPTH}", pointer=json_pointer(where))]
    if duplicates:
        found = find_duplicate_keys(text)
        if not found:  # cannot happen for text json.loads accepted; never report an invalid file as valid
            found = [("", next(iter(dict(pairs))), None) for pairs in duplicates]
        problems = [problem("json-duplicate-key", shown, f"key {key!r} appears twice in the object at {pointer or '/'}",
                            pointer=json_pointer_join(pointer, key), **_where(text, at))
                    for pointer, key, at in found[:MAX_DUPLICATE_KEYS_REPORTED]]
        if len(found) > MAX_DUPLICATE_KEYS_REPORTED:
            last = problems[-1]
            problems[-1] = problem("json-duplicate-key", shown, last.message + f" (and {len(found) - MAX_DUPLICATE_KEYS_REPORTED:,} more duplicate keys not listed)",
                                   pointer=last.pointer, line=last.line, column=last.column)
        return None, problems
    return value, []


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
_TOML_DATETIME = re.compile(r"(?<=[=\[,{])((?:[ \t\r\n]|#[^\n]*+)*+)"
                            r"(\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}:\d{2}(?:\.\d+)?)"
                            r"(?=[ \t\r\n,\]}#]|\Z)")
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
        if isinstance(node, str) and node.startswith(_TOML_MARKER) and node[len(_TOML_MARKER):].isdigit() \
                and int(node[len(_TOML_MARKER):]) < len(matches):
            match = matches[int(node[len(_TOML_MARKER):])]
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
