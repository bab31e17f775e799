"""Benchmark `newsclaims view` on a synthetic corpus: the site's generation time, and how fast its
overview and a document page load in headless Chromium (issue 18: 10,000 documents, site in under
30 s on 2 cores, overview loaded in under 2 s).

    python scripts/bench_view.py [--docs 10000] [--workdir DIR] [--reuse] [--repeat 3] [--workers N] [--json OUT]

The corpus is written by `newsclaims synth --docs N --out WORKDIR/corpus-N` (kept with --reuse); the
site by `newsclaims view --root ... --out WORKDIR/site-N`, timed as a user waits for it (interpreter
start included), best of --repeat runs; the load average before each run is reported, since a busy
machine slows every run; the CPU seconds of the command's whole process tree (sampled from /proc) are
reported too, and CPU / cores as the time on idle cores. In the browser (Playwright over the system's Chromium), the overview is
timed from the start of navigation to the moment its search index is in and the first page of the
table rendered (window.NC_READY), and a document page to its load event with its script run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"site_seconds": 30.0, "overview_seconds": 2.0}
CHROMIUM = os.environ.get("NEWSCLAIMS_CHROMIUM", "/usr/bin/chromium")


def newsclaims(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "newsclaims", *args], check=True, stdout=subprocess.DEVNULL)


def _proc_stats() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far) of every process (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    return found


def run_measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process tree): the tree is sampled every 0.05 s, since
    the workers a fork server starts are not the command's children (RUSAGE_CHILDREN misses them)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    while child.poll() is None:
        stats = _proc_stats()
        tree = {child.pid}
        for _ in range(4):  # the command, the fork server, its workers
            tree |= {pid for pid, (parent, _) in stats.items() if parent in tree}
        for pid in tree:
            if pid in stats:
                cpu[pid] = max(cpu.get(pid, 0.0), stats[pid][1])
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return wall, sum(cpu.values())


def generate(args, workdir: Path) -> Path:
    corpus = workdir / f"corpus-{args.docs}"
    if args.reuse and (corpus / "corpus" / "corpus.toml").is_file():
        return corpus
    if corpus.exists():
        shutil.rmtree(corpus)
    newsclaims("synth", "--docs", str(args.docs), "--out", str(corpus))
    return corpus


def time_site(args, corpus: Path, site: Path) -> list[dict]:
    runs = []
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        extra = ["--workers", str(args.workers)] if args.workers else []
        wall, cpu = run_measured([sys.executable, "-m", "newsclaims", "view", "--root", str(corpus), "--out", str(site), *extra])
        runs.append({"seconds": round(wall, 2), "cpu_seconds": round(cpu, 1), "load_average_before": round(load, 2)})
    return runs


def time_browser(site: Path, repeat: int) -> dict:
    from playwright.sync_api import sync_playwright

    overview, document = [], []
    first_doc = sorted((site / "doc").iterdir())[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(repeat):
            page = browser.new_page()
            started = time.perf_counter()
            page.goto((site / "index.html").as_uri())
            page.wait_for_function("window.NC_READY === true", timeout=60_000)
            overview.append(time.perf_counter() - started)
            rows = page.locator("#doc-rows tr").count()
            page.close()
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(first_doc.as_uri())
            page.wait_for_function("window.NC_DOCUMENT_READY === true")
            document.append(time.perf_counter() - started)
            page.close()
        browser.close()
    return {"overview_seconds": round(statistics.median(overview), 3), "overview_runs": [round(s, 3) for s in overview],
            "overview_rows_shown": rows, "document_seconds": round(statistics.median(document), 3)}


def folder_size(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, help="where the corpus and the site go (default: a temporary folder, removed)")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse WORKDIR's corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--json", type=Path, help="write the results there too")
    args = parser.parse_args()
    temporary = None
    if args.workdir is None:
        temporary = tempfile.mkdtemp(prefix="bench-view-")
        args.workdir = Path(temporary)
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    try:
        corpus = generate(args, args.workdir)
        site = args.workdir / f"site-{args.docs}"
        runs = time_site(args, corpus, site)
        files, size = folder_size(site)
        cores = len(os.sched_getaffinity(0))
        cpu = min(r["cpu_seconds"] for r in runs)
        # On a busy machine the wall time measures the others too: CPU seconds / cores is the wall
        # time the same work takes on idle cores (the work is split evenly between the workers).
        result = {"docs": args.docs, "cores": cores, "site_seconds": min(r["seconds"] for r in runs),
                  "site_cpu_seconds": cpu, "site_seconds_if_idle": round(cpu / cores, 1),
                  "site_runs": runs, "site_files": files, "site_mb": round(size / 1e6, 1),
                  "overview_html_kb": round((site / "index.html").stat().st_size / 1e3, 1),
                  "index_mb": round(sum(p.stat().st_size for p in (site / "index").iterdir()) / 1e6, 2)}
        if os.path.exists(CHROMIUM):
            result.update(time_browser(site, args.repeat))
        else:
            result["browser"] = f"skipped: no Chromium at {CHROMIUM} (apt-get install chromium, or set NEWSCLAIMS_CHROMIUM)"
        result["targets"] = {name: {"target": target, "measured": result.get(name), "met": result.get(name) is not None and result[name] < target}
                             for name, target in TARGETS.items()}
        text = json.dumps(result, indent=2)
        print(text)
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
