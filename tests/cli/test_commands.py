"""One CLI: every command's --help carries the shared options with the same words, its exit codes, and
the README's command table lists every command with what its exit status 1 means."""

from __future__ import annotations

import re

import pytest

from helpers.project import REPO
from newsclaims.cli import COMMANDS, build_parser, main
from newsclaims.cli.common import FORMAT_HELP, ROOT_HELP, exit_status_epilog


def command_name(module) -> str:
    return module.__name__.rsplit(".", 1)[1].rstrip("_")


def help_of(capsys, name: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines at the terminal's width


@pytest.mark.parametrize("module", COMMANDS, ids=command_name)
def test_every_command_has_the_shared_options_and_its_exit_codes(module, capsys):
    text = help_of(capsys, command_name(module))
    assert f"--format {{text,json}} {FORMAT_HELP}" in text
    assert f"--root ROOT {ROOT_HELP}" in text
    assert " ".join(exit_status_epilog(module.EXIT_ONE).split()) in text
    if "--workers" in text:
        assert "(default: every core)" in text


def test_every_command_module_says_what_exit_1_means():
    for module in COMMANDS:
        assert hasattr(module, "EXIT_ONE"), f"{module.__name__} has no EXIT_ONE"
    assert set(build_parser()._subparsers._group_actions[0].choices) == {command_name(m) for m in COMMANDS}


def test_the_readme_table_lists_every_command_with_its_exit_1():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        found = re.match(r"\| `newsclaims (\w+)[^`]*` \|.*\| ([^|]+) \|$", line)
        if found:
            rows[found.group(1)] = found.group(2).strip()
    for module in COMMANDS:
        name = command_name(module)
        assert name in rows, f"the README's command table has no row for `newsclaims {name}`"
        assert rows[name] == (module.EXIT_ONE or "never"), name


def test_verify_finds_the_project_from_inside_it_as_build_does(monkeypatch, capsys):
    monkeypatch.chdir(REPO / "corpus")
    assert main(["verify"]) == 0, capsys.readouterr()
