"""Starting the CLI does not import the heavy libraries: only the commands that need them do, when they run.
(datasets alone costs most of a second: a `newsclaims validate` of 100,000 documents took 1.275 times as long
when the CLI imported every command's library up front: docs/benchmarks.md, "The layout move".)"""

import subprocess
import sys

HEAVY = ("datasets", "pyarrow", "huggingface_hub", "pandas", "jinja2", "ray", "spacy")


def imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_cli_and_its_parser_import_no_heavy_library():
    assert imported_after("import newsclaims.cli; newsclaims.cli.build_parser()") == set()


def test_validate_and_codes_run_without_the_heavy_libraries(tmp_path):
    # codes lists the catalogue; validate of a folder with nothing in it: both finish without datasets or pyarrow
    code = ("import contextlib, io, newsclaims.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    newsclaims.cli.main(['codes'])\n"
            f"    newsclaims.cli.main(['--root', {str(tmp_path)!r}, 'validate'])")
    assert imported_after(code) == set()


def test_build_imports_them_when_it_runs():
    # the guard above is not vacuous: the module a build runs does need them
    assert {"datasets", "pyarrow"} <= imported_after("import newsclaims.workflows.build")
