"""The project's exceptions: what a command refuses, and why. No exit codes here: cli/ maps each class
to its exit status (a library raising these never prints and never exits).

Bad input is not an exception: it is a list of Problem records (problems.py). An exception is for a
call that cannot go on: a wrong option, a folder that must not be touched, a full disk.
"""

from __future__ import annotations

import errno
import os


class NewsclaimsError(Exception):
    """A command cannot go on; the message names the path and says what to do (never a traceback)."""


class UsageError(NewsclaimsError):
    """A mistake in how the command was called, or a request it refuses (an output folder it must not
    replace, an option out of range)."""


class EnvironmentFailure(NewsclaimsError):
    """The machine refused an operation: the disk is full, the file system is read-only, permission is
    denied. Not a bug and not bad input: the user's environment, with the path and what to do."""

    def __init__(self, message: str, path: str | os.PathLike | None = None):
        super().__init__(message)
        self.path = path


# errno -> what it means for the user and what to do about it.
ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: ("the disk is full", "free some space on that file system (or write elsewhere), then run the command again"),
    errno.EROFS: ("the file system is read-only", "run the command in a writable copy of the project, or remount the file system read-write"),
    errno.EACCES: ("permission is denied", "give your user write access to it (e.g. `chmod u+w`), or run the command in a copy you own"),
    errno.EPERM: ("the operation is not permitted", "check the ownership and attributes of the path (e.g. `ls -ld`, `lsattr`)"),
}
if hasattr(errno, "EDQUOT"):  # not on every platform
    ENVIRONMENT_ERRNOS[errno.EDQUOT] = ("the disk quota is exceeded", "free some space within your quota, then run the command again")


def environment_failure(error: OSError, doing: str = "writing") -> EnvironmentFailure | None:
    """An EnvironmentFailure for an OSError that comes from the machine (disk full, read-only, no
    permission), else None (the caller re-raises: anything else may be a bug)."""
    known = ENVIRONMENT_ERRNOS.get(error.errno)
    if known is None:
        return None
    what, fix = known
    path = error.filename
    where = f" {os.fsdecode(path)}" if path is not None else ""
    return EnvironmentFailure(f"{doing}{where} failed: {what} ({error.strerror or error}); {fix}", path)
