"""`newsclaims split`: the deterministic, stable assignment of documents to train/validation/test.

A document's split is a function of sha256(salt + NUL + group key) only, the group key being its
story_id when set, else its doc_id. Hence adding documents never moves an existing one, the order of
the input does not matter, and documents of one story never straddle splits. The assignment is
committed as corpus/splits.json, with the salt and ratios it was computed with, so that a change to
corpus.toml is noticed: only `newsclaims split --reshuffle` moves documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TextIO

import jsonschema_rs

from . import parse, schemas
from .corpus import Layout
from .problems import Problem, json_pointer, problem
from .validate import _add_locations, check_settings, read_json, shown_path, validate_corpus

SPLIT_NAMES = ("train", "validation", "test")
SPLITS_SCHEMA_VERSION = "1.0"
SPLITS_SCHEMA_FILE = "splits.schema.json"

HINT_SPLIT = "Run `newsclaims split` to bring corpus/splits.json up to date, and commit it."
HINT_RESHUFFLE = "Run `newsclaims split --reshuffle` to reassign every document."
# With salt and ratios unchanged a reshuffle recomputes the same hashes: only stale documents move.
HINT_RESHUFFLE_STALE = ("Run `newsclaims split --reshuffle` to reassign every document (with salt and ratios "
                        "unchanged, only the documents listed move).")


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


def _ratio_tuple(ratios: dict[str, float]) -> tuple[float, ...]:
    if set(ratios) != set(SPLIT_NAMES):  # a programming error: corpus.toml's schema guarantees the names
        raise ValueError(f"ratios must name exactly {', '.join(SPLIT_NAMES)}; got {sorted(ratios)}")
    return tuple(ratios[name] for name in SPLIT_NAMES)


def split_of(salt: str, key: str, ratios: dict[str, float]) -> str:
    """The split of a group key: the first 8 bytes of sha256(salt NUL key) as u in [0, 1), walked over the
    cumulative ratios in the order train, validation, test."""
    ratio_tuple = _ratio_tuple(ratios)
    digest = hashlib.sha256(salt.encode("utf-8") + b"\0" + key.encode("utf-8")).digest()
    prefix = int.from_bytes(digest[:8], "big")
    for name, bound in zip(SPLIT_NAMES, _upper_bounds(ratio_tuple)):
        if prefix < bound:
            return name
    # The ratios may add up to a hair below 1 in floating point (0.7 + 0.2 + 0.1): the remainder goes to
    # the last split that has a share at all.
    return next(name for name, ratio in reversed(list(zip(SPLIT_NAMES, ratio_tuple))) if ratio > 0)


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


# --- reading corpus/splits.json -------------------------------------------------------------------

@lru_cache(maxsize=None)
def _splits_validator(schema_dir: Path):
    return jsonschema_rs.validator_for(json.loads((schema_dir / SPLITS_SCHEMA_FILE).read_text(encoding="utf-8")))


def _check_splits_schema(value, schema_dir: Path, shown: str) -> list[Problem]:
    problems = []
    for error in _splits_validator(schema_dir).iter_errors(value):
        if type(error.kind).__name__ == "PropertyNames":  # a key of "documents" that is not a doc_id
            bad = error.instance if isinstance(error.instance, str) else str(error.instance)
            problems.append(problem("doc-id-invalid", shown, f"{json.dumps(bad, ensure_ascii=False)[:200]} is not a doc_id (a lowercase slug)",
                                    pointer=json_pointer([*error.instance_path, bad])))
            continue
        code, message, hint = schemas._describe(error)
        if code == "schema-enum" and list(error.instance_path)[:1] == ["documents"]:
            hint = f"Use one of: {', '.join(SPLIT_NAMES)}; better, let `newsclaims split` write the file."
        problems.append(problem(code, shown, message, pointer=json_pointer(error.instance_path), hint=hint))
    return sorted(problems, key=lambda p: (p.pointer, p.code, p.message))


def read_splits(path: Path, schema_dir: Path | None = None) -> tuple[dict | None, list[Problem]]:
    """corpus/splits.json parsed and checked against schema/splits.schema.json: (value or None, problems).

    schema_dir defaults to the project's schema/ beside corpus/.
    """
    path = Path(path)
    schema_dir = schema_dir if schema_dir is not None else path.parent.parent / "schema"
    shown = shown_path(path)
    if not path.exists():
        return None, [problem("splits-missing", shown, "corpus/splits.json does not exist")]
    value, json_text, problems = read_json(path, parse.MAX_REGISTRY_BYTES)
    if value is None:
        return None, problems
    problems = _add_locations(_check_splits_schema(value, schema_dir, shown), json_text)
    if problems:
        return None, problems
    # The JSON parser makes a new string for every value: one shared "train" per split name instead
    # (a million documents: 50 MB less, held for a whole build).
    documents = value["documents"]
    shared = {name: name for name in SPLIT_NAMES}
    for doc_id, split in documents.items():
        documents[doc_id] = shared.get(split, split)
    return value, []


def _show_ratios(ratios: dict[str, float]) -> str:
    return ", ".join(f"{name}={ratios[name]!r}" for name in SPLIT_NAMES)  # repr: two ratios never look alike


def _describe_settings_change(recorded: dict, salt: str, ratios: dict[str, float]) -> tuple[str, str]:
    """(short reason, full sentence) for how corpus.toml's [splits] differs from what splits.json recorded."""
    changes, reasons = [], []
    if recorded["salt"] != salt:
        reasons.append("salt")
        changes.append(f"salt changed from {recorded['salt']!r} to {salt!r}")
    if _ratio_tuple(recorded["ratios"]) != _ratio_tuple(ratios):
        reasons.append("ratios")
        changes.append(f"ratios changed from {_show_ratios(recorded['ratios'])} to {_show_ratios(ratios)}")
    return (" and ".join(reasons) + " changed" if reasons else ""), "; ".join(changes)


# --- planning a `newsclaims split` run ------------------------------------------------------------

@dataclass
class SplitPlan:
    """What `newsclaims split` would do. Refused when problems is not empty: then nothing may be written."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    salt: str | None = None
    ratios: dict[str, float] | None = None
    assignment: dict[str, str] | None = None                        # doc_id -> split, the new file's content
    added: dict[str, str] = field(default_factory=dict)              # doc_id -> split
    removed: dict[str, str] = field(default_factory=dict)            # doc_id -> split it had
    moved: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # doc_id -> (old, new, why)
    existing_bytes: bytes | None = None                              # corpus/splits.json before the run

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    def render(self) -> bytes:
        return render_splits(self.salt, self.ratios, self.assignment)

    @property
    def changed(self) -> bool:
        """The file would change (assignments, settings recorded, or its bytes are not canonical)."""
        return not self.refused and self.render() != self.existing_bytes


def reconcile(groups: dict[str, str], salt: str, ratios: dict[str, float], recorded: dict | None,
              reshuffle: bool, shown: str = "corpus/splits.json") -> SplitPlan:
    """The new assignment from the corpus' groups (doc_id -> group key) and the recorded splits.json.

    Pure: plan() does the reading. Existing assignments are kept, new documents get their hash's split,
    documents gone from the corpus are dropped. Refused (problems, no assignment) when corpus.toml's salt
    or ratios changed, or when a kept assignment is no longer its group's hash (its story_id changed,
    or the file was edited) — unless reshuffle, which recomputes everything and lists the moves.
    """
    result = SplitPlan(salt=salt, ratios=dict(ratios))
    fresh = compute_assignment(groups, salt, ratios)
    if recorded is None:
        result.assignment = fresh
        result.added = dict(fresh)
        return result

    old = recorded["documents"]
    result.removed = {doc_id: split for doc_id, split in sorted(old.items()) if doc_id not in groups}
    result.added = {doc_id: split for doc_id, split in fresh.items() if doc_id not in old}
    settings_reason, settings_change = _describe_settings_change(recorded, salt, ratios)
    settings_changed = bool(settings_change)
    would_move = {doc_id: (old[doc_id], split) for doc_id, split in fresh.items() if doc_id in old and old[doc_id] != split}

    if reshuffle:
        for doc_id, (old_split, new_split) in would_move.items():
            # A document moves because of the settings when the old settings still give its old split;
            # otherwise its group changed (story_id added, changed or removed) or the file was edited.
            if split_of(recorded["salt"], groups[doc_id], recorded["ratios"]) == old_split:
                why = settings_reason
            else:
                why = f"group changed: {groups[doc_id]!r}" if groups[doc_id] != doc_id else "group changed: now on its own"
            result.moved[doc_id] = (old_split, new_split, why)
        result.assignment = fresh
        return result

    if settings_changed:
        kept = sum(1 for doc_id in fresh if doc_id in old)
        result.problems.append(problem(
            "split-stale", shown,
            f"corpus.toml's [splits] differ from those splits.json was computed with: {settings_change}; "
            f"{len(would_move)} of {kept} assigned documents would move",
            pointer="/salt" if recorded["salt"] != salt else "/ratios", hint=HINT_RESHUFFLE))
        return result

    assignment = {doc_id: old.get(doc_id, split) for doc_id, split in fresh.items()}
    result.problems += _stale_problems(groups, assignment, would_move, shown)
    if not result.problems:
        result.assignment = assignment
    return result


def _stale_problems(groups: dict[str, str], assignment: dict[str, str], stale: dict[str, tuple[str, str]],
                    shown: str) -> list[Problem]:
    """One problem per group whose kept assignment is not its hash: it straddles splits, or sits in the
    wrong one (its story_id changed, or the file was edited) and the next document of its story would.
    stale: doc_id -> (kept split, hashed split)."""
    members: dict[str, list[str]] = {}
    for doc_id in assignment:
        members.setdefault(groups.get(doc_id, doc_id), []).append(doc_id)
    problems = []
    for key in sorted({groups.get(doc_id, doc_id) for doc_id in stale}):
        by_split: dict[str, list[str]] = {}
        for doc_id in members[key]:
            by_split.setdefault(assignment[doc_id], []).append(doc_id)
        where = "; ".join(f"{', '.join(by_split[name])} in {name}" for name in SPLIT_NAMES if name in by_split)
        first_stale = min(doc_id for doc_id in members[key] if doc_id in stale)
        hashed = stale[first_stale][1]
        group = f"story {key!r}" if any(key != doc_id for doc_id in members[key]) else f"document {key!r}"
        if len(by_split) > 1:
            message = f"{group} would straddle splits ({where}); its hash puts it in {hashed}"
        else:
            message = (f"{group} is in {assignment[first_stale]} but its hash puts it in {hashed} "
                       f"(a story_id changed, or splits.json was edited)")
        problems.append(problem("split-stale", shown, message, pointer=json_pointer(["documents", first_stale]),
                                hint=HINT_RESHUFFLE_STALE))
    return problems


def groups_of(documents) -> dict[str, str]:
    """doc_id -> group key for validate.Report.documents (what check_assignment(groups=...) takes)."""
    return {doc_id: group_key(doc_id, document.annotation["metadata"].get("story_id"))
            for doc_id, document in documents.items()}


def plan(layout: Layout, reshuffle: bool) -> SplitPlan:
    """Read the corpus and corpus/splits.json and work out the new assignment. Writes nothing."""
    report = validate_corpus(layout, build_inputs=False)  # splits.json is what this run rewrites
    if not report.valid:  # a refusal on an invalid corpus: its own problems say what to fix (warnings do not refuse)
        return SplitPlan(problems=report.problems, files_checked=report.files_checked)
    salt, ratios = report.settings["splits"]["salt"], report.settings["splits"]["ratios"]
    shown = shown_path(layout.splits_path)
    files_checked = report.files_checked
    recorded, existing_bytes = None, None
    if layout.splits_path.exists():
        files_checked += 1
        recorded, problems = read_splits(layout.splits_path, layout.schema_dir)
        if problems:
            regenerate = " Or delete corpus/splits.json and run `newsclaims split` to regenerate it from the hashes."
            problems = [replace(p, hint=p.hint + regenerate) for p in problems]
            return SplitPlan(problems=problems, files_checked=files_checked)
        existing_bytes = layout.splits_path.read_bytes()
    result = reconcile(groups_of(report.documents), salt, ratios, recorded, reshuffle, shown)
    result.files_checked, result.existing_bytes = files_checked, existing_bytes
    if result.problems:  # they point into splits.json: show the line
        result.problems = _add_locations(result.problems, existing_bytes.decode("utf-8"))
    return result


# --- `newsclaims split` ---------------------------------------------------------------------------

def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: a crash leaves the old file intact."""
    mode = (path.stat().st_mode & 0o777) if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # mkstemp creates 0600; a committed file is readable by all
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_split(layout: Layout, reshuffle: bool = False, dry_run: bool = False, out: TextIO | None = None) -> int:
    """Print what is added, removed and moved, and write corpus/splits.json. Exit code 0 ok, 1 refused.

    out defaults to sys.stdout at call time (so that redirections and pytest's capsys see the output).
    """
    from .cli import print_problems  # cli imports the commands lazily; importing it at the top would cycle

    out = out or sys.stdout
    result = plan(layout, reshuffle)
    shown = shown_path(layout.splits_path)
    if result.refused:
        print_problems(result.problems, result.files_checked, "text", out=out)
        out.write(f"split refused: {shown} was not changed\n")
        return 1

    for doc_id, split in result.added.items():
        out.write(f"added  {doc_id} -> {split}\n")
    for doc_id, split in result.removed.items():
        out.write(f"removed {doc_id} (was {split}; no longer in the corpus)\n")
    for doc_id, (old_split, new_split, why) in sorted(result.moved.items()):
        out.write(f"moved  {doc_id}: {old_split} -> {new_split} ({why})\n")
    counts = split_counts(result.assignment)
    out.write(", ".join(f"{name} {counts[name]}" for name in SPLIT_NAMES)
              + f" ({len(result.assignment)} document{'s' if len(result.assignment) != 1 else ''}); added {len(result.added)}, removed {len(result.removed)}, moved {len(result.moved)}\n")

    if not result.changed:
        out.write(f"{shown} is up to date\n")
    elif dry_run:
        out.write(f"dry run: {shown} not written\n")
    else:
        write_atomically(layout.splits_path, result.render())
        out.write(f"wrote {shown}\n")
    return 0


# --- for the build --------------------------------------------------------------------------------

NO_SPLIT = 255  # the code of a listed document that splits.json does not name


@dataclass
class ListedAssignment:
    """corpus/splits.json against the listed documents, in the listing's order: the build's view.

    One byte a document instead of splits.json's map (a million documents: 1 MB instead of 150 MB).
    `problems` (documents without a split, splits of documents gone, [splits] settings changed) point
    into splits.json and are located by `located`. `hashes` is (salt, ratios) when every document's
    split is to be compared with its group's hash (`stale_split`), None when the settings changed
    (then no document's hash is meant to agree) or documents have no split (the check waits for them).
    """

    codes: bytearray
    problems: list[Problem]
    hashes: tuple[str, dict[str, float]] | None

    def splits(self) -> Iterator[str | None]:
        """The split of each listed document, in listing order (None: it has none)."""
        names = SPLIT_NAMES
        return (names[code] if code != NO_SPLIT else None for code in self.codes)


def listed_assignment(recorded: dict, doc_ids, settings: dict, shown: str) -> ListedAssignment:
    """splits.json as read_splits returned it, against the listed doc_ids (a collection without
    repeats) and corpus.toml's settings."""
    documents = recorded["documents"]
    code_of = {name: code for code, name in enumerate(SPLIT_NAMES)}
    codes, missing = bytearray(), []
    for doc_id in doc_ids:
        split = documents.get(doc_id)
        if split is None:
            missing.append(doc_id)
            codes.append(NO_SPLIT)
        else:
            codes.append(code_of[split])
    # The other documents all have a split: splits.json names no more when the counts agree.
    extra = [] if len(documents) == len(codes) - len(missing) else sorted(set(documents).difference(doc_ids))
    problems = [problem("split-unassigned", shown, f"document {doc_id!r} has no split", pointer=json_pointer(["documents", doc_id]))
                for doc_id in sorted(missing)]
    problems += [problem("split-stale", shown, f"document {doc_id!r} has a split but is no longer in the corpus",
                         pointer=json_pointer(["documents", doc_id]), hint=HINT_SPLIT) for doc_id in extra]
    salt, ratios = settings["splits"]["salt"], settings["splits"]["ratios"]
    _, settings_change = _describe_settings_change(recorded, salt, ratios)
    if settings_change:
        problems.append(problem("split-stale", shown, f"splits.json was computed with other [splits] settings than corpus.toml's: {settings_change}",
                                pointer="/salt" if recorded["salt"] != salt else "/ratios", hint=HINT_RESHUFFLE))
    hashes = (salt, dict(ratios)) if not settings_change and not missing else None
    return ListedAssignment(codes, problems, hashes)


def stale_split(hashes: tuple[str, dict[str, float]], doc_id: str, story_id: str | None, split: str) -> str | None:
    """The split a document's group hashes to, when it is not `split` (the recorded one); else None.
    Per document, so that the build's workers check it as they read each annotation."""
    salt, ratios = hashes
    fresh = split_of(salt, group_key(doc_id, story_id), ratios)
    return fresh if fresh != split else None


def stale_problems(splits_path: Path, schema_dir: Path, doc_ids, groups: dict[str, str],
                   stale: dict[str, tuple[str, str]]) -> list[Problem]:
    """The problems of documents whose recorded split is not their group's hash (doc_id -> (recorded,
    hashed)), described with every member of their groups: splits.json is read again for that (this
    is the rare path, and the build no longer holds its map). groups: doc_id -> story_id of the
    documents in a story."""
    documents = read_splits(splits_path, schema_dir)[0]["documents"]
    return _stale_problems(groups, {doc_id: documents[doc_id] for doc_id in sorted(doc_ids)}, stale, shown_path(splits_path))


def located(problems: list[Problem], splits_path: Path) -> list[Problem]:
    """Problems pointing into splits.json, with their line and column."""
    return _add_locations(problems, splits_path.read_text(encoding="utf-8")) if problems else problems


def check_assignment(layout: Layout, doc_ids, splits_path: Path | None = None,
                     groups: dict[str, str] | None = None, recorded: dict | None = None) -> tuple[dict[str, str] | None, list[Problem]]:
    """The committed assignment, checked against the listed documents, all at once (the build does the
    same in steps: `listed_assignment` before its pass, `stale_split` in its workers).

    Every document must have a split, splits.json must name no other document, and the salt and ratios
    it records must be corpus.toml's. With groups (doc_id -> group key; a document it does not name is
    a group of its own) the assignment must also be each group's hash, so that no story straddles
    splits. doc_ids: a collection without repeats (a list will do). `recorded`: splits.json as
    read_splits returned it, when the caller has it already. Returns (doc_id -> split, or None; problems).
    """
    splits_path = Path(splits_path) if splits_path is not None else layout.splits_path
    if recorded is None:
        recorded, problems = read_splits(splits_path, layout.schema_dir)
        if recorded is None:
            return None, problems
    settings, problems = check_settings(layout.settings_path, layout.schema_dir)
    if settings is None:
        return None, problems
    documents = recorded["documents"]
    listed = listed_assignment(recorded, doc_ids, settings, shown_path(splits_path))
    problems = listed.problems
    if listed.hashes is not None and groups is not None:
        stale = {}
        for doc_id in doc_ids:
            fresh = stale_split(listed.hashes, doc_id, groups.get(doc_id), documents[doc_id])
            if fresh is not None:
                stale[doc_id] = (documents[doc_id], fresh)
        if stale:
            problems += _stale_problems(groups, {doc_id: documents[doc_id] for doc_id in sorted(doc_ids)}, stale, shown_path(splits_path))
    if problems:
        return None, located(problems, splits_path)
    # Every document has a split and splits.json names no other: its map is the assignment.
    return documents, []
