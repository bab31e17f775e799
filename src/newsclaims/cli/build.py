"""`newsclaims build`: validate the corpus and build the Hugging Face dataset folder data/."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import (EXIT_INVALID, EXIT_OK, add_workers, layout_of, positive_float, print_json,
                     print_problems, writing)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = "the corpus is invalid (nothing is written)"


def register(commands) -> None:
    parser = commands.add_parser("build", help="validate the corpus and build the Hugging Face dataset folder data/")
    parser.add_argument("--out", help="where to write the dataset folder (default: data/ of the project); only a folder "
                                      "a build wrote, an empty or a new one is ever replaced")
    add_workers(parser)
    parser.add_argument("--shard-mb", type=positive_float, default=1024, metavar="MB",
                        help="Arrow megabytes per Parquet file before a new shard starts (default: 1024, about 300-500 MB on disk)")
    parser.add_argument("--engine", choices=["local", "ray"], default="local",
                        help="run the per-document stage in local processes, or on Ray Data (pip install 'newsclaims[ray]')")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from ..workflows.build import build  # datasets and pyarrow: imported when the command runs (see __init__)

    layout = layout_of(args)
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
        print_json({"data": str(data_dir), "rows": result.counts})
    else:
        for config, by_split in result.counts.items():
            print(f"{config:10} " + "  ".join(f"{split} {rows}" for split, rows in by_split.items()))
        print(f"built {data_dir}")
    return EXIT_OK
