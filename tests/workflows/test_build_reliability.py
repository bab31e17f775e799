"""`newsclaims build` never destroys a user's files: it replaces only a folder a build wrote (or an
empty or absent one), keeps data/'s mode, builds through a link into its target, checks that it can
replace the old version before it starts, and leaves data/ as the last good version on a full disk or
a read-only file system, with no temporary folder behind."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from helpers.project import REPO, copy_project
from helpers.hostile import HostileCase, can_mount, check_outcome, run_hostile, snapshot
from helpers.project import add_copy_of_seed, tree_digest

from newsclaims.workflows import build as build_flow
from newsclaims.workflows import output_folder as build_module
from newsclaims.workflows.output_folder import OLD_PREFIX, TEMP_PREFIX, check_replaceable, resolve_out
from newsclaims.workflows.build import build
from newsclaims.cli import main
from newsclaims.project import Layout
from newsclaims.errors import EnvironmentFailure, UsageError
from newsclaims.dataset.manifest import verify

PAGE = 4096


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory) -> Path:
    """One build of the repo's corpus, copied into each project that needs a data/ (a build per test
    would double the time of this file)."""
    project = copy_project(REPO, tmp_path_factory.mktemp("prebuilt") / "project")
    assert not build(Layout(project)).problems
    return project / "data"


def put_data(project: Path, prebuilt: Path, where: Path | None = None) -> Path:
    """A build's data/ at `where` (default: the project's data/), modes as a build made them."""
    target = where or project / "data"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(prebuilt, target, symlinks=True)
    return target


def _pages(folder: Path) -> int:
    return sum(-(-p.stat().st_size // PAGE) for p in folder.rglob("*") if p.is_file())


# --- setups (project, tmp): each runs in a fresh copy of the project ------------------------------

def _user_folder(project: Path, tmp: Path) -> None:  # u=$(mktemp -d); echo k > $u/a.txt
    (tmp / "u").mkdir()
    (tmp / "u" / "a.txt").write_text("k\n")


def _readme(project: Path, tmp: Path) -> None:
    (project / "README.md").write_bytes((REPO / "README.md").read_bytes())


def _data(project: Path, tmp: Path) -> None:
    put_data(project, tmp / "prebuilt")


def _notes_in_data(project: Path, tmp: Path) -> None:  # echo n > data/NOTES.txt
    _data(project, tmp)
    (project / "data" / "NOTES.txt").write_text("n\n")


def _data_0750(project: Path, tmp: Path) -> None:
    _data(project, tmp)
    (project / "data").chmod(0o750)


def _data_link(project: Path, tmp: Path) -> None:  # data -> a build folder elsewhere
    put_data(project, tmp / "prebuilt", tmp / "store" / "data")
    (project / "data").symlink_to(tmp / "store" / "data")


def _dangling_link(project: Path, tmp: Path) -> None:
    (project / "data").symlink_to(tmp / "nowhere")


def _link_to_user_folder(project: Path, tmp: Path) -> None:
    _user_folder(project, tmp)
    (project / "data").symlink_to(tmp / "u")


def _read_only_data(project: Path, tmp: Path) -> None:  # chmod 555 data
    _data(project, tmp)
    (project / "data").chmod(0o555)


def _unreadable_manifest(project: Path, tmp: Path) -> None:  # chmod 000 data/manifest.json
    _data(project, tmp)
    (project / "data" / "manifest.json").chmod(0)


def _small_disk(project: Path, tmp: Path) -> None:
    """The tmpfs of the full-disk case: the project and its data/ fit, a second data/ does not."""
    _data(project, tmp)
    (tmp / "tmpfs-size").write_text(f"{(_pages(project) + _pages(project / 'data') // 2) * PAGE // 1024}k")


# The full-disk case: a small tmpfs at the project's parent ({tmp}/disk) holds a copy of the project;
# the build runs in it; once it exits, what it left is copied back over the real project (seen
# beside the tmpfs through a bind mount), so that the harness compares that with the project before.
SMALL_DISK = (
    "mkdir -p {tmp}/real && mount --bind {tmp}/disk {tmp}/real",
    "mount -t tmpfs -o size=$(cat {tmp}/tmpfs-size) tmpfs {tmp}/disk",
    "cp -a {tmp}/real/project {tmp}/disk/project && cd {project}",
    # $$ is the build once sh execs it; it stays a zombie until the harness reaps it, which is after
    # this job ends: it holds the output pipes open, and the harness reads them to their end first
    ("{{ (while kill -0 $$ 2>/dev/null && ! grep -q '^State:.*Z' /proc/$$/status; do sleep 0.05; done; "
     "rm -rf {tmp}/real/project && cp -a {project} {tmp}/real/project && touch {tmp}/copied-back) & }}"),
)
DATA_BIND_MOUNT = ("mount --bind {project}/data {project}/data", "cd {project}")  # as a container's volume at data/
READ_ONLY_ROOT = ("mount --bind {project} {project}", "mount -o remount,bind,ro {project}", "cd {project}")

CASES = [
    HostileCase("out-corpus", "build --out corpus: the corpus as the output folder (every corpus file deleted, exit 0)",
                ["build", "--out", "corpus"], 2, says=("corpus is the corpus folder", "{project}/corpus", "--out DIR")),
    HostileCase("out-user-folder", "build --out a folder of the user's (mktemp -d holding a.txt): a.txt deleted",
                ["build", "--out", "{tmp}/u"], 2, setup=_user_folder, watch=("u",),
                says=("a.txt", "no manifest.json", "Move them out of", "--out DIR")),
    HostileCase("out-file", "build --out README.md: the file turned into a folder, the user's file hidden as .data-build-*",
                ["build", "--out", "README.md"], 2, setup=_readme, says=("README.md is a file, not a folder", "--out DIR")),
    HostileCase("out-project-root", "build --out .: the project folder itself as the output folder",
                ["build", "--out", "."], 2, says=("is the project folder", "{project}", "--out DIR")),
    HostileCase("out-above-project", "build --out ..: a folder above the project",
                ["build", "--out", ".."], 2, says=("is above the project folder", "{project}", "--out DIR")),
    HostileCase("user-file-in-data", "echo n > data/NOTES.txt; build: the user's file in data/ deleted",
                ["build"], 2, setup=_notes_in_data,
                says=("{project}/data", "no build wrote", "NOTES.txt", "Move them out of {project}/data")),
    HostileCase("data-mode-kept", "build over a data/ of mode 0750: it came back 0700 (mkdtemp's)",
                ["build"], 0, setup=_data_0750, says=("built",)),  # the same corpus: every byte and mode unchanged
    HostileCase("data-symlink", "data/ a symbolic link to a build folder elsewhere: the link replaced, left as .data-build-*",
                ["build"], 0, setup=_data_link, watch=("store",), says=("built",)),
    HostileCase("data-dangling-link", "data/ a symbolic link to nothing",
                ["build"], 2, setup=_dangling_link, says=("is a symbolic link to", "does not exist", "mkdir -p")),
    HostileCase("data-link-to-user-folder", "data/ a symbolic link to a folder of the user's",
                ["build"], 2, setup=_link_to_user_folder, watch=("u",), says=("a symbolic link to", "a.txt", "Move them out of")),
    HostileCase("data-read-only", "chmod 555 data; build (unprivileged): the new version swapped in, then a PermissionError",
                ["build"], 3, setup=_read_only_data, unprivileged=True,
                says=("{project}/data is not writable", "chmod -R u+rwX {project}/data", "{project}/data is unchanged")),
    HostileCase("data-manifest-unreadable", "chmod 000 data/manifest.json; build (unprivileged)",
                ["build"], 3, setup=_unreadable_manifest, unprivileged=True,
                says=("{project}/data/manifest.json cannot be read", "chmod -R u+rwX {project}/data", "{project}/data is unchanged")),
    HostileCase("data-mount-point", "data/ a mount point (a bind mount, as a container's volume): it cannot be renamed",
                ["build"], 2, setup=_data, mounts=DATA_BIND_MOUNT,
                says=("{project}/data is a mount point", "--out {project}/data/data", "{project}/data is unchanged")),
    HostileCase("project-read-only", "build in a project on a read-only file system",
                ["build"], 3, setup=_data, mounts=READ_ONLY_ROOT,
                says=("{project} failed: the file system is read-only", "writable copy", "{project}/data is unchanged")),
    HostileCase("disk-full", "build on a disk that fills up half-way through the new version",
                ["build"], 3, setup=_small_disk, mounts=SMALL_DISK,
                says=("writing the new version in {project} failed: the disk is full", "free some space", "{project}/data is unchanged",
                      "temporary folder was removed")),
]


# LEAD: exit 3 for an EnvironmentFailure is cli.main's (the CLI branch). Until it is merged the build's
# EnvironmentFailure shows as "internal error: EnvironmentFailure: ..." with exit 2: those cases check
# everything else (the message, the files, no leftovers), then xfail. Once merged, set this to True.
CLI_MAPS_ENVIRONMENT_FAILURE = True


def _unmapped_environment_failure(case, outcome) -> bool:
    """Whether the CLI reported the build's EnvironmentFailure as an internal error (the library did raise it)."""
    return (not CLI_MAPS_ENVIRONMENT_FAILURE and case.exit == 3 and outcome.returncode == 2
            and "internal error: EnvironmentFailure:" in outcome.stderr)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_build(case, tmp_path, prebuilt):
    if case.mounts and not can_mount():
        pytest.skip("no private mount namespace here (needs root and unshare)")
    shutil.copytree(prebuilt, tmp_path / "prebuilt")
    project = copy_project(REPO, tmp_path / ("disk" if case.mounts == SMALL_DISK else "") / "project")
    outcome = run_hostile(case, project, tmp_path)
    broken = check_outcome(case, outcome, project)
    unmapped = _unmapped_environment_failure(case, outcome)
    if unmapped:  # only the exit code and the "internal error" wording are the CLI's
        broken = [item for item in broken if not item.startswith(("exit 2,", "an internal error"))]
    assert not broken, (broken, outcome.output[-2000:])
    if case.name == "data-mode-kept":
        assert stat.S_IMODE((project / "data").stat().st_mode) == 0o750
    if case.name == "data-symlink":
        assert (project / "data").is_symlink() and not list((tmp_path / "store").glob(".data-*"))
    if case.name == "disk-full":  # it did run out of space, and what it left on the tmpfs was copied back
        assert "No space left on device" in outcome.stderr, outcome.stderr
        assert (tmp_path / "copied-back").exists()  # (the harness waits for it: it holds the output pipes open)
    if unmapped:
        pytest.xfail("cli.main does not map EnvironmentFailure to exit 3 on this branch (CLI_MAPS_ENVIRONMENT_FAILURE)")


# --- library level ---------------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path, prebuilt) -> Path:
    root = copy_project(REPO, tmp_path / "project")
    put_data(root, prebuilt)
    return root


def test_a_build_through_a_link_replaces_the_target_and_keeps_the_link(project, tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (project / "data").rename(store / "data")
    (project / "data").symlink_to(store / "data")
    before = tree_digest(store / "data")
    add_copy_of_seed(project, "copy-01")  # a different corpus: the target must change
    assert main(["--root", str(project), "split"]) == 0
    assert not build(Layout(project)).problems
    assert (project / "data").is_symlink() and os.readlink(project / "data") == str(store / "data")
    assert tree_digest(store / "data") != before and "documents/train-00000-of-00001.parquet" in tree_digest(store / "data")
    assert sorted(p.name for p in store.iterdir()) == ["data"]  # the temporary folder was beside the target, and is gone
    assert sorted(p.name for p in project.iterdir()) == ["CHANGELOG.md", "corpus", "data", "schema"]


def test_a_new_folder_gets_the_umask_mode_and_an_old_one_keeps_its_own(project, tmp_path):
    old_mask = os.umask(0o027)
    try:
        assert not build(Layout(project), tmp_path / "new").problems
    finally:
        os.umask(old_mask)
    modes = {p.relative_to(tmp_path / "new").as_posix(): stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "new").rglob("*")}
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o750
    assert modes["claims"] == 0o750 and modes["manifest.json"] == 0o640 and modes["claims/train-00000-of-00001.parquet"] == 0o640
    (project / "data").chmod(0o711)
    assert not build(Layout(project)).problems
    assert stat.S_IMODE((project / "data").stat().st_mode) == 0o711


def test_an_empty_folder_and_a_manifest_only_folder_are_replaced(project, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not build(Layout(project), empty).problems
    assert (empty / "manifest.json").is_file()
    only = tmp_path / "only"
    only.mkdir()
    (only / "manifest.json").write_bytes((project / "data" / "manifest.json").read_bytes())
    assert not build(Layout(project), only).problems
    assert tree_digest(only) == tree_digest(project / "data")


@pytest.mark.parametrize("content, says", [(b"{not json", "it is not JSON"), (b'{"files": []}', "no manifest_format and files"),
                                           (b'{"manifest_format": 1, "files": "x"}', "no manifest_format and files")])
def test_a_folder_whose_manifest_is_not_a_builds_is_refused(project, content, says):
    (project / "data" / "manifest.json").write_bytes(content)
    before = snapshot(project)
    with pytest.raises(UsageError) as refused:
        build(Layout(project))
    assert says in str(refused.value) and f"rm -r {project / 'data'}" in str(refused.value)
    assert snapshot(project) == before


def test_a_link_or_an_unlisted_folder_inside_data_is_not_a_builds(project, tmp_path):
    (project / "data" / "claims" / "mine").symlink_to(tmp_path)
    (project / "data" / "extra").mkdir()
    with pytest.raises(UsageError) as refused:
        check_replaceable(resolve_out(Layout(project), project / "data"))
    assert "claims/mine, extra/" in str(refused.value)


def test_out_inside_the_corpus_or_the_schema_and_a_file_on_the_way_are_refused(project):
    layout = Layout(project)
    for out, says in [(project / "corpus" / "documents", "is inside the corpus folder"), (project / "schema", "is the schema folder"),
                      (project / "CHANGELOG.md" / "x", "CHANGELOG.md is a file, not a folder")]:
        with pytest.raises(UsageError, match=says):
            resolve_out(layout, out)
    assert resolve_out(layout, project / "elsewhere" / "new").path == project / "elsewhere" / "new"


def test_a_failure_deleting_the_old_version_after_the_swap_says_data_holds_the_new_build(project, monkeypatch):
    before = tree_digest(project / "data")
    add_copy_of_seed(project, "copy-01")
    assert main(["--root", str(project), "split"]) == 0
    real_rmtree = shutil.rmtree

    def denied(path, *args, **kwargs):  # as a folder of the old version that cannot be emptied
        if not Path(path).name.startswith(TEMP_PREFIX):
            return real_rmtree(path, *args, **kwargs)
        if not kwargs.get("ignore_errors"):
            raise PermissionError(errno.EACCES, "Permission denied", str(Path(path) / "claims"))
    monkeypatch.setattr(build_module.shutil, "rmtree", denied)
    with pytest.raises(EnvironmentFailure) as failed:
        build(Layout(project))
    monkeypatch.undo()
    leftover, = [p for p in project.iterdir() if p.name.startswith(TEMP_PREFIX)]
    message = str(failed.value)
    assert f"{project / 'data'} holds the new build, complete" in message
    assert f"what is left of the previous version is in {leftover}: delete it (chmod -R u+w {leftover} && rm -r {leftover})" in message
    assert tree_digest(project / "data") != before and verify(project / "data") == []
    assert tree_digest(leftover) == before  # the old version, whole: nothing was mixed
    assert not build(Layout(project)).problems  # the next build removes it
    assert not [p for p in project.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_without_an_atomic_exchange_a_failed_second_rename_puts_the_old_version_back(project, monkeypatch):
    before = tree_digest(project / "data")
    add_copy_of_seed(project, "copy-01")
    assert main(["--root", str(project), "split"]) == 0
    monkeypatch.setattr(build_module, "_exchange", lambda a, b: False)
    real_replace = os.replace

    def full(source, destination):
        if Path(source).name.startswith(TEMP_PREFIX):
            raise OSError(errno.ENOSPC, "No space left on device", str(destination))
        return real_replace(source, destination)
    monkeypatch.setattr(build_module.os, "replace", full)
    with pytest.raises(EnvironmentFailure, match="the disk is full"):
        build(Layout(project))
    assert tree_digest(project / "data") == before
    assert not [p.name for p in project.iterdir() if p.name.startswith((TEMP_PREFIX, OLD_PREFIX))]


def test_recover_puts_back_only_the_old_version_of_the_same_folder(tmp_path):
    (tmp_path / f"{OLD_PREFIX}one.abcd1234").mkdir()
    build_module.recover(tmp_path, tmp_path / "two")
    assert not (tmp_path / "two").exists() and (tmp_path / f"{OLD_PREFIX}one.abcd1234").is_dir()
    build_module.recover(tmp_path, tmp_path / "one")
    assert (tmp_path / "one").is_dir() and not list(tmp_path.glob(OLD_PREFIX + "*"))


def test_a_dangling_link_into_the_corpus_is_refused_as_the_corpus_not_with_a_mkdir_hint(project):
    shutil.rmtree(project / "data")
    (project / "data").symlink_to(project / "corpus" / "built")
    with pytest.raises(UsageError) as refused:
        build(Layout(project))
    assert "is inside the corpus folder" in str(refused.value) and "mkdir" not in str(refused.value)
    assert not (project / "corpus" / "built").exists()


def test_a_file_put_in_data_during_the_build_is_not_deleted(project, monkeypatch):
    add_copy_of_seed(project, "copy-01")
    assert main(["--root", str(project), "split"]) == 0
    before = tree_digest(project / "data")
    real_sync = build_module.sync_tree

    def user_writes_meanwhile(folder):
        real_sync(folder)
        (project / "data" / "NOTES.txt").write_text("n\n")
    monkeypatch.setattr(build_flow, "sync_tree", user_writes_meanwhile)
    with pytest.raises(UsageError, match="holds files that no build wrote .*: NOTES.txt"):
        build(Layout(project))
    assert (project / "data" / "NOTES.txt").read_text() == "n\n"
    (project / "data" / "NOTES.txt").unlink()
    assert tree_digest(project / "data") == before
    assert not [p.name for p in project.iterdir() if p.name.startswith(".data-")]


def test_a_mount_point_is_refused_before_anything_is_written(project, monkeypatch):
    real_ismount = os.path.ismount
    monkeypatch.setattr(build_module.os.path, "ismount", lambda path: Path(path) == project / "data" or real_ismount(path))
    before = snapshot(project)
    with pytest.raises(UsageError) as refused:
        build(Layout(project))
    assert f"{project / 'data'} is a mount point" in str(refused.value) and f"(--out {project / 'data' / 'data'})" in str(refused.value)
    assert snapshot(project) == before
