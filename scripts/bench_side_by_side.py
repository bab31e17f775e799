"""Two versions of the code on one corpus, side by side: `validate` and `build` alternate between them, so
that a noisy machine slows both alike. For a change that must not cost speed (a refactoring, a move).

    python scripts/bench_side_by_side.py --before 97ea79c --docs 100000 --rounds 3 [--workdir DIR]

`--before REV` (and `--after REV`, default: the current checkout) is checked out into a git worktree
under the work folder, its C extension built in place. Wall times only: run it on a quiet machine. The corpus is generated once by the current code (`newsclaims
synth`). Prints, per command, every round's wall time for both and the median ratio after/before.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checkout(rev: str, folder: Path) -> Path:
    if not folder.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev], check=True, capture_output=True)
        subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=folder, check=True, capture_output=True)
    return folder / "src"


def timed(source: Path, project: Path, argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(source)}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source / "newsclaims")], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(project), *argv], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed with {source}: {done.stderr[-2000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git revision of the code to compare with")
    parser.add_argument("--after", help="git revision of the new code (default: this checkout as it is)")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "newsclaims-side-by-side")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    before = checkout(args.before, args.workdir / "before")
    after = checkout(args.after, args.workdir / "after") if args.after else ROOT / "src"
    project = args.workdir / f"corpus-{args.docs}"
    if not (project / "corpus").is_dir():
        subprocess.run([sys.executable, "-m", "newsclaims", "synth", "--docs", str(args.docs), "--out", str(project), "--seed", "0"],
                       check=True, env={**os.environ, "PYTHONPATH": str(after)})
    times: dict[str, dict[str, list[float]]] = {}
    for round_ in range(args.rounds):
        for command, argv in [("validate", ["validate"]), ("build", ["build", "--out", str(args.workdir / "data-out")])]:
            order = [("before", before), ("after", after)] if round_ % 2 == 0 else [("after", after), ("before", before)]
            for name, source in order:
                seconds = timed(source, project, argv)
                times.setdefault(command, {}).setdefault(name, []).append(round(seconds, 2))
                print(f"round {round_ + 1} {command:8} {name:6} {seconds:7.2f} s", file=sys.stderr, flush=True)
    summary = {command: {**runs, "ratio_after_before": round(statistics.median(runs["after"]) / statistics.median(runs["before"]), 3)}
               for command, runs in times.items()}
    print(json.dumps({"before": args.before, "after": args.after or "checkout", "docs": args.docs, **summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
