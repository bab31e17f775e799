"""corpus/splits.json: reading it, and checking it against the listed documents and corpus.toml (what
validate and build report: documents without a split, splits of documents gone, settings changed, a
split that is not its group's hash).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
import jsonschema_rs

from ..problems.record import Problem, json_pointer, problem, shown_path
from ..project import Layout
from ..validation.files import check_settings
from ..validation.level1_json import add_locations, read_json
from ..validation.level2_schema import describe_schema_error
from ..validation.limits import MAX_REGISTRY_BYTES
from .assignment import SPLIT_NAMES, ratio_tuple, group_key, split_of
SPLITS_SCHEMA_FILE = "splits.schema.json"

HINT_SPLIT = "Run `newsclaims split` to bring corpus/splits.json up to date, and commit it."
HINT_RESHUFFLE = "Run `newsclaims split --reshuffle` to reassign every document."
# With salt and ratios unchanged a reshuffle recomputes the same hashes: only stale documents move.
HINT_RESHUFFLE_STALE = ("Run `newsclaims split --reshuffle` to reassign every document (with salt and ratios "
                        "unchanged, only the documents listed move).")


# --- reading corpus/splits.json -------------------------------------------------------------------

@lru_cache(maxsize=None)
def splits_validator(schema_dir: Path):
    return jsonschema_rs.validator_for(json.loads((schema_dir / SPLITS_SCHEMA_FILE).read_text(encoding="utf-8")))


def _check_splits_schema(value, schema_dir: Path, shown: str) -> list[Problem]:
    problems = []
    for error in splits_validator(schema_dir).iter_errors(value):
        if type(error.kind).__name__ == "PropertyNames":  # a key of "documents" that is not a doc_id
            bad = error.instance if isinstance(error.instance, str) else str(error.instance)
            problems.append(problem("doc-id-invalid", shown, f"{json.dumps(bad, ensure_ascii=False)[:200]} is not a doc_id (a lowercase slug)",
                                    pointer=json_pointer([*error.instance_path, bad])))
            continue
        code, message, hint = describe_schema_error(error)
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
    value, json_text, problems = read_json(path, MAX_REGISTRY_BYTES)
    if value is None:
        return None, problems
    problems = add_locations(_check_splits_schema(value, schema_dir, shown), json_text)
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


def describe_settings_change(recorded: dict, salt: str, ratios: dict[str, float]) -> tuple[str, str]:
    """(short reason, full sentence) for how corpus.toml's [splits] differs from what splits.json recorded."""
    changes, reasons = [], []
    if recorded["salt"] != salt:
        reasons.append("salt")
        changes.append(f"salt changed from {recorded['salt']!r} to {salt!r}")
    if ratio_tuple(recorded["ratios"]) != ratio_tuple(ratios):
        reasons.append("ratios")
        changes.append(f"ratios changed from {_show_ratios(recorded['ratios'])} to {_show_ratios(ratios)}")
    return (" and ".join(reasons) + " changed" if reasons else ""), "; ".join(changes)


def stale_group_problems(groups: dict[str, str], assignment: dict[str, str], stale: dict[str, tuple[str, str]],
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
    _, settings_change = describe_settings_change(recorded, salt, ratios)
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
    return stale_group_problems(groups, {doc_id: documents[doc_id] for doc_id in sorted(doc_ids)}, stale, shown_path(splits_path))


def located(problems: list[Problem], splits_path: Path) -> list[Problem]:
    """Problems pointing into splits.json, with their line and column."""
    return add_locations(problems, splits_path.read_text(encoding="utf-8")) if problems else problems


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
            problems += stale_group_problems(groups, {doc_id: documents[doc_id] for doc_id in sorted(doc_ids)}, stale, shown_path(splits_path))
    if problems:
        return None, located(problems, splits_path)
    # Every document has a split and splits.json names no other: its map is the assignment.
    return documents, []
