"""Benchmark interop (issue 16): brat export and import of a synthetic corpus, and the cost of the `ner`
config in the build.

    python scripts/bench_interop.py [--docs 10000] [--build-docs 100000] [--rounds 1] [--workdir DIR]
                                    [--workers N] [--reuse] [--json OUT]

1. `newsclaims synth --docs DOCS`, `newsclaims export brat` of it, and `newsclaims import brat` of the
   exported folder into a new corpus (target: the import of 10,000 documents in under 60 s on 2 cores).
   Each is timed as a user waits for it (interpreter start included).
2. `newsclaims synth --docs BUILD_DOCS`, then the build with every config and the build without `ner`
   (`build(..., without=("ner",))`), alternately, ROUNDS times each, in one run on the same corpus and
   machine: the ratio of the medians is the `ner` config's cost (target: at most 1.20). Each build runs
   in a process of its own and is timed around `build()` only (imports excluded). The CPU time of each
   build is measured too, of every process it ran (on Linux: the worker processes and the fork server
   are reaped by this script, which makes itself their subreaper): wall times on a shared machine vary
   from round to round, the CPU a build needs much less, and on 2 busy cores it bounds the wall time.

Synthetic corpora are kept in --workdir and reused with --reuse (same seed, same bytes).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
TARGETS = {"import_brat_10k_seconds": 60.0, "build_ner_ratio": 1.20}


def checkout_environment() -> dict:
    """The environment with this checkout's src/ first on PYTHONPATH, not only on sys.path: a build's
    workers are started by a fork server, a fresh interpreter that would otherwise import the
    installed newsclaims instead of this checkout's."""
    return {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def newsclaims(*argv: str, workers: int | None = None) -> float:
    """Run the CLI; its wall time in seconds (output discarded, failures raised)."""
    environment = checkout_environment()
    command = [sys.executable, "-m", "newsclaims", *argv]
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def synth(workdir: Path, docs: int, reuse: bool) -> Path:
    project = workdir / f"synth-{docs}"
    if not (reuse and (project / "corpus" / "splits.json").is_file()):
        newsclaims("synth", "--docs", str(docs), "--out", str(project), "--force")
    return project


def build_step(root: str, out: str, without: str, workers: int | None) -> None:
    """--step build: one build in this process, its seconds on stdout as JSON."""
    sys.path.insert(0, str(SRC))
    from newsclaims.project import Layout
    from newsclaims.workflows.build import build

    layout = Layout(Path(root))
    own = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = build(layout, Path(out), workers=workers, progress=False, without=tuple(name for name in without.split(",") if name))
    seconds = time.perf_counter() - started
    if result.problems:
        raise SystemExit(f"build refused: {result.problems[0].format_text()}")
    print(json.dumps({"seconds": seconds, "counts": result.counts, "cpu_before_build": own.ru_utime + own.ru_stime}))


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def become_subreaper() -> bool:
    """Make this process the one that the orphaned descendants of its children are handed to (Linux), so
    that their CPU time reaches RUSAGE_CHILDREN once reaped; whether that is in force."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1) == 0
    except (OSError, AttributeError):
        return False


def reap_descendants(deadline_seconds: float = 30.0) -> None:
    """Wait for every child left (the fork server and resource tracker of a build that ended, which
    exit once its pipes are closed)."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_build(project: Path, out: Path, without: str, workers: int | None, counts_cpu: bool) -> dict:
    """One build in a process of its own: its seconds, row counts and (counts_cpu) the CPU seconds of
    all its processes after its imports."""
    command = [sys.executable, __file__, "--step", "build", "--root", str(project), "--out", str(out), "--without", without]
    if workers:
        command += ["--workers", str(workers)]
    cpu_before = children_cpu()
    done = subprocess.run(command, env=checkout_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reap_descendants()
    if done.returncode != 0:
        raise SystemExit(f"build: exit {done.returncode}\n{done.stderr[-2000:]}")
    shutil.rmtree(out)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    measured["cpu_seconds"] = children_cpu() - cpu_before - measured["cpu_before_build"] if counts_cpu else None
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents exported to brat and imported (default 10000)")
    parser.add_argument("--build-docs", type=int, default=100_000, help="documents of the build comparison (default 100000)")
    parser.add_argument("--rounds", type=int, default=1, help="builds of each kind, alternated (default 1)")
    parser.add_argument("--workdir", type=Path, default=None, help="where the corpora go (default: a temporary folder)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--reuse", action="store_true", help="reuse the synthetic corpora already in --workdir")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--step", choices=["build"], help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--without", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "build":
        build_step(args.root, args.out, args.without, args.workers)
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-interop-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"cores": os.cpu_count(), "workers": args.workers}
    workers = ["--workers", str(args.workers)] if args.workers else []
    if not args.skip_import:
        project = synth(workdir, args.docs, args.reuse)
        brat, imported = workdir / f"brat-{args.docs}", workdir / f"imported-{args.docs}"
        shutil.rmtree(brat, ignore_errors=True)
        shutil.rmtree(imported, ignore_errors=True)
        export_seconds = newsclaims("export", "brat", "--root", str(project), "--out", str(brat), *workers)
        import_seconds = newsclaims("import", "brat", str(brat), "--root", str(project), "--out", str(imported / "corpus"), "--language", "en")
        written = len(list((imported / "corpus" / "annotations").glob("*.json")))
        results["brat"] = {"documents": args.docs, "export_seconds": round(export_seconds, 2), "import_seconds": round(import_seconds, 2),
                           "imported_documents": written, "import_docs_per_second": round(written / import_seconds, 1)}
        print(f"brat: export {args.docs} documents {export_seconds:.1f} s; import {written} documents {import_seconds:.1f} s "
              f"(target < {TARGETS['import_brat_10k_seconds']:.0f} s for 10,000)", flush=True)
    if not args.skip_build:
        project = synth(workdir, args.build_docs, args.reuse)
        counts_cpu = become_subreaper()
        times: dict[str, list[float]] = {"with ner": [], "without ner": []}
        cpu: dict[str, list[float]] = {"with ner": [], "without ner": []}
        for round_number in range(args.rounds):
            for label, without in (("without ner", "ner"), ("with ner", "")):
                measured = timed_build(project, workdir / "data-bench", without, args.workers, counts_cpu)
                times[label].append(measured["seconds"])
                rows = measured["counts"].get("ner", {})
                if counts_cpu:
                    cpu[label].append(round(measured["cpu_seconds"], 2))
                print(f"build {args.build_docs} documents {label} (round {round_number + 1}): {measured['seconds']:.1f} s"
                      + (f", CPU {measured['cpu_seconds']:.1f} s" if counts_cpu else "")
                      + (f", ner rows {sum(rows.values())}" if rows else ""), flush=True)
        with_ner, without_ner = statistics.median(times["with ner"]), statistics.median(times["without ner"])
        ratio = with_ner / without_ner
        results["build"] = {"documents": args.build_docs, "rounds": args.rounds, "seconds_with_ner": times["with ner"],
                            "seconds_without_ner": times["without ner"], "ratio": round(ratio, 3)}
        print(f"build {args.build_docs}: median with ner {with_ner:.1f} s, without {without_ner:.1f} s, "
              f"ratio {ratio:.3f} (target <= {TARGETS['build_ner_ratio']:.2f})", flush=True)
        if counts_cpu:
            cpu_ratio = statistics.median(cpu["with ner"]) / statistics.median(cpu["without ner"])
            results["build"].update({"cpu_seconds_with_ner": cpu["with ner"], "cpu_seconds_without_ner": cpu["without ner"],
                                     "cpu_ratio": round(cpu_ratio, 3)})
            print(f"build {args.build_docs}: median CPU with ner {statistics.median(cpu['with ner']):.1f} s, without "
                  f"{statistics.median(cpu['without ner']):.1f} s, ratio {cpu_ratio:.3f} (all processes, imports excluded)", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
