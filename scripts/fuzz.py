"""Fuzz `newsclaims validate` for a while, or write the bad-input catalogue: both run through pytest, so
that this script imports nothing from tests/ (the harness is tests/helpers/fuzzing.py and catalogue.py).

    python scripts/fuzz.py --seconds 300 --seed 1 [--failures fuzz-failures] [--rounds 3]

Each case takes a valid annotation file (the mini fixture's or the seed corpus's), mutates it (one to
`--rounds` mutators stacked), validates a project holding it, and checks what tests/validation/test_fuzz.py
checks: no exception, exit 0 or 1, problem records with code/file/message/hint, exit 0 only for a file
that an independent check finds valid, nothing written to the corpus. Case i of a seed is always the
same (its random generator is seeded with "<seed>:<i>"), so a failure is reproduced with
`--seed S --case I`. Failing inputs are saved under --failures (the bytes, plus a .txt saying what
broke and how to rerun). Prints the summary (cases tried, cases per second, counts per mutator and exit
code, the problem codes seen); exits 1 if any case failed.

    python scripts/fuzz.py --catalogue docs/bad-input.md

writes the bad-input catalogue instead: every hostile or malformed input the tests try (fixtures, hostile
files, corruptions, a fixed sample of every mutator, limits, paths, build, and every hostile command of
the reliability tests with its outcome), run now against this checkout, and the known holes (the tests
marked xfail, with their reasons). Takes a few minutes (the hostile commands run as the tests run them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the tests whose inputs the catalogue lists: hostile commands (HostileCase) and known holes (xfail)
CATALOGUE_TESTS = ["tests/cli/test_cli_reliability.py", "tests/workflows/test_build_reliability.py",
                   "tests/validation/test_validation_reliability.py", "tests/dataset/test_verify_reliability.py",
                   "tests/validation/test_limits.py", "tests/validation/test_paths.py", "tests/dataset/test_roundtrip.py"]


def pytest(*args: str) -> int:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the case sequence (default 0)")
    parser.add_argument("--case", type=int, help="run only this case of the seed (to reproduce a failure)")
    parser.add_argument("--rounds", type=int, default=3, help="at most this many mutators stacked per case (default 3)")
    parser.add_argument("--failures", default="fuzz-failures", help="folder for failing inputs (default fuzz-failures/)")
    parser.add_argument("--catalogue", metavar="PATH", help="write the bad-input catalogue (Markdown) to PATH and exit")
    args = parser.parse_args(argv)
    if args.catalogue:
        status = pytest("-p", "helpers.catalogue", "--bad-input", str(Path(args.catalogue).resolve()), *CATALOGUE_TESTS)
        print(f"wrote {args.catalogue}" + ("" if status == 0 else f" (some tests failed: pytest exit {status})"))
        return status

    with tempfile.TemporaryDirectory() as folder:
        summary_path = Path(folder) / "summary.json"
        options = ["--fuzz-seconds", str(args.seconds), "--fuzz-seed", str(args.seed), "--fuzz-rounds", str(args.rounds),
                   "--fuzz-failures", str(Path(args.failures).resolve()), "--fuzz-summary", str(summary_path)]
        if args.case is not None:
            options += ["--fuzz-case", str(args.case)]
        status = pytest("-s", "tests/validation/test_fuzz.py::test_fuzz_campaign", *options)
        if summary_path.is_file():
            print(json.dumps(json.loads(summary_path.read_text(encoding="utf-8")), indent=2, ensure_ascii=False))
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main())
