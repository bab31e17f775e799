"""The maintainer's commands: build, split, diff, verify (registered into cli.py's parser)."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson

from .cli import (EXIT_INVALID, EXIT_OK, MAX_WORKERS, UsageError, non_negative_int, positive_float, print_problems,
                  resolve_layout, whole_number, worker_count, writing)
from .corpus import find_root


def cmd_build(args) -> int:
    from .build import build

    layout = resolve_layout(args.root)
    data_dir = Path(args.out) if args.out else layout.data_dir
    shard_bytes = max(1, int(args.shard_mb * (1 << 20)))  # the option is finite and above 0 (positive_float)
    with writing(data_dir):
        result = build(layout, data_dir, workers=args.workers, shard_bytes=shard_bytes, engine=args.engine)
    if result.problems:
        print("build refused: the corpus must be fixed first; nothing was written.", file=sys.stderr)
        print_problems(result.problems, result.files_checked, args.format)
        return EXIT_INVALID
    for warning in result.warnings:  # reported (stderr: the JSON output stays as it was), not a refusal
        print(warning.format_text(), file=sys.stderr)
    if args.format == "json":
        print(orjson.dumps({"data": str(data_dir), "rows": result.counts}, option=orjson.OPT_INDENT_2).decode())
    else:
        for config, by_split in result.counts.items():
            print(f"{config:10} " + "  ".join(f"{split} {rows}" for split, rows in by_split.items()))
        print(f"built {data_dir}")
    return EXIT_OK


def cmd_split(args) -> int:
    from .splits import run_split

    layout = resolve_layout(args.root)
    with writing(layout.splits_path):
        return run_split(layout, reshuffle=args.reshuffle, dry_run=args.dry_run)


def cmd_diff(args) -> int:
    from .diff import run_diff

    # git revisions are looked up in the project's repository, wherever in it the command runs
    root = resolve_layout(args.root).root if args.root else (find_root(Path.cwd()) or Path.cwd())
    return run_diff(args.old, args.new, root, output_format=args.format)  # DiffError is a UsageError


def cmd_verify(args) -> int:
    from .manifest import MANIFEST, verify

    folder = Path(args.folder)
    if not (folder / MANIFEST).is_file():
        raise UsageError(f"{folder}: no {MANIFEST} here; give the folder of a built dataset (e.g. data/)")
    differences = verify(folder)
    if args.format == "json":
        print(orjson.dumps({"folder": str(folder), "ok": not differences, "differences": [d.as_dict() for d in differences]},
                           option=orjson.OPT_INDENT_2).decode())
    else:
        for difference in differences:
            print(f"{folder / difference.file}: {difference.what}: expected {difference.expected}, found {difference.found}")
        print(f"{folder}: {'matches its manifest' if not differences else f'{len(differences)} difference(s) from its manifest'}")
    return EXIT_OK if not differences else EXIT_INVALID


def register(commands) -> None:
    build = commands.add_parser("build", help="validate the corpus and build the Hugging Face dataset folder data/")
    build.add_argument("--out", help="where to write the dataset folder (default: data/ of the project)")
    build.add_argument("--format", choices=["text", "json"], default="text")
    build.add_argument("--workers", type=worker_count, metavar="N", help=f"worker processes, 1-{MAX_WORKERS} (default: every core)")
    build.add_argument("--shard-mb", type=positive_float, default=1024, metavar="MB", help="Arrow megabytes per Parquet file before a new shard starts (default: 1024, about 300-500 MB on disk)")
    build.add_argument("--engine", choices=["local", "ray"], default="local",
                       help="run the per-document stage in local processes, or on Ray Data (pip install 'newsclaims[ray]')")
    build.set_defaults(handler=cmd_build)

    split = commands.add_parser("split", help="assign new documents to train/validation/test in corpus/splits.json")
    split.add_argument("--reshuffle", action="store_true",
                       help="reassign every document (needed after changing the salt or ratios in corpus.toml)")
    split.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")
    split.set_defaults(handler=cmd_split)

    diff = commands.add_parser("diff", help="compare two builds: data folders or git revisions")
    diff.add_argument("old", help="a data folder, or a git revision whose data/ is compared")
    diff.add_argument("new", help="a data folder, or a git revision")
    diff.add_argument("--format", choices=["text", "json"], default="text")
    diff.set_defaults(handler=cmd_diff)

    verify = commands.add_parser("verify", help="check a dataset folder against its manifest.json")
    verify.add_argument("folder", nargs="?", default="data", help="the dataset folder (default: data)")
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.set_defaults(handler=cmd_verify)

    add_synth_parser(commands)


def cmd_synth(args) -> int:
    from .synth import cmd_synth as run_synth  # imported when used: its word tables cost every other command 35 ms

    with writing(Path(args.out)):
        return run_synth(args)


def synth_max_docs() -> int:
    from .synth import MAX_DOCS  # when --docs is read (synth runs then anyway), not for every command

    return MAX_DOCS


def add_synth_parser(commands) -> None:
    """`newsclaims synth`: generated corpora for benchmarks and tests."""
    synth = commands.add_parser("synth", help="write a synthetic corpus (valid by construction, optional injected errors)")
    synth.add_argument("--docs", type=whole_number(1, synth_max_docs), required=True, metavar="N",
                       help="number of documents (at least 1)")
    synth.add_argument("--out", required=True, metavar="DIR", help="project folder to write (corpus/, schema/, CHANGELOG.md)")
    synth.add_argument("--seed", type=non_negative_int, default=0, metavar="S", help="random seed (default 0): same seed, same bytes")
    synth.add_argument("--errors", type=non_negative_int, default=0, metavar="K",
                       help="corrupt K documents with one known error each, listed in DIR/injected_errors.json")
    synth.add_argument("--workers", type=worker_count, default=None, metavar="N",
                       help=f"processes, 1-{MAX_WORKERS} (default: the usable cores)")
    synth.add_argument("--force", action="store_true", help="replace a synthetic corpus already in DIR")
    synth.set_defaults(handler=cmd_synth)

