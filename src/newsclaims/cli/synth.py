"""`newsclaims synth`: a synthetic corpus in the real format, for benchmarks and tests at scale."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ..errors import UsageError
from .common import (EXIT_OK, MAX_WORKERS, non_negative_int, print_json, whole_number, worker_count,
                     writing)


# what exit status 1 means for this command (its --help and the README say it)
EXIT_ONE = None


def max_docs() -> int:
    from ..synth.document import MAX_DOCS  # when --docs is read (synth runs then anyway), not for every command

    return MAX_DOCS


def register(commands) -> None:
    parser = commands.add_parser("synth", help="write a synthetic corpus (valid by construction, optional injected errors)")
    parser.add_argument("--docs", type=whole_number(1, max_docs), required=True, metavar="N", help="number of documents (at least 1)")
    parser.add_argument("--out", required=True, metavar="DIR", help="project folder to write (corpus/, schema/, CHANGELOG.md)")
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="S", help="random seed (default 0): same seed, same bytes")
    parser.add_argument("--errors", type=non_negative_int, default=0, metavar="K",
                        help="corrupt K documents with one known error each, listed in DIR/injected_errors.json")
    parser.add_argument("--workers", type=worker_count, default=None, metavar="N", help=f"processes, 1-{MAX_WORKERS} (default: every core)")
    parser.add_argument("--force", action="store_true", help="replace a synthetic corpus that synth wrote in DIR (and nothing else)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    # Imported when used: the word tables cost every other command 35 ms.
    from ..synth.project import INJECTED_ERRORS_FILE, generate

    if args.errors > args.docs:
        raise UsageError(f"--errors must be between 0 and --docs ({args.docs})")
    progress = None
    if sys.stderr.isatty():
        def progress(done: int) -> None:
            print(f"\r{done}/{args.docs} documents", end="", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        with writing(Path(args.out)):
            result = generate(args.docs, Path(args.out), seed=args.seed, errors=args.errors, workers=args.workers,
                              force=args.force, progress=progress)
    except (FileExistsError, FileNotFoundError) as error:
        raise UsageError(str(error)) from None
    finally:
        if progress is not None:
            print(file=sys.stderr)
    seconds = time.perf_counter() - started
    if args.format == "json":
        print_json({"out": args.out, "seed": args.seed, **result})
        return EXIT_OK
    injected = f"; {len(result['injected'])} injected errors listed in {Path(args.out) / INJECTED_ERRORS_FILE}" if result["injected"] else ""
    print(f"wrote {result['documents']} documents ({result['bytes'] / 1e6:.1f} MB) to {args.out} "
          f"in {seconds:.1f} s (seed {args.seed}){injected}")
    return EXIT_OK
