"""Hostile commands: one harness for "no command ever destroys a user's files" (the reliability cases).

A case sets up a copy of a project, runs one `newsclaims` command in a subprocess (as a user would,
with its own environment, optionally unprivileged or in a mount namespace), and is judged on what a
user sees: no traceback, the documented exit code, a message naming the path and the fix, and every
file of the project byte-identical (and with the same mode) afterwards, but for the paths the case
allows the command to write. `scripts/fuzz.py --catalogue` renders the cases into docs/bad-input.md.

Root (as CI runs) is not refused by permission bits: an `unprivileged` case runs the command with
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER dropped (setpriv), so that a `chmod 555` bites.
A `mount` case runs it in a private mount namespace (unshare -m) after the given mount commands (a
read-only bind mount, a tiny tmpfs for a full disk); it is skipped where namespaces are not allowed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TRACEBACK = "Traceback (most recent call last)"
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable", "--"]


@dataclass
class HostileCase:
    """One hostile command. `argv` (after `newsclaims`) and `mounts` may use {project} and {tmp}."""

    name: str                       # short, unique; the test id
    what: str                       # what it tries, for people (docs/bad-input.md)
    argv: list[str]
    exit: int                       # the documented exit status
    says: tuple[str, ...] = ()      # fragments the output (stdout + stderr) must hold: the path, the fix
    setup: Callable[[Path, Path], None] | None = None   # (project, tmp) -> None, before the snapshot
    may_write: tuple[str, ...] = ()  # paths relative to the project (prefixes) the command may change
    env: dict[str, str] = field(default_factory=dict)
    unprivileged: bool = False
    mounts: tuple[str, ...] = ()    # shell commands run in a private mount namespace before the command
    stdout_closed_after: int | None = None  # read this many bytes of stdout, then close it (`| head -c N`)
    watch: tuple[str, ...] = ()     # paths outside the project (relative to tmp) that must not change either


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    changed: list[str]              # project paths that changed and were not allowed to

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def snapshot(folder: Path) -> dict[str, tuple]:
    """path -> (kind, mode, content hash or link target) of everything under folder (links not followed)."""
    entries: dict[str, tuple] = {}
    if not os.path.lexists(folder):
        return entries
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            relative = path.relative_to(folder).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                entries[relative] = ("link", 0, os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                entries[relative] = ("dir", stat.S_IMODE(info.st_mode), "")
            elif stat.S_ISREG(info.st_mode):
                try:
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
                entries[relative] = ("file", stat.S_IMODE(info.st_mode), digest)
            else:
                entries[relative] = ("special", stat.S_IMODE(info.st_mode), "")
    return entries


def changed_paths(before: dict[str, tuple], after: dict[str, tuple], allowed: tuple[str, ...]) -> list[str]:
    def is_allowed(path: str) -> bool:
        return any(path == prefix or path.startswith(prefix.rstrip("/") + "/") for prefix in allowed)

    return sorted(path for path in set(before) | set(after)
                  if before.get(path) != after.get(path) and not is_allowed(path))


def command(case: HostileCase, project: Path, tmp: Path) -> list[str]:
    argv = [part.format(project=project, tmp=tmp) for part in case.argv]
    run = [sys.executable, "-m", "newsclaims", *argv]
    if case.unprivileged and os.geteuid() == 0:
        run = [*UNPRIVILEGED, *run]
    if case.mounts:
        script = " && ".join(m.format(project=project, tmp=tmp) for m in case.mounts)
        quoted = " ".join(_shell_quote(part) for part in run)
        run = ["unshare", "-m", "sh", "-c", f"{script} && exec {quoted}"]
    return run


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def can_mount() -> bool:
    """Whether a private mount namespace with a tmpfs can be made here (root, CAP_SYS_ADMIN)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


def run_hostile(case: HostileCase, project: Path, tmp: Path, timeout: float = 300) -> Outcome:
    """Set up, snapshot, run, snapshot again. The project is a folder the caller made (a copy)."""
    if case.setup is not None:
        case.setup(project, tmp)
    watched = [tmp / path for path in case.watch]
    before = snapshot(project)
    before_watched = [snapshot(path) for path in watched]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **case.env}
    env.pop("NEWSCLAIMS_DEBUG", None)
    run = command(case, project, tmp)
    if case.stdout_closed_after is None:
        completed = subprocess.run(run, cwd=project, env=env, capture_output=True, timeout=timeout)
        stdout, stderr, returncode = completed.stdout, completed.stderr, completed.returncode
    else:  # a reader that stops early, as `| head -c N` does
        process = subprocess.Popen(run, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout = process.stdout.read(case.stdout_closed_after)
        process.stdout.close()
        stderr = process.stderr.read()
        returncode = process.wait(timeout=timeout)
    after = snapshot(project)
    changed = changed_paths(before, after, case.may_write)
    for path, old in zip(watched, before_watched):
        changed += [f"{path}/{name}" for name in changed_paths(old, snapshot(path), ())]
    return Outcome(returncode, stdout.decode("utf-8", "backslashreplace"), stderr.decode("utf-8", "backslashreplace"), changed)


def check_outcome(case: HostileCase, outcome: Outcome, project: Path) -> list[str]:
    """What broke the promise, in words (empty: the case holds)."""
    broken = []
    if TRACEBACK in outcome.output:
        broken.append("a traceback was shown")
    if "internal error" in outcome.output:
        broken.append("an internal error was reported")
    if outcome.returncode != case.exit:
        broken.append(f"exit {outcome.returncode}, documented {case.exit}")
    for fragment in case.says:
        fragment = fragment.format(project=project)
        if fragment not in outcome.output:
            broken.append(f"the output does not say {fragment!r}")
    if outcome.changed:
        broken.append(f"files changed that the command must leave alone: {outcome.changed[:10]}")
    leftovers = [p.name for p in project.glob(".data-*")]
    if leftovers:
        broken.append(f"leftover temporary folders: {leftovers}")
    return broken
