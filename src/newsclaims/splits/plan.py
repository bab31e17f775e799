"""What `newsclaims split` would do: the new assignment reconciled with the recorded one (added, removed,
moved, and why). Pure: it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..problems.record import Problem, problem
from .assignment import compute_assignment, group_key, render_splits, split_of
from .recorded import HINT_RESHUFFLE, describe_settings_change, stale_group_problems


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
    settings_reason, settings_change = describe_settings_change(recorded, salt, ratios)
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
    result.problems += stale_group_problems(groups, assignment, would_move, shown)
    if not result.problems:
        result.assignment = assignment
    return result


def groups_of(documents) -> dict[str, str]:
    """doc_id -> group key for validate.Report.documents (what check_assignment(groups=...) takes)."""
    return {doc_id: group_key(doc_id, document.annotation["metadata"].get("story_id"))
            for doc_id, document in documents.items()}
