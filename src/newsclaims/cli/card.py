"""`newsclaims card [--check | --write-citation]`: the dataset card and CITATION.cff as the build writes
them; --check exits 1 with a unified diff when the committed ones differ."""

from __future__ import annotations

import sys

from .common import (
    EXIT_INVALID,
    EXIT_OK,
    add_workers,
    layout_of,
    print_json,
    print_problems,
    writing,
)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the card or CITATION.cff differs from what the build writes (or the corpus is invalid)"


def register(commands) -> None:
    parser = commands.add_parser("card", help="the dataset card as a build writes it; --check: does the committed data/README.md "
                                              "(and CITATION.cff) match it")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 and show a unified diff when data/README.md or CITATION.cff "
                                                          "differs from what `newsclaims build` (and --write-citation) would write")
    mode.add_argument("--write-citation", action="store_true", help="write CITATION.cff from corpus/corpus.toml (replaces the file)")
    add_workers(parser, "worker processes for the build the card comes from")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..workflows.card import check_card, write_citation  # datasets: imported when the command runs (see __init__)

    layout = layout_of(args)
    if args.write_citation:
        path = layout.root / "CITATION.cff"
        with writing(path):
            path, problems = write_citation(layout)
        if problems:
            print_problems(problems, 1, args.format)
            return EXIT_INVALID
        print_json({"written": str(path)}) if args.format == "json" else print(f"wrote {path}")
        return EXIT_OK
    result = check_card(layout, workers=args.workers)
    if result.problems:
        print("card: the build is refused, so there is no card to compare with; fix the corpus first.", file=sys.stderr)
        print_problems(result.problems, 0, args.format)
        return EXIT_INVALID
    if not args.check:
        if args.format == "json":
            print_json({"card": result.card, "citation": result.citation})
        else:
            sys.stdout.write(result.card)
        return EXIT_OK
    if args.format == "json":
        print_json({"ok": not result.differences, "differences": [{"file": f, "diff": d} for f, d in result.differences]})
    else:
        for shown, diff in result.differences:
            sys.stdout.write(diff if diff.endswith("\n") else diff + "\n")
        if result.differences:
            print(f"stale: {', '.join(f for f, _ in result.differences)}; run `newsclaims build` (the card) and "
                  "`newsclaims card --write-citation` (CITATION.cff), then commit", file=sys.stderr)
        else:
            print("ok: data/README.md and CITATION.cff are what the build writes")
    return EXIT_INVALID if result.differences else EXIT_OK
