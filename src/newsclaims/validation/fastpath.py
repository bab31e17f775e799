"""The fast path: a yes/no answer for the common case of a valid file.

The level checks build a JSON pointer for every span and id they look at. These look at the same
things without building anything, in one pass, so that a valid file costs little; when one says no,
the level checks go on to find and describe every problem. The two hottest passes are in C when the
package was built with its C speed-ups (_fastcheck.c, beside this file); their Python twins here are
the reference.
"""

from __future__ import annotations

from pathlib import Path
import hashlib
import orjson

from ..schema.files import ANNOTATION, validator
from .level1_json import STRING_LITERAL_BYTES, values_estimate
from .level3_references import AUTHOR_SOURCE
from .limits import MAX_JSON_VALUES

try:  # C versions of two hot yes/no checks (_fastcheck.c), built by pip when it finds a C compiler
    from . import _fastcheck as compiled
except ImportError:  # their Python twins run instead: the same answers, slower
    compiled = None


# --- the fast path: a yes/no answer for the common case of a valid file ------------------------------
# The checks above build a JSON pointer for every span and id they look at. document_ok looks at the
# same things without building anything, in one pass, so that a valid file costs little; when it says
# no, the checks above go on to find and describe every problem. The pass is in C when the package was
# built with its C speed-ups (_fastcheck.c), else python_spans_and_links_ok below, the reference.

def document_ok(annotation: dict, file_stem: str | None, source_ids: set[str] | None, text: str, text_bytes: bytes) -> bool:
    """True when check_references and check_content would both find nothing, and every offset is an
    int (not 6.0). source_ids None: source links are not checked (as in check_references)."""
    if annotation["text_sha256"] != hashlib.sha256(text_bytes).hexdigest():
        return False
    return spans_and_links_ok(annotation, file_stem, source_ids, text)


def python_spans_and_links_ok(annotation: dict, file_stem: str | None, source_ids: set[str] | None, text: str) -> bool:
    """document_ok without text_sha256. (Plain loops: map/itemgetter versions of the same checks were
    measured slower on Python 3.11.)"""
    try:
        return _spans_and_links_ok(annotation, file_stem, source_ids, text)
    except (TypeError, KeyError):  # an offset written 6.0, which cannot slice the text; a span or id left to `anchor`
        return False


def _spans_and_links_ok(annotation: dict, file_stem: str | None, source_ids: set[str] | None, text: str) -> bool:
    if file_stem is not None and file_stem != annotation["doc_id"]:
        return False
    entities = annotation["entities"]
    ids = set()  # every entity, mention and claim id: unique when the set is as long as they are many
    mentions = []
    for entity in entities:
        ids.add(entity["id"])
        mentions += entity["mentions"]
    entity_ids = frozenset(ids)
    # A span is checked by `end > length or text[start:end] != quote`: the schema has made offsets
    # >= 0 and quotes non-empty, so an empty or reversed range gives "" and fails too. strip() returns
    # the string itself when there is no whitespace at its edges (if it ever copied, the exact check
    # would run and find nothing: slower, never wrong).
    length = len(text)
    covered = set()
    for mention in mentions:
        start, end, quote = mention["start"], mention["end"], mention["text"]
        if end > length or text[start:end] != quote or quote.strip() is not quote:
            return False
        ids.add(mention["id"])
        covered.add((start, end))
    if len(covered) != len(mentions):  # two mentions of one stretch of text
        return False
    claims = annotation["claims"]
    spans = []  # the claims' spans, checked once the claims are
    used_sources = set()
    for claim in claims:
        ids.add(claim["id"])
        spans.append(claim)
        attribution = claim["attribution"]
        cue, source_span, hedge_cues = attribution["cue"], attribution["source_span"], claim["hedge_cues"]
        if cue is not None:
            spans.append(cue)
        if source_span is not None:
            spans.append(source_span)
        if hedge_cues:
            spans += hedge_cues
        if not entity_ids.issuperset(claim["about"]):
            return False
        source_id, authorial = claim["source_id"], attribution["mode"] == "authorial"
        used_sources.add(source_id)
        if claim["hedged"] != bool(hedge_cues) or authorial != (source_id == AUTHOR_SOURCE) or (authorial and cue is not None):
            return False
    if len(ids) != len(entities) + len(mentions) + len(claims):
        return False
    for span in spans:  # the mentions' span test, written out again: a call per span would cost more than the test
        start, end, quote = span["start"], span["end"], span["text"]
        if end > length or text[start:end] != quote or quote.strip() is not quote:
            return False
    if source_ids is not None:
        metadata = annotation["metadata"]
        used_sources.update(metadata["author_source_ids"])
        if metadata["publisher_source_id"] is not None:
            used_sources.add(metadata["publisher_source_id"])
        if not source_ids.issuperset(used_sources):
            return False
    return True


spans_and_links_ok = compiled.spans_and_links_ok if compiled is not None else python_spans_and_links_ok


_CONTAINERS = (dict, list)


def _count_keys(value) -> int:
    """Keys of every object in a parsed JSON tree."""
    total, stack = 0, [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            total += len(node)
            stack += [child for child in node.values() if type(child) in _CONTAINERS]
        else:
            stack += [child for child in node if type(child) in _CONTAINERS]
    return total


def python_keys_unique(data: bytes, value) -> bool:
    """Whether the JSON text data, which orjson parsed into value, has no duplicate key (orjson keeps
    the last of duplicate keys silently). The reference for the C version, compiled.keys_unique,
    which counts the ':' outside strings."""
    # Files written by json.dumps(indent=2) or orjson (every file of this corpus) serialise back to
    # their own bytes, which proves there was no duplicate key; others are checked by counting keys.
    try:
        if orjson.dumps(value, option=orjson.OPT_INDENT_2) == data.rstrip(b"\n"):
            return True
    except TypeError:  # orjson writes at most 254 levels: the exact path reports json-too-deep
        return False
    # Once string literals are removed, one ':' is left per key.
    return _count_keys(value) == STRING_LITERAL_BYTES.sub(b"", data).count(b":")


keys_unique = compiled.keys_unique if compiled is not None else python_keys_unique


def fast_annotation(data: bytes, schema_dir: Path) -> dict | None:
    """The annotation, when it is certainly well-formed (UTF-8, no BOM, no duplicate key, no NaN or
    lone surrogate) and schema-valid; None sends the file to the exact path, which explains why.

    orjson and jsonschema_rs.is_valid are C and Rust, about ten times faster than json.loads with a
    duplicate-key hook and an error iterator: valid files, nearly all of them, take this path. orjson
    keeps the last of duplicate keys silently, so keys_unique counts them in the bytes.
    """
    return fast_json(data, validator(schema_dir, ANNOTATION), MAX_JSON_VALUES)


def fast_json(data: bytes, validator, max_values: int) -> dict | None:
    """A JSON object certainly well-formed and valid for validator (fast_annotation), else None."""
    # A value takes at least one byte: only a file longer than the limit can hold too many.
    if data.startswith(b"\xef\xbb\xbf") or (len(data) > max_values and values_estimate(data) > max_values):
        return None  # the exact path explains; a bomb is refused there before anything is built
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(value) is not dict or not keys_unique(data, value):
        return None
    if not validator.is_valid(value):
        return None
    return value
