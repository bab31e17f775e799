"""`newsclaims split`: plan the assignment from the corpus and write corpus/splits.json. Returns what
happened; the CLI prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..problems.record import shown_path
from ..project import Layout, write_atomically
from ..splits.plan import SplitPlan, groups_of, reconcile
from ..splits.recorded import read_splits
from ..validation.level1_json import add_locations
from .validate import validate_corpus


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
        result.problems = add_locations(result.problems, existing_bytes.decode("utf-8"))
    return result


@dataclass
class SplitOutcome:
    """What `newsclaims split` did: its plan (refused when plan.problems), and whether splits.json was written."""

    plan: SplitPlan
    written: bool = False


def split(layout: Layout, reshuffle: bool = False, dry_run: bool = False) -> SplitOutcome:
    """Plan the assignment and, unless refused, unchanged or a dry run, write corpus/splits.json atomically."""
    result = plan(layout, reshuffle)
    if result.refused or not result.changed or dry_run:
        return SplitOutcome(result)
    write_atomically(layout.splits_path, result.render())
    return SplitOutcome(result, written=True)
