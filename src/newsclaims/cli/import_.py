"""`newsclaims import FORMAT SRC`: Label Studio, brat or CoNLL files -> corpus documents that pass validate."""

from __future__ import annotations

import sys
from pathlib import Path

from ..formats import readers
from ..workflows.import_ import import_documents
from .common import (
    EXIT_INVALID,
    EXIT_OK,
    layout_of,
    print_json,
    print_problems,
    writing,
)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the source cannot be imported as it is (problems listed; nothing is written)"


def register(commands) -> None:
    parser = commands.add_parser("import", help="import Label Studio, brat or CoNLL files as corpus documents (docs/formats.md)")
    parser.add_argument("format_name", choices=readers(), metavar="FORMAT", help=f"one of: {', '.join(readers())}")
    parser.add_argument("source", metavar="SRC", help="the export file (labelstudio, conll) or folder (brat, conll)")
    parser.add_argument("--mapping", metavar="FILE", help="TOML file mapping the source's labels to ours (over the built-in defaults)")
    parser.add_argument("--out", metavar="DIR", help="the corpus folder to write documents/ and annotations/ into (default: the project's corpus/)")
    parser.add_argument("--status", choices=["gold", "silver", "machine"],
                        help="annotation status of the imported files (default: silver; machine for Label Studio predictions)")
    parser.add_argument("--language", default="und", help="BCP 47 language tag of the texts (default: und, undetermined)")
    parser.add_argument("--genre", choices=["news", "opinion", "analysis", "other"], default="other", help="genre of the texts (default: other)")
    parser.add_argument("--unmapped", choices=["error", "skip"], default="error",
                        help="a label with no mapping: refuse the import (error, the default) or skip its spans and count them (skip)")
    parser.add_argument("--force", action="store_true", help="replace documents of --out that have the same doc_id")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; print what would be written")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = layout_of(args)
    out = Path(args.out) if args.out else None
    with writing(out or layout.corpus_dir):
        report = import_documents(layout, args.format_name, Path(args.source), out, mapping=Path(args.mapping) if args.mapping else None,
                                  status=args.status, language=args.language, genre=args.genre, skip_unmapped=args.unmapped == "skip",
                                  force=args.force, dry_run=args.dry_run)
    summary = {"written" if not args.dry_run else "would_write": [str(p) for p in report.written], "doc_ids": report.doc_ids,
               "counts": dict(sorted(report.counts.items())), "skipped_labels": dict(sorted(report.skipped_labels.items()))}
    if args.format == "json":
        print_json({"imported": not report.refused, "problems": [p.as_dict() for p in report.problems], **summary})
        return EXIT_INVALID if report.refused else EXIT_OK
    if report.problems:
        print_problems(report.problems, report.files_checked, "text")
    if report.refused:
        print("import refused: nothing was written.", file=sys.stderr)
        return EXIT_INVALID
    for path in report.written:
        print(f"{'would write' if args.dry_run else 'wrote'} {path}")
    counts = ", ".join(f"{value} {name}" for name, value in sorted(report.counts.items()))
    print(f"{'dry run: ' if args.dry_run else ''}imported {len(report.doc_ids)} documents ({counts})")
    if report.skipped_labels:
        print("skipped (no mapping): " + ", ".join(f"{label} {n}" for label, n in sorted(report.skipped_labels.items())))
    return EXIT_OK
