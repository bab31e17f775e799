"""The project's one quote search: where a quote occurs in a document, and which occurrence a span means.

A span may be written by its quote (`text`) instead of its offsets, as the W3C Web Annotation
TextQuoteSelector does: `prefix` is the text just before the quote, `suffix` the text just after, and
`occurrence` (1-based, our addition) picks among the occurrences that remain. Everything here is a pure
function of its arguments; `newsclaims anchor` (fill offsets), `reanchor` (find spans again after a text
correction) and the validator's hints (the occurrence nearest to wrong offsets) all use it.

Rules, so every caller resolves a quote the same way:
- the quote itself matches exactly (code points, case, whitespace): the offsets found reproduce it;
- `prefix`/`suffix` match the text next to the quote exactly, except that whitespace is loose: a run of
  whitespace in them matches any run of whitespace, and whitespace at the seam with the quote is
  optional (`prefix="according to"` matches "according to Reuters");
- occurrences may overlap ("aa" occurs twice in "aaa");
- `occurrence` counts among the occurrences that the prefix and suffix leave (1 = the first);
- `near` (an offset) picks the occurrence whose start is nearest, when several remain; a tie is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How a resolution ended: found, or why not.
FOUND = "found"
NOT_FOUND = "not-found"                  # the quote does not occur in the text at all
CONTEXT_NOT_FOUND = "context-not-found"  # it occurs, but never with the prefix/suffix written
AMBIGUOUS = "ambiguous"                  # it occurs more than once and nothing decides
OCCURRENCE_OUT_OF_RANGE = "occurrence-out-of-range"  # occurrence N, but there are fewer

CONTEXT_WORDS = 5   # words of context shown on each side of a candidate
CONTEXT_CHARS = 40  # at most this many characters of context on each side


@dataclass(frozen=True)
class Candidate:
    """One occurrence of a quote: its offsets (code points, end-exclusive) and a few words around it."""
    start: int
    end: int
    before: str = ""
    after: str = ""

    def describe(self, quote: str | None = None) -> str:
        """`start=12, end=18: "...the port of [Gdańsk] said on..."` (quote: the text shown in brackets)."""
        shown = "" if quote is None else quote
        return f'start={self.start}, end={self.end}: "{self.before}[{_flat(shown)}]{self.after}"'


@dataclass(frozen=True)
class QuoteMatch:
    """The outcome of find_quote: the resolved occurrence, or why there is none and what the candidates are.

    candidates: the occurrences left by prefix/suffix (all occurrences when the context matched none:
    status CONTEXT_NOT_FOUND), in text order. decided_by: how the resolved one was chosen: "unique",
    "occurrence" or "near" (None when unresolved)."""
    quote: str
    status: str
    candidates: tuple[Candidate, ...] = ()
    resolved: Candidate | None = None
    decided_by: str | None = None

    @property
    def ok(self) -> bool:
        return self.resolved is not None

    def explain(self, limit: int = 5) -> str:
        """Why the quote is unresolved, with the candidates (at most `limit` shown); "" when resolved."""
        if self.ok:
            return ""
        count = len(self.candidates)
        if self.status == NOT_FOUND:
            return f"{_short(self.quote)!r} does not occur in the text"
        if self.status == CONTEXT_NOT_FOUND:
            head = f"{_short(self.quote)!r} occurs {_times(count)} but never with the prefix/suffix written"
        elif self.status == OCCURRENCE_OUT_OF_RANGE:
            head = f"{_short(self.quote)!r} occurs only {_times(count)} (with the prefix/suffix written)"
        else:
            head = f"{_short(self.quote)!r} occurs {_times(count)}; nothing decides which is meant"
        shown = "; ".join(c.describe(self.quote) for c in self.candidates[:limit])
        more = f"; and {count - limit} more" if count > limit else ""
        return f"{head}: {shown}{more}"


def occurrences(text: str, quote: str) -> list[int]:
    """The start of every occurrence of quote in text, overlapping ones included, in order."""
    if not quote:
        return []
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def context(text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> tuple[str, str]:
    """A few words before start and after end, newlines shown as spaces, cut at CONTEXT_CHARS; with
    "..." where the text goes on."""
    left = _flat(text[max(0, start - CONTEXT_CHARS * 2):start])
    right = _flat(text[end:end + CONTEXT_CHARS * 2])
    before = " ".join(left.split(" ")[-words - 1:])[-CONTEXT_CHARS:] if left else ""
    after = " ".join(right.split(" ")[:words + 1])[:CONTEXT_CHARS] if right else ""
    if start - len(before) > 0:
        before = "..." + before
    if end + len(after) < len(text):
        after += "..."
    return before, after


def candidate(text: str, start: int, end: int) -> Candidate:
    """The Candidate at [start:end], with its context."""
    before, after = context(text, start, end)
    return Candidate(start, end, before, after)


def find_quote(text: str, quote: str, prefix: str | None = None, suffix: str | None = None,
               occurrence: int | None = None, near: int | None = None) -> QuoteMatch:
    """Resolve a quote to one occurrence (see the module's rules), or say why it cannot be.

    occurrence (1-based) wins over near; an occurrence < 1 resolves nothing (OCCURRENCE_OUT_OF_RANGE)."""
    starts = occurrences(text, quote)
    if not starts:
        return QuoteMatch(quote, NOT_FOUND)
    kept = [s for s in starts if _context_matches(text, s, s + len(quote), prefix, suffix)]
    if not kept:
        return QuoteMatch(quote, CONTEXT_NOT_FOUND, _candidates(text, quote, starts))
    candidates = _candidates(text, quote, kept)
    if occurrence is not None:
        if 1 <= occurrence <= len(candidates):
            return QuoteMatch(quote, FOUND, candidates, candidates[occurrence - 1], "occurrence")
        return QuoteMatch(quote, OCCURRENCE_OUT_OF_RANGE, candidates)
    if len(candidates) == 1:
        return QuoteMatch(quote, FOUND, candidates, candidates[0], "unique")
    if near is not None:
        best = _nearest(candidates, near)
        if best is not None:
            return QuoteMatch(quote, FOUND, candidates, best, "near")
    return QuoteMatch(quote, AMBIGUOUS, candidates)


def nearest_occurrence(text: str, quote: str, start: int, end: int | None = None,
                       exclude=()) -> Candidate | None:
    """The occurrence of quote nearest to the offsets written (by start, then by end; the earlier one
    on a tie), leaving out the (start, end) pairs in exclude (e.g. spans other mentions already cover).
    None when the quote does not occur (or only where excluded)."""
    excluded = set(exclude)
    starts = [s for s in occurrences(text, quote) if (s, s + len(quote)) not in excluded]
    if not starts:
        return None
    target_end = start + len(quote) if end is None else end
    best = min(starts, key=lambda s: (abs(s - start) + abs(s + len(quote) - target_end), s))
    return candidate(text, best, best + len(quote))


def occurrence_number(text: str, quote: str, start: int, prefix: str | None = None, suffix: str | None = None) -> int | None:
    """Which occurrence (1-based, among those the prefix/suffix leave) starts at `start`: the value of
    `occurrence` that find_quote resolves to it. None when no such occurrence starts there."""
    kept = [s for s in occurrences(text, quote) if _context_matches(text, s, s + len(quote), prefix, suffix)]
    return kept.index(start) + 1 if start in kept else None


def loose_matches(text: str, quote: str, limit: int = 20) -> list[Candidate]:
    """Where the quote occurs when case, whitespace runs, typographic quotes/apostrophes and dashes are
    ignored: what the writer probably meant by a quote that does not occur exactly. Offsets are of the
    text as it is (its exact quote is text[start:end])."""
    if not quote.strip():
        return []
    found = []
    for match in _loose_pattern(quote).finditer(text):
        found.append(candidate(text, match.start(), match.end()))
        if len(found) >= limit:
            break
    return found


# --- helpers -------------------------------------------------------------------------------------------

_EQUIVALENT = ["'\u2018\u2019\u02bc\u2032", '"\u201c\u201d\u201e\u2033', "-\u2010\u2011\u2012\u2013\u2014\u2212"]


def _loose_pattern(quote: str) -> re.Pattern:
    parts = []
    for piece in re.split(r"(\s+)", quote.strip()):
        if not piece:
            continue
        if piece.isspace():
            parts.append(r"\s+")
            continue
        for char in piece:
            group = next((g for g in _EQUIVALENT if char in g), None)
            parts.append("[" + re.escape(group) + "]" if group else re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE)


def _whitespace_loose(fragment: str) -> str:
    return r"\s+".join(re.escape(piece) for piece in fragment.split())


def _context_matches(text: str, start: int, end: int, prefix: str | None, suffix: str | None) -> bool:
    if prefix is not None and prefix.strip():
        window = text[max(0, start - 4 * len(prefix) - 16):start]
        pattern = _whitespace_loose(prefix) + (r"\s+" if prefix[-1].isspace() else r"\s*") + r"\Z"
        if not re.search(pattern, window):
            return False
    if suffix is not None and suffix.strip():
        window = text[end:end + 4 * len(suffix) + 16]
        pattern = (r"\s+" if suffix[0].isspace() else r"\s*") + _whitespace_loose(suffix)
        if not re.match(pattern, window):
            return False
    return True


def _candidates(text: str, quote: str, starts: list[int]) -> tuple[Candidate, ...]:
    return tuple(candidate(text, s, s + len(quote)) for s in starts)


def _nearest(candidates, near: int) -> Candidate | None:
    ranked = sorted(candidates, key=lambda c: abs(c.start - near))
    if len(ranked) > 1 and abs(ranked[0].start - near) == abs(ranked[1].start - near):
        return None
    return ranked[0]


def _flat(text: str) -> str:
    return re.sub(r"\s", " ", text)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"
