"""`newsclaims verify [FOLDER]`: check a built dataset folder against its manifest and every hash,
count and version it states."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..project import find_root, resolve_layout
from .common import EXIT_INVALID, EXIT_OK, print_json


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the folder differs from its manifest"


def register(commands) -> None:
    parser = commands.add_parser("verify", help="check a dataset folder against its manifest.json (exit 1 when it differs)")
    parser.add_argument("folder", nargs="?", help="the dataset folder (default: the project's data/, found as --root is)")
    parser.set_defaults(handler=run)


def data_folder(args) -> Path:
    """FOLDER as given; else the data/ of the project (--root, or found from the working folder)."""
    if args.folder is not None:
        return Path(args.folder)
    if args.root is not None:
        return resolve_layout(args.root).data_dir
    root = find_root(Path.cwd())
    return root / "data" if root is not None else Path("data")


def run(args) -> int:
    from ..dataset.manifest import MANIFEST, verify  # pyarrow: imported when the command runs (see __init__)

    folder = data_folder(args)
    if not (folder / MANIFEST).is_file():
        raise UsageError(f"{folder}: no {MANIFEST} here; give the folder of a built dataset (e.g. data/), or run "
                         "`newsclaims build` first")
    differences = verify(folder)
    if args.format == "json":
        print_json({"folder": str(folder), "ok": not differences, "differences": [d.as_dict() for d in differences]})
    else:
        for difference in differences:
            print(f"{folder / difference.file}: {difference.what}: expected {difference.expected}, found {difference.found}")
        print(f"{folder}: {'matches its manifest' if not differences else f'{len(differences)} difference(s) from its manifest'}")
    return EXIT_OK if not differences else EXIT_INVALID
