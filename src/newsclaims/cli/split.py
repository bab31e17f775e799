"""`newsclaims split`: assign new documents to train/validation/test in corpus/splits.json."""

from __future__ import annotations

from ..problems import shown_path
from ..splits.assignment import SPLIT_NAMES, split_counts
from ..workflows.split import split
from .common import EXIT_INVALID, EXIT_OK, layout_of, print_json, print_problems, writing


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the corpus listing has problems (nothing is written)"


def register(commands) -> None:
    parser = commands.add_parser("split", help="assign new documents to train/validation/test in corpus/splits.json")
    parser.add_argument("--reshuffle", action="store_true",
                        help="reassign every document (needed after changing the salt or ratios in corpus.toml)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = layout_of(args)
    with writing(layout.splits_path):
        outcome = split(layout, reshuffle=args.reshuffle, dry_run=args.dry_run)
    plan, shown = outcome.plan, shown_path(layout.splits_path)
    if plan.refused:
        print_problems(plan.problems, plan.files_checked, args.format)
        if args.format == "text":
            print(f"split refused: {shown} was not changed")
        return EXIT_INVALID
    counts = split_counts(plan.assignment)
    if args.format == "json":
        print_json({"file": shown, "added": plan.added, "removed": plan.removed,
                    "moved": {doc_id: {"from": old, "to": new, "why": why} for doc_id, (old, new, why) in sorted(plan.moved.items())},
                    "counts": counts, "changed": plan.changed, "written": outcome.written})
        return EXIT_OK
    for doc_id, split_name in plan.added.items():
        print(f"added  {doc_id} -> {split_name}")
    for doc_id, split_name in plan.removed.items():
        print(f"removed {doc_id} (was {split_name}; no longer in the corpus)")
    for doc_id, (old_split, new_split, why) in sorted(plan.moved.items()):
        print(f"moved  {doc_id}: {old_split} -> {new_split} ({why})")
    documents = len(plan.assignment)
    print(", ".join(f"{name} {counts[name]}" for name in SPLIT_NAMES)
          + f" ({documents} document{'s' if documents != 1 else ''}); added {len(plan.added)}, removed {len(plan.removed)}, moved {len(plan.moved)}")
    if not plan.changed:
        print(f"{shown} is up to date")
    elif args.dry_run:
        print(f"dry run: {shown} not written")
    else:
        print(f"wrote {shown}")
    return EXIT_OK
