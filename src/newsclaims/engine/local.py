"""The local engine: a picklable function mapped over batches in worker processes, results in input
order, memory bounded; and the promise that no helper process outlives the command.

`run_local(function, context, items)` calls `function(context, batch)` for every batch of items. A
context may offer `batch_paths(batch) -> list[str]`: the files a batch reads, read ahead when they
are not in memory. Nothing above this package is imported: the function and its module come from
the caller (the module is preloaded by the fork server, so workers inherit its imports).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

BATCH_ITEMS = 256  # items (documents) per task: large enough to amortise inter-process costs


# --- the local engine: worker processes, results in input order, bounded memory ----------------------

_WORKER_TASK: tuple | None = None  # (function, context) of this worker process


def _init_worker(function, context) -> None:
    global _WORKER_TASK
    guard_worker()
    _WORKER_TASK = (function, context)


def _run_in_worker(items):
    function, context = _WORKER_TASK
    return function(context, items)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _mp_context(preload: str):
    """preload: the module of the function workers run; the fork server imports it once, before it
    forks, so that workers inherit its imports (and tables built at import)."""
    # forkserver: workers do not inherit the parent's threads (Arrow's pools) as fork would.
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    mp_context = multiprocessing.get_context("forkserver")
    mp_context.set_forkserver_preload([preload])
    return mp_context


def start_workers_early(folder: Path, workers: int | None, preload: str) -> None:
    """Start the fork server now when `folder` holds more than one batch of files (run_local will then
    use workers), so that it imports what workers need (0.2 s) while the caller lists the corpus. A
    small corpus, checked in this process, does not pay for it."""
    if (workers or default_workers()) <= 1 or _mp_context(preload).get_start_method() != "forkserver":
        return
    try:
        with os.scandir(folder) as listing:
            if next(itertools.islice(listing, BATCH_ITEMS, None), None) is None:
                return
    except OSError:
        return  # the listing reports it
    _start_helpers(_mp_context(preload))


# --- the helper processes die with this one and leave the caller's output alone -------------------
#
# Workers are forked by multiprocessing's fork server, not by this process, and the fork server and
# the resource tracker are started with this process's stdout and stderr. Killed (kill -9) without
# these guards, they all lived on, holding the caller's pipes open (`communicate()` and CI logs hung).
# Now: the fork server and resource tracker start with stdin, stdout and stderr on /dev/null; the fork
# server dies with this process (PR_SET_PDEATHSIG, when started by the main thread, and anyway once
# its clients are gone: it exits when its "alive" pipe reaches EOF); each worker dies with the fork
# server (PR_SET_PDEATHSIG) and with this process (a thread waiting on multiprocessing's parent
# sentinel, a pipe that reaches EOF when this process ends); the resource tracker exits once every
# one of them has closed its pipe. SIGTERM and SIGINT of this process kill the workers of the pools
# in flight before the exception unwinds (see _interrupt).

PR_SET_PDEATHSIG = 1  # linux/prctl.h
_PARENT_POLL_SECONDS = 0.5  # where the kernel cannot signal a parent's death (not Linux)

# Run first by the helper processes multiprocessing starts with `python -c CODE`.
_DETACH_CODE = ("import os\n"
                "try:\n"
                "    _null = os.open(os.devnull, os.O_RDWR)\n"
                "    for _fd in (0, 1, 2):\n"
                "        os.dup2(_null, _fd)\n"
                "    os.close(_null)\n"
                "except OSError:\n"
                "    pass\n")
# Then by the fork server only: killed when the thread that started it (this process's main thread)
# ends; exits at once if that already happened before prctl took effect.
_DIE_WITH_CODE = ("try:\n"
                  "    import ctypes\n"
                  "    ctypes.CDLL(None).prctl({request}, {signal})\n"
                  "except Exception:\n"
                  "    pass\n"
                  "if os.getppid() != {pid}:\n"
                  "    os._exit(0)\n")
_spawn_lock = threading.Lock()


def _detached_command(args: list, die_with_us: bool) -> list:
    """The `python ... -c CODE` command line of a multiprocessing helper, CODE prefixed with the lines
    above; any other command unchanged."""
    if len(args) < 2 or args[-2] != "-c":
        return args
    prefix = _DETACH_CODE
    if die_with_us and "multiprocessing.forkserver" in args[-1]:
        prefix += _DIE_WITH_CODE.format(request=PR_SET_PDEATHSIG, signal=int(signal.SIGKILL), pid=os.getpid())
    return [*args[:-1], prefix + args[-1]]


def _start_helpers(mp_context) -> None:
    """Start the resource tracker and (forkserver context) the fork server, detached as described
    above; nothing when they run already. Microseconds then: a waitpid and a write to a pipe."""
    if os.name != "posix":
        return  # no fork server nor resource tracker
    import multiprocessing.forkserver
    import multiprocessing.resource_tracker
    import multiprocessing.util

    start = (multiprocessing.forkserver.ensure_running if mp_context.get_start_method() == "forkserver"
             else multiprocessing.resource_tracker.ensure_running)
    die_with_us = sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()
    with _spawn_lock:
        # Both start their process with util.spawnv_passfds; it is replaced only for this call.
        spawn = multiprocessing.util.spawnv_passfds
        multiprocessing.util.spawnv_passfds = lambda path, args, passfds: spawn(path, _detached_command(args, die_with_us), passfds)
        try:
            start()
        finally:
            multiprocessing.util.spawnv_passfds = spawn


def _detach_stdio() -> None:
    """Point this process's stdin, stdout and stderr at /dev/null (a worker's exception still travels
    back through its future)."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent ends; whether that is now in force."""
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL)) != 0:
            return False
    except (OSError, AttributeError):  # no libc, or no prctl in it
        return False
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)
    return True


def _watch_parent(sentinel, parent: int, poll: float | None) -> None:
    from multiprocessing.connection import wait

    while True:
        try:
            ended = bool(wait([sentinel], timeout=poll)) if sentinel is not None else None
        except (OSError, ValueError):  # the sentinel was closed: this process is ending anyway
            return
        if ended or os.getppid() != parent:
            os._exit(1)


def guard_worker() -> None:
    """Run first in every worker process (pipeline's and synth's): it dies with its parent and with
    the process that made the pool, holds none of the caller's stdout/stderr, and leaves Ctrl-C to
    that process (which stops the workers itself). Once per worker, nothing per batch."""
    _detach_stdio()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    killed_by_kernel = _die_with_parent()
    creator = multiprocessing.parent_process()
    # The sentinel is a pipe the creating process holds open until it ends (a handle on Windows). For
    # a forked worker it may also be held by its siblings, so then it fires late (never early): the
    # parent's death is caught by prctl or, without it, by polling getppid().
    sentinel = creator.sentinel if creator is not None else None
    poll = None if killed_by_kernel else _PARENT_POLL_SECONDS
    if sentinel is not None or poll is not None:
        threading.Thread(target=_watch_parent, args=(sentinel, os.getppid(), poll), name="newsclaims-parent-watch",
                         daemon=True).start()


# --- stopping the workers on SIGTERM / SIGINT --------------------------------------------------------

_ACTIVE_POOLS: set = set()  # run_local's pools in flight
_SAVED_HANDLERS: dict = {}  # signal -> the handler _interrupt replaced
_INTERRUPTED_BY = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL the pool's workers: safe from a signal handler (no lock taken). Closing this process's
    end of the result pipe makes the pool's reader thread see EOF, should a killed worker have left a
    result half-written, instead of waiting forever for its end (that thread is joined at exit)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):  # gone already, or not started
            pass
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()


def _interrupt(signum: int, frame) -> None:
    """SIGTERM / SIGINT while workers run: stop them now, wherever this process is, then end as the
    default would (SIGINT: KeyboardInterrupt; SIGTERM: exit 128 + 15), letting cleanups run."""
    pools = list(_ACTIVE_POOLS)
    for pool in pools:
        _kill_workers(pool)
    if not pools and signum == signal.SIGTERM:  # left installed by a pool closed in another thread
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _register_pool(pool: ProcessPoolExecutor) -> None:
    _ACTIVE_POOLS.add(pool)
    if threading.current_thread() is threading.main_thread():  # signal.signal works there only
        for signum, default in _INTERRUPTED_BY.items():
            if signum not in _SAVED_HANDLERS and signal.getsignal(signum) is default:  # a caller's own handler stays
                _SAVED_HANDLERS[signum] = signal.signal(signum, _interrupt)


def _unregister_pool(pool: ProcessPoolExecutor) -> None:
    _ACTIVE_POOLS.discard(pool)
    if not _ACTIVE_POOLS and threading.current_thread() is threading.main_thread():
        while _SAVED_HANDLERS:
            signum, handler = _SAVED_HANDLERS.popitem()
            signal.signal(signum, handler)


# --- reading ahead: files on disk are read by many requests at once, not one per worker ---------

# A batch's files are hinted to the kernel only when some of its first files are not in memory:
# with a warm page cache the hints would cost three system calls a file and read nothing.
PREFETCH_PROBE_DOCUMENTS = 2
PREFETCH_THREADS = 4  # batches hinted at once: their files' inodes are read by as many requests
_CAN_PREFETCH = hasattr(os, "posix_fadvise") and hasattr(os, "RWF_NOWAIT") and hasattr(os, "preadv")


def _opened(paths: list[str]) -> Iterator[int]:
    """A descriptor of each file, closed once used; a file that cannot be opened is left to the
    worker to report."""
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            yield fd
        finally:
            os.close(fd)


def in_page_cache(paths: list[str]) -> bool:
    """Whether the first page of every file is in memory: a read of one byte that may not wait for
    the disk (RWF_NOWAIT) succeeds."""
    probe = bytearray(1)
    for fd in _opened(paths):
        try:
            os.preadv(fd, [probe], 0, os.RWF_NOWAIT)
        except OSError:  # BlockingIOError: not in memory; others: RWF_NOWAIT unsupported here
            return False
    return True


def hint_reads(paths: list[str]) -> None:
    """Ask the kernel to read the files into the page cache: POSIX_FADV_WILLNEED starts the reads
    and returns, so the disk gets many requests at once instead of one per worker."""
    for fd in _opened(paths):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)


def prefetch(context, batch: list) -> bool:
    """Read ahead the files of a batch that is waiting for a worker, unless its first files are in
    memory already (then so, most likely, is the rest). Runs in a thread of the main process. On
    this machine's disk, with a cold cache, one file read at a time gave 2,500 files/s and eight at
    once 11,500. True when the batch was hinted."""
    if in_page_cache(context.batch_paths(batch[:PREFETCH_PROBE_DOCUMENTS])):
        return False
    hint_reads(context.batch_paths(batch))
    return True


def _prefetch_unless_done(future, context, batch: list) -> None:
    # Should the hints fall behind the workers (a slow file system), batches already checked are
    # skipped, so the backlog drains instead of growing.
    if not future.done():
        prefetch(context, batch)


def batched(items: Iterable, size: int = BATCH_ITEMS) -> Iterator[list]:
    """Lists of `size` items (the last one shorter), taken from `items` only as they are needed."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def run_local(function, context, items: Iterable, workers: int | None = None, progress: bool | None = None,
              total: int | None = None) -> Iterator:
    """function(context, batch) over every batch of items, results yielded in input order.

    `function` is a module-level function (workers find it by name) and `context` is picklable: it is
    sent once to each worker. A context with `batch_paths(batch)` has a waiting batch's files read ahead.

    `items` may be an iterator (then `total` says how many): batches are taken from it as workers
    need them, and at most two batches per worker are in flight. A corpus of a single batch runs in
    this process: starting workers would cost more than the work.
    """
    total = len(items) if total is None else total
    batches = batched(items)
    workers = workers or default_workers()
    bar = _progress_bar(total, progress)
    try:
        if workers <= 1 or total <= BATCH_ITEMS:
            for batch in batches:
                result = function(context, batch)
                bar.update(len(batch))
                yield result
            return
        # Threads: the hints wait on the disk (opening a file reads its inode), not on Python.
        can_prefetch = _CAN_PREFETCH and hasattr(context, "batch_paths")
        reader = ThreadPoolExecutor(max_workers=PREFETCH_THREADS, thread_name_prefix="newsclaims-prefetch") if can_prefetch else None
        mp_context = _mp_context(function.__module__)
        _start_helpers(mp_context)
        with _worker_pool(workers, mp_context, function, context) as pool:
            pending: deque = deque()
            queue = iter(batches)

            def submit(batch: list) -> None:
                future = pool.submit(_run_in_worker, batch)
                pending.append((len(batch), future))
                if reader is not None:
                    reader.submit(_prefetch_unless_done, future, context, batch)

            try:
                for batch in queue:
                    submit(batch)
                    if len(pending) >= 2 * workers:
                        break
                while pending:
                    size, future = pending.popleft()
                    result = future.result()
                    next_batch = next(queue, None)
                    if next_batch is not None:
                        submit(next_batch)
                    bar.update(size)
                    yield result
            finally:
                if reader is not None:
                    reader.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()


@contextmanager
def _worker_pool(workers: int, mp_context, function, context) -> Iterator[ProcessPoolExecutor]:
    """A process pool that, unless its work ended normally (an exception, SIGTERM / SIGINT, or the
    caller dropping run_local's iterator), is stopped at once: its workers are killed rather than
    left to finish the batches in flight."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp_context, initializer=_init_worker, initargs=(function, context))
    _register_pool(pool)
    try:
        yield pool
    except BaseException:
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        _unregister_pool(pool)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, progress: bool | None):
    """A progress bar on a terminal; nothing when output is piped or logged (CI)."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return _NoBar()
    from tqdm import tqdm
    return tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
