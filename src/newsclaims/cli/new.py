"""`newsclaims new PATH.txt`: add a document: its text into corpus/documents/, its skeleton annotation."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..problems import shown_path
from ..workflows.new import new_document
from .common import (
    EXIT_INVALID,
    EXIT_OK,
    layout_of,
    print_json,
    print_problems,
    writing,
)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the text is refused (not UTF-8, BOM, CRLF, not NFC without --normalize) or a file exists; nothing is written"


def register(commands) -> None:
    parser = commands.add_parser("new", help="add a document: copy its text into the corpus and write the skeleton of its annotation")
    parser.add_argument("path", metavar="PATH.txt", help="the article text, exactly as published (UTF-8)")
    parser.add_argument("--doc-id", help="the document's id (default: from the file name, slugged)")
    parser.add_argument("--normalize", action="store_true", help="convert a text with a BOM, CRLF line endings or not in NFC, and say what changed")
    parser.add_argument("--annotator", help="your annotator handle (default: git's user.name)")
    parser.add_argument("--language", default="en", help="BCP 47 language tag of the text (default: en)")
    parser.add_argument("--genre", default="news", choices=["news", "opinion", "analysis", "other"], help="kind of article (default: news)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    layout = layout_of(args)
    source = Path(args.path)
    if not source.is_file():
        raise UsageError(f"no such file: {args.path}")
    with writing(layout.corpus_dir):
        result = new_document(layout, source, args.doc_id, args.normalize, args.annotator, args.language, args.genre)
    if args.format == "json":
        print_json({"doc_id": result.doc_id, "written": result.written, "changes": result.changes, "annotators": result.annotators,
                    "text": shown_path(result.text_path) if result.text_path else None,
                    "annotation": shown_path(result.annotation_path) if result.annotation_path else None,
                    "problems": [p.as_dict() for p in result.problems]})
        return EXIT_OK if result.written else EXIT_INVALID
    if result.problems:
        print_problems(result.problems, 1, "text")
    if not result.written:
        print(f"new: nothing written for {result.doc_id}")
        return EXIT_INVALID
    for change in result.changes:
        print(f"normalised: {change}")
    print(f"wrote {shown_path(result.text_path)}")
    annotation = shown_path(result.annotation_path)
    print(f"wrote {annotation} (genre {args.genre}, language {args.language}, annotators {', '.join(result.annotators) or 'none'}: check them)")
    print(f"next: add entities and claims by quote, then `newsclaims anchor {annotation}` and `newsclaims validate {annotation}`; "
          "`newsclaims split` gives it a split")
    return EXIT_OK
