"""The assignment of documents to train/validation/test: pure functions of (salt, group key, ratios).

A document's split is a function of sha256(salt + NUL + group key) only, the group key being its
story_id when set, else its doc_id. Hence adding documents never moves an existing one, the order of
the input does not matter, and documents of one story never straddle splits.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from functools import lru_cache

from ..schema.configs import SPLITS


SPLIT_NAMES = SPLITS  # the order ratios are walked in
SPLITS_SCHEMA_VERSION = "1.0"


# --- the assignment: pure functions ---------------------------------------------------------------

def group_key(doc_id: str, story_id: str | None) -> str:
    """Documents that share a key share a split: a story's documents, else each document on its own."""
    return story_id if story_id else doc_id


@lru_cache(maxsize=64)
def _upper_bounds(ratios: tuple[float, ...]) -> tuple[int, ...]:
    """Exclusive upper bound of each split on the 64-bit hash prefix, in SPLIT_NAMES order.

    Exact rational arithmetic: comparing integers to ceil(cumulative ratio * 2**64) gives the same
    answer on every platform, and a prefix near 2**64 cannot round up to 1.0 as a float would.
    """
    bounds, cumulative = [], Fraction(0)
    for ratio in ratios:
        cumulative += Fraction(ratio)
        bounds.append(-((-cumulative * 2**64) // 1))  # ceil
    return tuple(bounds)


def ratio_tuple(ratios: dict[str, float]) -> tuple[float, ...]:
    if set(ratios) != set(SPLIT_NAMES):  # a programming error: corpus.toml's schema guarantees the names
        raise ValueError(f"ratios must name exactly {', '.join(SPLIT_NAMES)}; got {sorted(ratios)}")
    return tuple(ratios[name] for name in SPLIT_NAMES)


def split_of(salt: str, key: str, ratios: dict[str, float]) -> str:
    """The split of a group key: the first 8 bytes of sha256(salt NUL key) as u in [0, 1), walked over the
    cumulative ratios in the order train, validation, test."""
    in_order = ratio_tuple(ratios)
    digest = hashlib.sha256(salt.encode("utf-8") + b"\0" + key.encode("utf-8")).digest()
    prefix = int.from_bytes(digest[:8], "big")
    for name, bound in zip(SPLIT_NAMES, _upper_bounds(in_order)):
        if prefix < bound:
            return name
    # The ratios may add up to a hair below 1 in floating point (0.7 + 0.2 + 0.1): the remainder goes to
    # the last split that has a share at all.
    return next(name for name, ratio in reversed(list(zip(SPLIT_NAMES, in_order))) if ratio > 0)


def compute_assignment(groups: dict[str, str], salt: str, ratios: dict[str, float]) -> dict[str, str]:
    """doc_id -> split for doc_id -> group key, sorted by doc_id."""
    split_of_key: dict[str, str] = {}
    for key in groups.values():
        if key not in split_of_key:
            split_of_key[key] = split_of(salt, key, ratios)
    return {doc_id: split_of_key[groups[doc_id]] for doc_id in sorted(groups)}


def render_splits(salt: str, ratios: dict[str, float], assignment: dict[str, str]) -> bytes:
    """The bytes of corpus/splits.json: sorted keys, 2-space indent, UTF-8, final newline."""
    payload = {"schema_version": SPLITS_SCHEMA_VERSION, "salt": salt,
               "ratios": {name: ratios[name] for name in SPLIT_NAMES}, "documents": dict(assignment)}
    return (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def split_counts(assignment: dict[str, str]) -> dict[str, int]:
    counts = dict.fromkeys(SPLIT_NAMES, 0)
    for split in assignment.values():
        counts[split] += 1
    return counts
