"""`newsclaims codes`: the problem codes, their level, severity and meaning (docs/errors.md has the hints)."""

from __future__ import annotations

from ..problems import CATALOGUE, LEVEL_NAMES
from .common import EXIT_OK, print_json


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = None


def register(commands) -> None:
    parser = commands.add_parser("codes", help="list the problem codes (docs/errors.md has the full catalogue)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if args.format == "json":
        print_json([{"code": code, "level": LEVEL_NAMES[entry.level], "severity": entry.severity, "title": entry.title,
                     "hint": entry.hint} for code, entry in CATALOGUE.items()])
        return EXIT_OK
    for code, entry in CATALOGUE.items():
        print(f"{code:24} {LEVEL_NAMES[entry.level]:10} {entry.title}")
    return EXIT_OK
