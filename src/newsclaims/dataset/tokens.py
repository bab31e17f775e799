"""Sentences, tokens and IOB2 tags of documents: the one tokenisation rule of the `ner` config, and of any
exporter that writes token tags (`tag_documents` for a batch, `tag_document` for one).

The rule, deterministic and without a model (written into the dataset card as `RULE`):

1. **Tokens**: every maximal run of word characters (Python's `\\w`: letters, digits, `_`, and the
   combining marks, Unicode categories M*, so that an accent or a vowel sign stays on its letter) is a
   token; every other character that is not whitespace (`\\s`) is a token of its own ("U.S." is
   `U . S .`, "Israel’s" is `Israel ’ s`, "2,500" is `2 , 500`).
2. **Mention boundaries**: a token that a mention starts or ends inside is cut there, so no token ever
   crosses a mention boundary (of any mention, tagged or not).
3. **Sentences**: a sentence ends after `.`, `!` or `?` (with any closing quotes or brackets) followed by
   whitespace, and at a line break, except where that point falls inside a mention. Sentences without a
   token are left out.
4. **Nested and overlapping mentions**: mentions are taken by start, the longer first (then in file
   order); a mention is tagged unless it lies inside a tagged one (`nested`: not tagged, counted) or
   starts inside one and ends after it (`overlapping`: not tagged, counted). So the outermost mention is
   tagged: `B-TYPE` on its first token and `I-TYPE` on the others (IOB2); every other token is `O`.

Offsets are Unicode code points into the document text, end-exclusive: `text[start:end] == token`.

Over a whole batch at once (the batch's texts joined by line breaks, which are whitespace and sentence
ends, so nothing crosses a document): rule 4 is decided on the mentions, then one scan of the text
makes the tokens, their tags and the sentences: `compiled_scan` (in C, _fasttokens.c, built by pip
when it finds a C compiler) or its reference twin `numpy_scan`. Tokenising in Python, one regex match
at a time, cost more than the rest of the build; numpy, a dozen passes over every code point, most of
what `ner` added to it (measured in docs/benchmarks.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..schema.features import iob2_names

try:  # the scan of rules 1-3 in C (_fasttokens.c), built by pip when it finds a C compiler
    from . import _fasttokens as compiled
except ImportError:  # numpy_scan runs instead: the same answer, slower
    compiled = None

RULE = __doc__.split("\n\n", 2)[2].split("\n\nOffsets")[0]  # the numbered rule above, for the card
NESTED, OVERLAPPING, TAGGED = "nested", "overlapping", "tagged"

# One kind per code point: its class (rule 1) in the low bits, and flags for the sentence rule (the
# claims' context rule of dataset/rows.py, `[.!?]["'”’)\]]*(?=\s)|\n`, here vectorised).
SPACE, WORD, OTHER = 0, 1, 2
CLASS, PUNCTUATION, CLOSER, NEWLINE = 3, 4, 8, 16
_WORD_CHAR, _SPACE_CHAR = re.compile(r"\w"), re.compile(r"\s")


def _kind_of(character: str) -> int:
    if _WORD_CHAR.match(character) or unicodedata.category(character).startswith("M"):
        kind = WORD
    else:
        kind = SPACE if _SPACE_CHAR.match(character) else OTHER
    return (kind | (PUNCTUATION if character in ".!?" else 0) | (CLOSER if character in "\"'”’)]" else 0)
            | (NEWLINE if character == "\n" else 0))


# by code point: the ASCII characters' kinds (and a last entry for every code point beyond, looked up apart)
_ASCII = np.array([_kind_of(chr(code)) for code in range(128)] + [0], np.uint8)
_KINDS: dict[int, int] = {}  # non-ASCII code point -> kind, filled as met


def _code_points(joined: str) -> np.ndarray:
    """The code points of a text (one UTF-32 unit each): Python's encoder makes them faster than
    numpy could decode UTF-8, and an ASCII text is its own UTF-8."""
    if joined.isascii():
        return np.frombuffer(joined.encode("ascii"), np.uint8)
    return np.frombuffer(joined.encode("utf-32-le"), np.uint32)


def _kinds(codes: np.ndarray, wide: np.ndarray) -> np.ndarray:
    """The kind of every code point: a table for ASCII, and for the others (`wide`: where they are,
    rare in most texts) one lookup per distinct code point."""
    kinds = np.take(_ASCII, codes, mode="clip")  # every code point beyond ASCII gets the last entry
    if len(wide):
        unique, where = np.unique(codes[wide], return_inverse=True)
        for code in unique.tolist():
            if code not in _KINDS:
                _KINDS[code] = _kind_of(chr(code))
        kinds[wide] = np.array([_KINDS[code] for code in unique.tolist()], np.uint8)[where]
    return kinds


@dataclass
class Tagged:
    """The sentences of a batch (one row each): the tokens (flat, with `row_offsets`), their offsets into
    their documents, their tags as ids into `iob2_names`, the document (index) of each sentence, and each
    mention's tagging (tagged, nested, overlapping) in the order the mentions were given."""
    tokens: pa.StringArray
    starts: np.ndarray
    ends: np.ndarray
    tags: np.ndarray
    row_offsets: np.ndarray
    row_documents: np.ndarray
    mention_tagging: list[str]


@dataclass
class Marks:
    """What the token scan needs to know of a batch's mentions, as int64 code point positions in the
    joined text, each sorted: every mention boundary (`cuts`, rule 2), where each document starts, the
    tagged mentions by start (start, end, id of the B- tag: rule 4), and every mention's start with
    the largest end of the mentions up to it (`reach`: a sentence point before it is inside one)."""
    cuts: np.ndarray
    document_starts: np.ndarray
    tagged_starts: np.ndarray
    tagged_ends: np.ndarray
    tagged_tags: np.ndarray
    mention_starts: np.ndarray
    reach: np.ndarray


def tag_documents(texts: list[str], mention_documents, mention_starts, mention_ends, mention_types) -> Tagged:
    """Rules 1-4 over a batch. Mentions: parallel sequences (document index, start, end, index of the
    type in the schema's entity types), each document's in file order. Rule 4 is decided here, on
    the mentions; the rest is the scan over the text (`scan`)."""
    joined = "\n".join(texts)
    document_starts = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]], dtype=np.int64)
    m_doc = np.asarray(mention_documents, np.int64)
    m_start = document_starts[m_doc] + np.asarray(mention_starts, np.int64)
    m_end = document_starts[m_doc] + np.asarray(mention_ends, np.int64)

    # rule 4: outermost mentions are tagged
    order = np.lexsort((np.arange(len(m_start)), -m_end, m_start))
    tagging = np.full(len(m_start), TAGGED, dtype=object)
    sorted_start, sorted_end = m_start[order], m_end[order]
    reach = np.maximum.accumulate(sorted_end) if len(order) else sorted_end  # the end of the mentions so far
    if len(order) > 1 and (sorted_start[1:] < reach[:-1]).any():  # some overlap: the greedy pass, in Python
        last_end = -1
        for position, (start, end) in enumerate(zip(sorted_start.tolist(), sorted_end.tolist())):
            if start >= last_end:
                last_end = end
            else:
                tagging[order[position]] = NESTED if end <= last_end else OVERLAPPING
    tagged = (tagging == TAGGED)[order]  # in the order of their starts
    b_tags = 1 + 2 * np.asarray(mention_types, np.int64)[order]
    marks = Marks(np.unique(np.concatenate((m_start, m_end))), document_starts, sorted_start[tagged], sorted_end[tagged],
                  b_tags[tagged], sorted_start, reach)
    tokens, starts, ends, tags, row_offsets, row_documents = scan(joined, marks)
    return Tagged(tokens, starts, ends, tags, row_offsets, row_documents, tagging.tolist())


def compiled_scan(joined: str, marks: Marks) -> tuple:
    """numpy_scan, by _fasttokens.c: the tokens come out as an Arrow string array's buffers."""
    byte_offsets, utf8, starts, ends, tags, row_offsets, row_documents = compiled.scan(
        joined, _kind_of, *(np.ascontiguousarray(getattr(marks, name), np.int64) for name in Marks.__dataclass_fields__))
    tokens = pa.StringArray.from_buffers(len(starts) // 4, pa.py_buffer(byte_offsets), pa.py_buffer(utf8))
    return (tokens, np.frombuffer(starts, np.int32), np.frombuffer(ends, np.int32), np.frombuffer(tags, np.int64),
            np.frombuffer(row_offsets, np.int32), np.frombuffer(row_documents, np.int64))


def numpy_scan(joined: str, marks: Marks) -> tuple:
    """Rules 1-3 over the joined texts, rule 4's tagged mentions given: (the tokens, their starts and
    ends in their documents (code points, int32), their tag ids, where each sentence's tokens start
    (and the number of tokens last), each sentence's document). The reference of compiled_scan."""
    codes = _code_points(joined)
    wide = np.flatnonzero(codes >= 0x80) if codes.dtype != np.uint8 else np.empty(0, np.int64)
    kinds = _kinds(codes, wide)
    size = len(kinds)

    # rule 1: a token starts where a non-space run of another class begins, and at every OTHER character
    classes = kinds & CLASS
    change = classes[1:] != classes[:-1]
    other, blank = classes == OTHER, classes == SPACE
    is_first = np.empty(size, bool)
    is_last = np.empty(size, bool)
    if size:
        is_first[0], is_last[-1] = True, True
        is_first[1:], is_last[:-1] = change, change
    is_first |= other
    is_last |= other
    # rule 2: cut inside a token at every mention boundary
    cuts = marks.cuts
    boundaries = cuts[(cuts > 0) & (cuts < size)]
    inside = boundaries[~blank[boundaries] & ~blank[boundaries - 1]]
    is_first[inside] = True
    is_last[inside - 1] = True
    is_first &= ~blank
    is_last &= ~blank
    starts = np.flatnonzero(is_first)
    ends = np.flatnonzero(is_last) + 1

    # rule 4's tagged mentions (they do not overlap): B- on the first token, I- on the others, through
    # a running sum of +I at first+1, -I at stop
    first = np.searchsorted(starts, marks.tagged_starts)
    stop = np.searchsorted(starts, marks.tagged_ends)
    some = first < stop  # a mention over whitespace only has no token (validation makes it impossible)
    first, stop, b_tags = first[some], stop[some], marks.tagged_tags[some]
    running = np.zeros(len(starts) + 1, np.int64)
    np.add.at(running, first + 1, b_tags + 1)
    np.add.at(running, stop, -(b_tags + 1))
    tags = np.cumsum(running[:-1])
    tags[first] = b_tags

    # rule 3: a point at every line break, and at a whitespace after . ! ? and any closers
    points = np.flatnonzero(blank[1:] & ((kinds[:-1] & (PUNCTUATION | CLOSER)) != 0)) + 1
    closed = np.flatnonzero((kinds[points - 1] & CLOSER) != 0)
    if len(closed):  # walk back over the closers (rare) to the . ! or ?
        keep = np.ones(len(points), bool)
        for at in closed.tolist():
            back = int(points[at]) - 1
            while back >= 0 and kinds[back] & CLOSER:
                back -= 1
            keep[at] = back >= 0 and bool(kinds[back] & PUNCTUATION)
        points = points[keep]
    is_point = (kinds & NEWLINE) != 0
    is_point[points] = True
    points = np.flatnonzero(is_point)
    # none inside a mention; a sentence starts at the first token at or after each point
    holder = np.searchsorted(marks.mention_starts, points) - 1  # the last mention starting before the point
    points = points[(holder < 0) | (marks.reach[np.maximum(holder, 0)] <= points)] if len(marks.reach) else points
    row_offsets = np.unique(np.concatenate(([0], np.searchsorted(starts, points), [len(starts)]))).astype(np.int32)
    if len(starts) == 0:
        row_offsets = row_offsets[:1]
    row_documents = np.searchsorted(marks.document_starts, starts[row_offsets[:-1]], side="right") - 1
    token_offsets = np.repeat(marks.document_starts[row_documents], np.diff(row_offsets))
    return (_token_strings(joined, codes, wide, starts, ends), (starts - token_offsets).astype(np.int32),
            (ends - token_offsets).astype(np.int32), tags, row_offsets, row_documents)


def _token_strings(joined: str, codes: np.ndarray, wide: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> pa.StringArray:
    """text[start:end] of every token, cut by Arrow from the UTF-8 bytes of the text: an array whose
    items are the tokens and the gaps between them, of which the tokens are taken."""
    if not len(starts):
        return pa.array([], pa.string())
    if codes.dtype == np.uint8:  # ASCII: the code points are the UTF-8 bytes
        data = codes
    else:  # code point -> byte offset: add the extra bytes of the wide code points before it
        data = joined.encode("utf-8")
        extra = np.zeros(len(codes) + 1, np.int32)
        extra[wide + 1] = 1 + (codes[wide] >= 0x800) + (codes[wide] >= 0x10000)
        np.cumsum(extra, out=extra)  # extra[i]: the extra bytes of the code points before i
        starts, ends = starts + extra[starts], ends + extra[ends]
    bounds = np.empty(2 * len(starts), np.int32)
    bounds[0::2], bounds[1::2] = starts, ends
    items = pa.StringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds), pa.py_buffer(data))
    return items.take(pa.array(np.arange(0, len(bounds), 2)))


scan = compiled_scan if compiled is not None else numpy_scan


def tag_document(text: str, mentions: list[tuple[int, int, str]], entity_types) -> tuple[list[dict], list[str]]:
    """One document: its sentences as dicts (tokens, starts, ends, tags as names) and each mention's
    tagging. `mentions`: (start, end, type) in file order."""
    tagged = tag_documents([text], [0] * len(mentions), [m[0] for m in mentions], [m[1] for m in mentions],
                           [list(entity_types).index(m[2]) for m in mentions])
    names = iob2_names(entity_types)
    tokens = tagged.tokens.to_pylist()
    offsets = tagged.row_offsets.tolist()
    sentences = [{"tokens": tokens[a:b], "starts": tagged.starts[a:b].tolist(), "ends": tagged.ends[a:b].tolist(),
                  "tags": [names[t] for t in tagged.tags[a:b].tolist()]} for a, b in zip(offsets, offsets[1:])]
    return sentences, tagged.mention_tagging
