"""The command line in a hostile environment: an ASCII terminal, a reader that goes away (`| head -1`),
an option out of range, a read-only file system, a full disk, no permission, Ctrl-C. Each ends with
the documented exit code (0 ok, 1 problems, 2 usage, 3 environment failure, 130 interrupted), a
message naming the path and the fix, no traceback, and the user's files unchanged."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.project import MINI, copy_project
from helpers.hostile import HostileCase, Outcome, can_mount, check_outcome, run_hostile
from newsclaims import cli
from newsclaims.cli import codes as codes_command
from newsclaims.errors import EnvironmentFailure

MANY_PROBLEMS = 1500  # misnamed documents: about 290 kB of report, far more than a pipe's 64 kB buffer
GONE = 5000           # documents splits.json lists that are not in the corpus: about 280 kB of `removed` lines


# --- setups (project, tmp) -------------------------------------------------------------------------

def _non_ascii_document(project: Path, tmp: Path) -> None:  # cp mini-doc.txt Zoë.txt
    documents = project / "corpus" / "documents"
    shutil.copy(documents / "mini-doc.txt", documents / "Zoë.txt")


def _astral_document(project: Path, tmp: Path) -> None:  # beyond U+FFFF: a surrogate pair in JSON
    documents = project / "corpus" / "documents"
    shutil.copy(documents / "mini-doc.txt", documents / "Zoë😀.txt")


def _many_problems(project: Path, tmp: Path) -> None:
    for index in range(MANY_PROBLEMS):
        (project / "corpus" / "documents" / f"Bad_{index}.txt").write_bytes(b"")


def _set_splits(project: Path, documents: dict[str, str]) -> None:
    path = project / "corpus" / "splits.json"
    splits = json.loads(path.read_text())
    splits["documents"] = documents
    path.write_text(json.dumps(splits, indent=2) + "\n")


def _many_gone(project: Path, tmp: Path) -> None:
    _set_splits(project, {"mini-doc": "train", **{f"gone-{index:05d}": "train" for index in range(GONE)}})


def _unassigned(project: Path, tmp: Path) -> None:  # a new document: split has splits.json to write
    _set_splits(project, {})


def _unassigned_read_only_corpus(project: Path, tmp: Path) -> None:  # chmod 555 corpus
    _unassigned(project, tmp)
    (project / "corpus").chmod(0o555)


def _full_disk_folder(project: Path, tmp: Path) -> None:
    (tmp / "full").mkdir()


ASCII = {"PYTHONIOENCODING": "ascii"}
READ_ONLY = ("mount --bind {project} {project}", "mount -o remount,bind,ro {project}", "cd {project}")
READ_ONLY_CORPUS = ("mount --bind {project}/corpus {project}/corpus", "mount -o remount,bind,ro {project}/corpus", "cd {project}")
FULL_DISK = ("mount -t tmpfs -o size=20k tmpfs {tmp}/full",)  # a few pages: the first shard fills it

CASES = [
    # 13: output the terminal cannot encode
    HostileCase("ascii-terminal", "PYTHONIOENCODING=ascii; validate a corpus holding corpus/documents/Zoë.txt",
                ["validate"], 1, setup=_non_ascii_document, env=ASCII,
                says=("corpus/documents/Zo\\u00eb.txt: unexpected-file", "Name the file <doc_id>.txt", "1 problem in 1 file")),
    HostileCase("ascii-terminal-json", "PYTHONIOENCODING=ascii; validate --format json, a file named Zoë😀.txt",
                ["validate", "--format", "json"], 1, setup=_astral_document, env=ASCII,
                says=('"file": "corpus/documents/Zo\\u00eb\\ud83d\\ude00.txt"',)),
    HostileCase("ascii-terminal-build", "PYTHONIOENCODING=ascii; build a corpus holding corpus/documents/Zoë.txt",
                ["build"], 1, setup=_non_ascii_document, env=ASCII,
                says=("build refused", "corpus/documents/Zo\\u00eb.txt", "Name the file <doc_id>.txt")),
    HostileCase("ascii-terminal-usage", "PYTHONIOENCODING=ascii; validate corpus/Zoë.json (no such file)",
                ["validate", "corpus/Zoë.json"], 2, env=ASCII, says=("no such file or folder: corpus/Zo\\u00eb.json",)),
    # 14: a reader that goes away (`| head -1`): the command finishes, with its own exit status
    HostileCase("closed-pipe-validate", "validate | head -1 with 1500 problems (290 kB of report)",
                ["validate"], 1, setup=_many_problems, stdout_closed_after=100),
    # (one large write, as --format json makes, is cut short instead: test_stdout_on_a_closed_pipe_... has it)
    HostileCase("closed-pipe-build", "build | head -1 of a corpus with 1500 problems (refused, nothing written)",
                ["build"], 1, setup=_many_problems, stdout_closed_after=100, says=("build refused",)),
    HostileCase("closed-pipe-split", "split | head -1 with 5000 documents gone from the corpus: splits.json still written",
                ["split"], 0, setup=_many_gone, stdout_closed_after=100, may_write=("corpus/splits.json",)),
    # codes writes 4 kB: it only meets a closed pipe when the reader is gone before its first line
    HostileCase("closed-pipe-codes", "codes | head -c 0: the reader gone before the first line",
                ["codes"], 0, stdout_closed_after=0),
    # 15: numeric options out of range: a usage error naming the option and its range
    HostileCase("shard-mb-nan", "build --shard-mb nan", ["build", "--shard-mb", "nan"], 2,
                says=("argument --shard-mb: must be a finite number above 0", "got 'nan'")),
    HostileCase("shard-mb-inf", "build --shard-mb inf", ["build", "--shard-mb", "inf"], 2,
                says=("argument --shard-mb: must be a finite number above 0", "got 'inf'")),
    HostileCase("shard-mb-zero", "build --shard-mb 0", ["build", "--shard-mb", "0"], 2,
                says=("argument --shard-mb: must be a finite number above 0",)),
    HostileCase("validate-workers-0", "validate --workers 0 (build refused it, validate took it)",
                ["validate", "--workers", "0"], 2, says=("argument --workers: must be a whole number from 1 to 1024", "got '0'")),
    HostileCase("build-workers-huge", "build --workers 100000", ["build", "--workers", "100000"], 2,
                says=("argument --workers: must be a whole number from 1 to 1024",)),
    HostileCase("synth-docs-0", "synth --docs 0", ["synth", "--docs", "0", "--out", "{tmp}/s"], 2, watch=("s",),
                says=("argument --docs: must be a whole number from 1 to 9999999",)),
    HostileCase("synth-seed-negative", "synth --seed -1", ["synth", "--docs", "3", "--seed", "-1", "--out", "{tmp}/s"], 2,
                watch=("s",), says=("argument --seed: must be a whole number of at least 0", "got '-1'")),
    HostileCase("synth-errors-negative", "synth --errors -1", ["synth", "--docs", "3", "--errors", "-1", "--out", "{tmp}/s"], 2,
                watch=("s",), says=("argument --errors: must be a whole number of at least 0",)),
    HostileCase("synth-workers-0", "synth --workers 0", ["synth", "--docs", "3", "--workers", "0", "--out", "{tmp}/s"], 2,
                watch=("s",), says=("argument --workers: must be a whole number from 1 to 1024",)),
    HostileCase("synth-docs-text", "synth --docs many", ["synth", "--docs", "many", "--out", "{tmp}/s"], 2,
                watch=("s",), says=("argument --docs: must be a whole number", "got 'many'")),
    # 16: the machine refuses: exit 3, the path and what to do
    HostileCase("split-read-only-corpus", "split with a new document, corpus/ on a read-only file system",
                ["split"], 3, setup=_unassigned, mounts=READ_ONLY_CORPUS,
                says=("writing splits.json into {project}/corpus failed: the file system is read-only", "writable copy")),
    HostileCase("split-no-permission", "chmod 555 corpus; split with a new document (unprivileged)",
                ["split"], 3, setup=_unassigned_read_only_corpus, unprivileged=True,
                says=("writing splits.json into {project}/corpus failed: permission is denied", "chmod u+w")),
    HostileCase("build-read-only-root", "build in a project on a read-only file system",
                ["build"], 3, mounts=READ_ONLY,
                says=("{project} failed: the file system is read-only", "writable copy")),
    HostileCase("build-full-disk", "build --out onto a full disk (a 20 kB tmpfs)",
                ["build", "--out", "{tmp}/full/data"], 3, setup=_full_disk_folder, mounts=FULL_DISK,
                says=("full/data", "the disk is full", "free some space")),
    HostileCase("synth-full-disk", "synth --out onto a full disk (a 20 kB tmpfs)",
                ["synth", "--docs", "300", "--out", "{tmp}/full/s"], 3, setup=_full_disk_folder, mounts=FULL_DISK,
                says=("writing ", "full/s/", "failed: the disk is full", "free some space")),
    HostileCase("synth-full-disk-documents", "synth --out onto a disk that fills up while documents are written (200 kB)",
                ["synth", "--docs", "300", "--out", "{tmp}/full/s"], 3, setup=_full_disk_folder,
                mounts=("mount -t tmpfs -o size=200k tmpfs {tmp}/full",),
                says=("writing ", "full/s failed: the disk is full", "free some space")),
    HostileCase("validate-read-only-root", "validate in a project on a read-only file system (it writes nothing)",
                ["validate"], 0, mounts=READ_ONLY, says=("ok: ",)),
]


def _quiet_about_the_pipe(project: Path, outcome: Outcome) -> None:
    assert "Broken pipe" not in outcome.stderr and "Exception ignored" not in outcome.stderr, outcome.stderr


def _json_reads_back(project: Path, outcome: Outcome) -> None:  # the escapes are JSON's: the name comes back exact
    assert json.loads(outcome.stdout)["problems"][0]["file"] == "corpus/documents/Zoë😀.txt"


def _splits_written(project: Path, outcome: Outcome) -> None:
    _quiet_about_the_pipe(project, outcome)
    assert json.loads((project / "corpus" / "splits.json").read_text())["documents"] == {"mini-doc": "train"}


AFTER = {"ascii-terminal-json": _json_reads_back, "closed-pipe-validate": _quiet_about_the_pipe,
         "closed-pipe-build": _quiet_about_the_pipe,
         "closed-pipe-split": _splits_written, "closed-pipe-codes": _quiet_about_the_pipe}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_cli(case, tmp_path):
    if case.mounts and not can_mount():
        pytest.skip("no private mount namespace here (needs root and unshare)")
    project = copy_project(MINI, tmp_path / "project")
    outcome = run_hostile(case, project, tmp_path)
    broken = check_outcome(case, outcome, project)
    assert not broken, (broken, outcome.output[-2000:])
    if case.name in AFTER:
        AFTER[case.name](project, outcome)


# --- a reader gone before the command starts: every write meets a closed pipe -------------------------

def _run_into_a_closed_pipe(project: Path, argv: list[str], stderr_too: bool) -> subprocess.CompletedProcess:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run([sys.executable, "-m", "newsclaims", *argv], check=False, cwd=project, stdout=writer,
                              stderr=writer if stderr_too else subprocess.PIPE, timeout=300)
    finally:
        os.close(writer)


@pytest.mark.parametrize("argv, setup, status", [
    (["codes"], None, 0),
    (["--help"], None, 0),
    (["validate"], None, 0),
    (["validate", "--format", "json"], _many_problems, 1),
    (["build"], _many_problems, 1),
    (["build"], None, 0),
    (["split"], _many_gone, 0),
], ids=["codes", "help", "validate", "validate-problems", "build-refused", "build", "split"])
def test_stdout_on_a_closed_pipe_ends_quietly_with_the_commands_status(tmp_path, argv, setup, status):
    """`newsclaims ... | true`: stdout a pipe whose reader has gone, so no race with the reader."""
    project = copy_project(MINI, tmp_path / "project")
    if setup is not None:
        setup(project, tmp_path)
    completed = _run_into_a_closed_pipe(project, argv, stderr_too=False)
    stderr = completed.stderr.decode()
    assert completed.returncode == status, stderr
    assert not any(word in stderr for word in ("Traceback", "internal error", "Broken pipe", "Exception ignored")), stderr
    if argv == ["split"]:
        assert json.loads((project / "corpus" / "splits.json").read_text())["documents"] == {"mini-doc": "train"}
    if argv == ["build"] and status == 0:
        assert (project / "data" / "manifest.json").is_file()


@pytest.mark.parametrize("argv, status", [(["codes"], 0), (["validate"], 0), (["validate", "missing.json"], 2)],
                         ids=["codes", "validate", "usage-error"])
def test_stdout_and_stderr_on_a_closed_pipe_end_with_the_commands_status(tmp_path, argv, status):
    """`newsclaims ... 2>&1 | true`: the error messages meet the closed pipe too."""
    project = copy_project(MINI, tmp_path / "project")
    assert _run_into_a_closed_pipe(project, argv, stderr_too=True).returncode == status


# --- exit codes of main() -------------------------------------------------------------------------

def _main_with_codes_raising(monkeypatch, capsys, error: BaseException) -> tuple[int, str]:
    def handler(args):
        raise error

    monkeypatch.setattr(codes_command, "run", handler)
    status = cli.main(["codes"])
    return status, capsys.readouterr().err


def test_ctrl_c_is_interrupted_exit_130(monkeypatch, capsys):
    status, err = _main_with_codes_raising(monkeypatch, capsys, KeyboardInterrupt())
    assert (status, err) == (130, "newsclaims codes: interrupted\n")


def test_an_environment_failure_is_exit_3_with_its_message(monkeypatch, capsys):
    failure = EnvironmentFailure("writing /x/data failed: the disk is full; free some space", "/x/data")
    status, err = _main_with_codes_raising(monkeypatch, capsys, failure)
    assert (status, err) == (3, "newsclaims codes: error: writing /x/data failed: the disk is full; free some space\n")


@pytest.mark.parametrize("code, says", [
    (errno.ENOSPC, "writing /x/y failed: the disk is full (No space left on device); free some space"),
    (errno.EROFS, "writing /x/y failed: the file system is read-only (Read-only file system); run the command in a writable copy"),
    (errno.EACCES, "opening /x/y failed: permission is denied (Permission denied); give your user write access"),
    (errno.EPERM, "opening /x/y failed: the operation is not permitted (Operation not permitted); check the ownership"),
    (errno.EDQUOT, "writing /x/y failed: the disk quota is exceeded (Disk quota exceeded); free some space within your quota"),
])
def test_a_raw_oserror_of_the_machine_is_exit_3_naming_the_path(monkeypatch, capsys, code, says):
    status, err = _main_with_codes_raising(monkeypatch, capsys, OSError(code, os.strerror(code), "/x/y"))
    assert status == 3 and err.startswith(f"newsclaims codes: error: {says}"), err


def test_any_other_oserror_stays_an_internal_error(monkeypatch, capsys):
    status, err = _main_with_codes_raising(monkeypatch, capsys, OSError(errno.EIO, "Input/output error", "/x/y"))
    assert status == 2 and "internal error: OSError" in err and "Please report it" in err


def test_main_gives_back_the_streams_it_wrapped(monkeypatch, capsys):
    streams = sys.stdout, sys.stderr
    assert cli.main(["codes"]) == 0
    assert (sys.stdout, sys.stderr) == streams and "file-empty" in capsys.readouterr().out


def test_every_command_help_lists_the_exit_codes():
    parser = cli.build_parser()
    commands = next(action for action in parser._actions if isinstance(action, cli.argparse._SubParsersAction))
    for name, command in [("newsclaims", parser), *commands.choices.items()]:
        text = " ".join(command.format_help().split())  # the formatter wraps lines anywhere
        assert "3 environment failure" in text and "130 interrupted" in text and "2 usage error" in text, name
