"""Level 1, parse: the bytes of a file, read within a limit, and a document text decoded: UTF-8 without
BOM, LF line endings, NFC, no control characters (bidi controls are a warning).

Nothing here raises for bad input. Each reader returns (value or None, problems); None means the file
failed the parse level and later levels must skip it.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from pathlib import Path

from ..problems.record import Problem, has_errors, problem, shown_path

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


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


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
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


@functools.cache
def may_compose_backward() -> re.Pattern:
    """Code points that NFC may combine with the character before them (NFC_Quick_Check=Maybe), or a
    superset: the second character of every two-character canonical decomposition in the BMP (the
    running Python's Unicode data, 14 ms once), Hangul vowels and trailing consonants (composed by an
    algorithm, not listed), and every code point above the BMP."""
    seconds = {
        mapping.split()[1]
        for mapping in map(unicodedata.decomposition, map(chr, range(0x80, 0x10000)))
        if mapping and not mapping.startswith("<") and mapping.count(" ") == 1
    }
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
        bad = data[error.start : error.start + 4].hex(" ")
        return None, [problem("encoding-not-utf8", shown_path(path), f"byte {error.start} (bytes {bad}) is not valid UTF-8: {error.reason}", line=line)]
    if text.isspace():  # NBSP, U+2028, U+3000...: read_bytes found ASCII whitespace only; stops at the first other character
        return None, [problem("file-empty", shown_path(path), "the file holds only whitespace (Unicode spaces or line separators)")]
    problems = []
    cr = text.find("\r")
    if cr >= 0:
        kind = "CRLF" if text.startswith("\r\n", cr) else "CR"
        problems.append(
            problem("text-crlf", shown_path(path), f"{kind} line ending ({text.count(chr(13))} in the file, first here)", line=line_col(text, cr)[0])
        )
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
        problems.append(
            problem(
                "text-bidi-control",
                shown_path(path),
                f"bidirectional control character U+{ord(bidi.group()):04X} in the text" + (f" ({count} in the file, first here)" if count > 1 else ""),
                line=line,
                column=column,
            )
        )
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
