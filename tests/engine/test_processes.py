"""A killed or stopped command leaves no process behind, and none holding its output open.

Every command runs in a session of its own (start_new_session), so that every process it starts,
directly or through multiprocessing's fork server, is found in /proc by that session id.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsclaims.engine.local import BATCH_ITEMS, _ACTIVE_POOLS, _detached_command
from newsclaims.dataset.stage import StageContext
from newsclaims.dataset.stage import process_batch
from newsclaims.engine.local import run_local

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; prctl is Linux's")

DOCUMENTS = 3000  # the build runs several seconds with two workers
HELPERS_GONE_SECONDS = 2.0  # after the command itself ended: no process of its session left, output at EOF
COMMAND_ENDS_SECONDS = 20.0  # SIGTERM / SIGINT: cleanups and interpreter teardown (generous: a loaded CI box)
WAIT_FOR_WORKERS_SECONDS = 60.0


def newsclaims(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsclaims", *args]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reliability") / "project"
    subprocess.run(newsclaims("synth", "--docs", str(DOCUMENTS), "--out", str(folder), "--seed", "1"),
                   check=True, capture_output=True)
    return folder


def session_processes(session: int) -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every live (not zombie) process of the session."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if fields[0] in (b"Z", b"X") or int(fields[3]) != session:
                continue
            with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue
        found[int(name)] = (int(fields[1]), command)
    return found


def threads(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:  # ended
        return 0


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Run:
    """A command started in its own session, its stdout and stderr read to EOF by threads."""

    def __init__(self, argv: list[str]):
        # SIGINT as a terminal's foreground command has it: a process started with SIGINT ignored keeps
        # ignoring it, Python too (a background job of a non-interactive shell, as `pytest ... &` from a
        # script runs the suite), and then the SIGINT tests would see a command that rightly ignores them.
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                        preexec_fn=_default_sigint)
        self.output: dict[str, bytes] = {}
        self.readers = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                        for name, stream in (("stdout", self.process.stdout), ("stderr", self.process.stderr))]
        for reader in self.readers:
            reader.start()

    def _read(self, name: str, stream) -> None:
        self.output[name] = stream.read()  # returns at EOF: when no process holds the pipe any more

    def wait_for_workers(self, workers: int, freeze: bool = False) -> dict[int, tuple[int, str]]:
        """Wait until `workers` worker processes are ready (children of the fork server, or for synth of
        the command itself, running a second thread: the parent watch guard_worker starts last; they are
        forked by a process of one thread), a little more
        so that batches are in flight; the session's processes then. freeze: SIGSTOP the workers, so
        that the command cannot end before it is signalled (validate checks 3000 documents in well
        under a second) and the workers cannot help their own end."""
        main = self.process.pid
        deadline = time.monotonic() + WAIT_FOR_WORKERS_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the command ended before its workers started: {self.output}"
            found = session_processes(main)
            # A child not yet exec'd shows its parent's command line: the fork server is known by its own.
            servers = {pid for pid, (parent, command) in found.items() if parent == main and "multiprocessing.forkserver" in command}
            ready = [pid for pid, (parent, command) in found.items()
                     if (parent in servers if servers else parent == main and "multiprocessing" not in command)
                     and threads(pid) > 1]
            if len(ready) >= workers:
                if freeze:
                    for pid in ready:
                        os.kill(pid, signal.SIGSTOP)
                else:
                    time.sleep(0.3)
                return session_processes(main)
            time.sleep(0.02)
        raise AssertionError("the workers did not start")

    def stop(self, signum: int) -> float:
        """Send signum to the command's main process; seconds from its end until every process of its
        session is gone and both pipes are at EOF (failing after HELPERS_GONE_SECONDS)."""
        os.kill(self.process.pid, signum)
        self.process.wait(COMMAND_ENDS_SECONDS)
        ended = time.monotonic()
        deadline = ended + HELPERS_GONE_SECONDS
        while session_processes(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        for reader in self.readers:
            reader.join(max(0.0, deadline - time.monotonic()))
        lived = time.monotonic() - ended
        left = session_processes(self.process.pid)
        for pid in left:  # do not leave them to other tests
            os.kill(pid, signal.SIGKILL)
        assert not left, f"still alive {lived:.1f} s after the command ended: {left}"
        assert not any(reader.is_alive() for reader in self.readers), "a process still holds the command's stdout or stderr"
        return lived


def assert_helpers_detached(processes: dict[int, tuple[int, str]], main: int) -> None:
    """No process but the command itself holds its stdout or stderr: theirs are /dev/null."""
    helpers = [pid for pid in processes if pid != main]
    assert helpers
    for pid in helpers:
        for fd in (1, 2):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except FileNotFoundError:  # closed (the resource tracker closes its stdout) or just ended
                continue
            assert target == os.devnull, (processes[pid][1], fd, target)


@pytest.mark.parametrize("command", ["build", "validate"])
def test_kill_9_of_the_main_process_takes_every_worker_with_it(project, command):
    run = Run(newsclaims("--root", str(project), command, "--workers", "2"))
    processes = run.wait_for_workers(2, freeze=command == "validate")
    assert_helpers_detached(processes, run.process.pid)
    run.stop(signal.SIGKILL)
    assert run.process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("signum, status, message", [(signal.SIGTERM, 128 + signal.SIGTERM, b""),
                                                     (signal.SIGINT, 130, b"interrupted")],
                         ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("command", ["build", "validate"])
def test_sigterm_or_sigint_stops_the_workers_and_ends_without_a_traceback(project, command, signum, status, message):
    run = Run(newsclaims("--root", str(project), command, "--workers", "2"))
    run.wait_for_workers(2, freeze=command == "validate")
    run.stop(signum)
    assert run.process.returncode == status, run.output
    assert b"Traceback" not in run.output["stderr"], run.output["stderr"].decode()
    assert message in run.output["stderr"]


def test_a_stopped_build_leaves_the_published_data_as_it_was(project):
    subprocess.run(newsclaims("--root", str(project), "build", "--workers", "2"), check=True, capture_output=True)
    before = sorted((path.relative_to(project), path.stat().st_mtime_ns) for path in (project / "data").rglob("*"))
    run = Run(newsclaims("--root", str(project), "build", "--workers", "2"))
    run.wait_for_workers(2)
    run.stop(signal.SIGTERM)
    assert sorted((path.relative_to(project), path.stat().st_mtime_ns) for path in (project / "data").rglob("*")) == before


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_synth_workers_die_with_it(tmp_path, signum):
    run = Run(newsclaims("synth", "--docs", "20000", "--out", str(tmp_path / "synthetic"), "--seed", "1", "--workers", "2"))
    processes = run.wait_for_workers(2)
    assert_helpers_detached(processes, run.process.pid)
    run.stop(signum)
    assert run.process.returncode == -signum


# --- in this process: the pool is stopped, not waited for, and leaves the signal handlers as it found them

def bad_items(count: int):
    """Items a worker cannot unpack: process_batch raises ValueError in the worker."""
    return [("only-an-id",)] * count


def test_a_worker_exception_travels_back_and_the_workers_are_stopped(tmp_path):
    context = StageContext(str(tmp_path), str(tmp_path), str(tmp_path), None, convert=False)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    with pytest.raises(ValueError, match="unpack"):
        list(run_local(process_batch, context, bad_items(4 * BATCH_ITEMS), workers=2, progress=False))
    deadline = time.monotonic() + HELPERS_GONE_SECONDS
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert multiprocessing.active_children() == []
    assert {signum: signal.getsignal(signum) for signum in handlers} == handlers
    assert not _ACTIVE_POOLS


def test_dropping_the_results_midway_stops_the_workers(tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "annotations").mkdir()
    context = StageContext(str(tmp_path), str(tmp_path / "documents"), str(tmp_path / "annotations"), None, convert=False)
    items = [(f"doc-{i}", False, False, None) for i in range(8 * BATCH_ITEMS)]  # each: a missing-annotation problem
    results = run_local(process_batch, context, items, workers=2, progress=False)
    first = next(results)
    assert [p.code for p in first.problems] == ["missing-annotation"] * BATCH_ITEMS
    assert len(multiprocessing.active_children()) == 2
    results.close()
    deadline = time.monotonic() + HELPERS_GONE_SECONDS
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert multiprocessing.active_children() == []


def test_only_multiprocessing_helpers_started_with_python_c_are_changed():
    helper = ["python", "-B", "-c", "from multiprocessing.forkserver import main; main(4, 6, [], **{})"]
    detached = _detached_command(helper, die_with_us=True)
    assert detached[:3] == helper[:3] and detached[3].endswith(helper[3])
    assert "os.dup2" in detached[3] and "prctl" in detached[3] and f"!= {os.getpid()}" in detached[3]
    tracker = ["python", "-c", "from multiprocessing.resource_tracker import main;main(5)"]
    assert "prctl" not in _detached_command(tracker, die_with_us=True)[2]  # it must outlive us to clean up
    assert "prctl" not in _detached_command(helper, die_with_us=False)[3]  # started by a thread that may end first
    other = ["python", "script.py"]
    assert _detached_command(other, die_with_us=True) == other
    for code in (detached[3], _detached_command(tracker, die_with_us=True)[2]):
        compile(code, "<helper>", "exec")
