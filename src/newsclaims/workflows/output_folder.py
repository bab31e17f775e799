"""Where a build goes, and how it gets there: only a folder a build wrote (or an empty or absent one) is
ever replaced, and the complete new folder is swapped in atomically, so a crash leaves the last good
one; one build at a time per folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from contextlib import contextmanager
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
import orjson

from ..dataset.manifest import MANIFEST
from ..project import Layout
from .. import errors
from ..errors import EnvironmentFailure, UsageError
TEMP_PREFIX = ".data-build-"
OLD_PREFIX = ".data-old-"


# --- the output folder: a build replaces only a folder a build wrote ------------------------------

SHOWN_NAMES = 5  # a refusal names this many of the files in the way, then says how many more
ELSEWHERE = "--out DIR: a new or empty folder, or one a build wrote; without --out, the project's data/"


@dataclass(frozen=True)
class OutFolder:
    """Where a build goes: `path` is the real folder (a symbolic link's target), `shown` names it as the
    caller did (and where it leads, when that differs)."""

    path: Path
    shown: str

    def state(self) -> str:
        return f"{self.shown} is unchanged" if self.path.exists() else f"{self.shown} was not created"


def _relation(path: Path, other: Path) -> str | None:
    if path == other:
        return "is"
    if other in path.parents:
        return "is inside"
    if path in other.parents:
        return "holds"
    return None


def resolve_out(layout: Layout, data_dir: Path) -> OutFolder:
    """The folder a build may write, from what the caller named; a UsageError (the reason and the fix)
    for a dangling link, a file, the corpus, the schema, the project folder or a folder above it.
    Reads nothing but the paths: a folder's contents are checked under the lock (check_replaceable)."""
    given = Path(data_dir)
    path = Path(os.path.realpath(given))  # through every link, so the swap happens beside the real folder
    if os.path.islink(given):
        shown = f"{given} (a symbolic link to {path})"
    else:
        shown = str(given) if os.path.abspath(given) == str(path) else f"{given} (that is {path})"
    root = Path(os.path.realpath(layout.root))
    guarded = [(root, {"is": "is the project folder", "holds": "is above the project folder"}),  # inside it: data/
               (Path(os.path.realpath(layout.corpus_dir)), {r: f"{r} the corpus folder" for r in ("is", "is inside", "holds")}),
               (Path(os.path.realpath(layout.schema_dir)), {r: f"{r} the schema folder" for r in ("is", "is inside", "holds")})]
    for other, refused in guarded:
        relation = refused.get(_relation(path, other))
        if relation is not None:
            raise UsageError(f"the output folder {shown} {relation} ({other}): a build replaces its output folder whole, so it is never "
                             f"the project folder, a folder above it, the corpus or the schema; build elsewhere ({ELSEWHERE})")
    if os.path.islink(given) and not path.exists():  # after the guards: `mkdir -p` must not make a folder in the corpus
        raise UsageError(f"the output folder {given} is a symbolic link to {os.readlink(given)}, which does not exist; "
                         f"create that folder (mkdir -p {path}) and build again, or remove the link to build into a new folder {given}")
    existing = next(folder for folder in [path, *path.parents] if os.path.lexists(folder))
    if existing == path and not existing.is_dir():
        raise UsageError(f"the output folder {shown} is a file, not a folder: a build writes a folder there and would replace the file; "
                         f"build elsewhere ({ELSEWHERE})")
    if not existing.is_dir():
        raise UsageError(f"the output folder {shown} cannot be made: {existing} is a file, not a folder; build elsewhere ({ELSEWHERE})")
    return OutFolder(path, shown)


def _manifest_files(out: OutFolder) -> set[str] | None:
    """The files the manifest.json of a build folder lists (None: there is no manifest.json)."""
    path = out.path / MANIFEST
    if not os.path.lexists(path):
        return None
    files, why = None, "it is a link or a folder, not a file"
    try:
        if path.is_file() and not path.is_symlink():
            content = orjson.loads(path.read_bytes())
            files = content.get("files") if isinstance(content, dict) and "manifest_format" in content else None
            why = "it has no manifest_format and files"
    except orjson.JSONDecodeError as error:
        why = f"it is not JSON: {error}"
    except OSError as error:
        if error.errno not in errors.ENVIRONMENT_ERRNOS:
            raise
        raise _not_replaceable(out, path, error.errno, "cannot be read") from None
    if not isinstance(files, dict):
        raise UsageError(f"the output folder {out.shown} has a {MANIFEST} that is not a build's manifest ({why}), and a build replaces only "
                         f"a folder a build wrote; if {out.path} is an old build you no longer need, delete it (rm -r {out.path}) and build "
                         f"again, or build elsewhere ({ELSEWHERE})")
    return set(files)


def _survey(folder: Path, listed: set[str]) -> tuple[list[str], list[Path]]:
    """What a build would delete without having written it (paths relative to `folder`, a folder with a
    trailing /: not below it), and every folder under `folder`, which all must be writable."""
    expected_folders = {parent.as_posix() for name in listed for parent in PurePosixPath(name).parents} - {"."}
    foreign, folders, pending = [], [folder], [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False) and name in expected_folders:
                    folders.append(Path(entry.path))
                    pending.append((Path(entry.path), name + "/"))
                elif entry.is_dir(follow_symlinks=False):
                    foreign.append(name + "/")
                elif not (entry.is_file(follow_symlinks=False) and (name in listed or name == MANIFEST)):
                    foreign.append(name)  # a link or anything a build did not write
    return sorted(foreign), folders


def _writable(path: Path, mode: int) -> OSError | None:
    """An OSError saying why `path` does not allow `mode` (read-only file system, or permission), else None."""
    if os.access(path, mode, effective_ids=os.access in os.supports_effective_ids):
        return None
    code = errno.EROFS if os.statvfs(path).f_flag & os.ST_RDONLY else errno.EACCES
    return OSError(code, os.strerror(code), os.fspath(path))


def check_replaceable(out: OutFolder) -> None:
    """Before any work: refuse a folder holding anything a build did not write (UsageError), and a
    folder the build could not replace (EnvironmentFailure): the temporary folder is made beside it,
    and after the swap the old version is deleted whole, so its every folder must be writable."""
    parent = out.path.parent
    problem_path = _writable(parent, os.W_OK | os.X_OK)
    if problem_path is not None:
        failure = errors.environment_failure(problem_path, "creating the build's temporary folder in")
        raise EnvironmentFailure(f"{failure}; nothing was written: {out.state()}", parent)
    if not out.path.exists():
        return
    if os.path.ismount(out.path):  # the swap renames it, which a mount point refuses (EBUSY)
        raise mount_point_refusal(out)
    listed = _manifest_files(out)
    try:
        foreign, folders = _survey(out.path, listed or set())
    except OSError as error:
        if error.errno not in errors.ENVIRONMENT_ERRNOS:
            raise
        raise _not_replaceable(out, Path(error.filename or out.path), error.errno, "cannot be read") from None
    if foreign:
        names = ", ".join(foreign[:SHOWN_NAMES]) + (f" and {len(foreign) - SHOWN_NAMES} more" if len(foreign) > SHOWN_NAMES else "")
        why = ("files that no build wrote (they are not in its manifest.json)" if listed is not None
               else f"files, and it is not a folder a build wrote (it has no {MANIFEST})")
        raise UsageError(f"the output folder {out.shown} holds {why}: {names}; a build replaces the folder whole and would delete them. "
                         f"Move them out of {out.path} and build again, or build elsewhere ({ELSEWHERE})")
    for folder in folders:
        problem_path = _writable(folder, os.R_OK | os.W_OK | os.X_OK)
        if problem_path is not None:
            raise _not_replaceable(out, folder, problem_path.errno, "is not writable")


def mount_point_refusal(out: OutFolder) -> UsageError:
    return UsageError(f"the output folder {out.shown} is a mount point: a build swaps its new version in by renaming the folder, which "
                      f"a mount point does not allow; build into a folder inside it (--out {out.path / 'data'}); nothing was written: {out.state()}")


def _not_replaceable(out: OutFolder, folder: Path, code: int, verb: str) -> EnvironmentFailure:
    what, fix = errors.ENVIRONMENT_ERRNOS[code]
    if code == errno.EACCES:
        fix = f"a build deletes the previous version whole, so its every folder must be readable and writable: `chmod -R u+rwX {out.path}`, then build again"
    return EnvironmentFailure(f"the previous build in {out.shown} cannot be replaced: {folder} {verb} ({what}); {fix}; "
                              f"nothing was written: {out.state()}", folder)


def build_environment_failure(error: OSError, doing: str, path: Path, state: str) -> EnvironmentFailure | OSError:
    """The EnvironmentFailure for an OSError from the machine, naming its file (else `path`) and the
    state it left; any other OSError is returned as it is, for the caller to raise (a bug)."""
    code = error.errno  # pyarrow's errors carry the errno but no file name
    failure = errors.environment_failure(OSError(code, os.strerror(code) if code else str(error), error.filename or os.fspath(path)), doing)
    if failure is None:
        return error
    return EnvironmentFailure(f"{failure}; {state}", failure.path)


# --- publishing: swap the complete new folder in --------------------------------------------------

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def temporary_folder(parent: Path) -> Path:
    """A new folder for the next version beside data/. Made by mkdir, so it has the umask's mode, as a
    new data/ must (mkdtemp's is always 0700)."""
    while True:
        path = parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _old_prefix(data_dir: Path) -> str:
    """Where a non-atomic swap sets aside the old version of data_dir: its name tells whose it is."""
    return f"{OLD_PREFIX}{data_dir.name}."


def publish(new: Path, data_dir: Path, shown: str | None = None) -> None:
    """Make `new` the data folder. With an atomic exchange a reader sees the old or the new folder,
    never a mix; elsewhere the old folder is set aside first and restored by `recover` after a crash.
    A failure before the swap leaves data_dir as it was; one after it (deleting the old version) is an
    EnvironmentFailure that says so."""
    if not data_dir.exists():
        os.replace(new, data_dir)
        return
    if _exchange(new, data_dir):
        old = new  # now holds the old version
    else:
        old = Path(tempfile.mkdtemp(prefix=_old_prefix(data_dir), dir=data_dir.parent))
        os.rmdir(old)
        os.replace(data_dir, old)
        try:
            os.replace(new, data_dir)
        except OSError:
            os.replace(old, data_dir)
            raise
    try:
        shutil.rmtree(old)
    except OSError as error:
        state = (f"{shown or data_dir} holds the new build, complete; what is left of the previous version is in {old}: "
                 f"delete it (chmod -R u+w {old} && rm -r {old})")
        failure = build_environment_failure(error, "after the new build was swapped in, deleting the previous version:", old, state)
        if isinstance(failure, EnvironmentFailure):
            raise failure from None
        raise RuntimeError(f"{error}; {state}") from error  # not an OSError: the caller must not take it for one before the swap


def recover(root: Path, data_dir: Path) -> None:
    """Clean up after a build that was killed: a half-written temporary folder is never published;
    an old version set aside during a non-atomic swap is put back if data/ is missing."""
    for leftover in sorted(root.glob(TEMP_PREFIX + "*")):
        shutil.rmtree(leftover, ignore_errors=True)
    prefix = _old_prefix(data_dir)
    for old in sorted(p for p in root.iterdir() if p.name.startswith(prefix)):  # not another folder's old version
        if not data_dir.exists():
            try:
                os.replace(old, data_dir)
            except OSError as error:
                raise build_environment_failure(error, "putting back the previous version that an interrupted build set aside:", old,
                                   f"{data_dir} is missing and its last good version is {old}: move it back (mv {old} {data_dir})") from None
        else:
            shutil.rmtree(old, ignore_errors=True)


class BuildLocked(UsageError):
    """Another build holds the lock on the same data folder."""


@contextmanager
def build_lock(data_dir: Path):
    """One build at a time per folder holding data folders (they share its temporary folders).

    The lock is flock on the folder itself: nothing is written to the project, and the kernel
    releases it when its holder dies, so a killed build never leaves a stale lock."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, builds must not be run at once
        yield
        return
    try:
        fd = os.open(data_dir.parent, os.O_RDONLY)
    except OSError as error:
        raise build_environment_failure(error, "opening the folder to lock it:", data_dir.parent, f"nothing was written in {data_dir.parent}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is writing in {data_dir.parent}; wait until it ends, then build again") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def sync_tree(folder: Path) -> None:
    """fsync every file and folder, so that after a power cut the swapped-in folder is complete."""
    for path in sorted(folder.rglob("*")) + [folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
