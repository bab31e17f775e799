"""Reliability of the checks: every input the build reads is checked by `validate`, the same file gets the
same answer however it is named, dates in corpus.toml and invisible characters in texts are coded records.

The cases run `newsclaims` in a subprocess on a copy of the mini project (tests/hostile.py): the exit
status, the file and the fix named in the output, no traceback, no file changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.project import MINI, copy_project
from helpers.hostile import HostileCase, check_outcome, run_hostile
from helpers.invalid_fixtures import FIXTURES
from newsclaims.validation.limits import MAX_TEXT_BYTES
from newsclaims.validation.level1_bytes import decode_text, line_col, read_text
from newsclaims.validation.level1_json import toml_datetimes, toml_literals, tomllib
from newsclaims.project import Layout
from newsclaims.problems.record import problem
from newsclaims.splits.recorded import listed_assignment, located, read_splits
from newsclaims.workflows.validate import check_splits
from newsclaims.validation.listing import corpus_inventory

TEXT = Path("corpus/documents/mini-doc.txt")
ANNOTATION = Path("corpus/annotations/mini-doc.json")
SETTINGS = Path("corpus/corpus.toml")
SPLITS = Path("corpus/splits.json")
# Where the bidi fixtures append their controls: at the end of the mini text (which has no final newline).
_MINI_TEXT = (MINI / TEXT).read_text(encoding="utf-8")
BIDI_LINE, BIDI_COLUMN = line_col(_MINI_TEXT, len(_MINI_TEXT))


def _replace(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, f"out of date: {old!r} not in {path}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _append_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(path.read_bytes() + data)


def _edit_splits(project: Path, change) -> None:
    recorded = json.loads((project / SPLITS).read_text(encoding="utf-8"))
    change(recorded)
    (project / SPLITS).write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _with_text(project: Path, data: bytes) -> None:
    """The text replaced by data, and text_sha256 updated: only what the text itself holds is reported."""
    (project / TEXT).write_bytes(data)
    annotation = json.loads((project / ANNOTATION).read_text(encoding="utf-8"))
    annotation["text_sha256"] = hashlib.sha256(data).hexdigest()
    (project / ANNOTATION).write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _override_after_the_spans(project: Path, _tmp=None) -> None:
    """A right-to-left override (U+202E) on a line of its own after the last span."""
    _with_text(project, (project / TEXT).read_bytes() + "\u202e)c( 2024\u202c\n".encode("utf-8"))


def _link_splits_outside(project: Path, tmp: Path) -> None:
    """corpus/splits.json replaced by a link to a file outside the project (that is not JSON)."""
    outside = tmp / "outside-splits.json"
    outside.write_text("not json\n", encoding="utf-8")
    (project / SPLITS).unlink()
    (project / SPLITS).symlink_to(outside)


def _git_repo(project: Path, _tmp=None) -> None:
    """The project as a git repository with everything committed (for --changed HEAD)."""
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], check=True)


def _then(*steps):
    def setup(project: Path, tmp: Path) -> None:
        for step in steps:
            step(project, tmp)
    return setup


TOML_DATE = lambda project, _tmp: _replace(project / SETTINGS, 'version = "0.1.0"', "version = 2024-01-01")  # noqa: E731
BIDI = lambda project, _tmp: FIXTURES["text-bidi-control"](project)  # noqa: E731
ADD_COPY = lambda project, _tmp: FIXTURES["split-unassigned"](project)  # noqa: E731 (mini-doc-two, valid, no split)
MY_DOC = lambda project, _tmp: shutil.copy2(project / TEXT, project / "corpus/documents/My Doc.txt")  # noqa: E731
UNICODE_BLANK = lambda project, _tmp: (project / TEXT).write_bytes("\u00a0\u2028\u3000\n".encode("utf-8"))  # noqa: E731

CASES = [
    # 8. TOML dates, date-times and times: JSON has no such type
    HostileCase("toml-date-validate", "corpus.toml: `version = 2024-01-01` (a TOML date, not a string)", ["validate"], 1,
                ("corpus/corpus.toml:7:11: schema-type", "(at /dataset/version)", 'Quote it, e.g. version = "2024-01-01"'), setup=TOML_DATE),
    HostileCase("toml-date-build", "`build` with a TOML date in corpus.toml", ["build"], 1,
                ("corpus/corpus.toml:7:11: schema-type", 'version = "2024-01-01"'), setup=TOML_DATE),
    HostileCase("toml-date-split", "`split` with a TOML date in corpus.toml", ["split"], 1,
                ("corpus/corpus.toml:7:11: schema-type", 'version = "2024-01-01"'), setup=TOML_DATE),
    HostileCase("toml-datetimes-deep", "a date-time in an array of tables and a time in an inline table, in corpus.toml",
                ["validate"], 1, ("corpus/corpus.toml:", "(at /extra/0/at)", 'at = "1979-05-27T07:32:00Z"', "(at /extra/0/when/t)",
                                  't = "07:32:00"', "schema-unknown-field"),
                setup=lambda project, _tmp: _append(project / SETTINGS, "\n[[extra]]\nat = 1979-05-27T07:32:00Z\nwhen = { t = 07:32:00 }\n")),
    # 9. validate reads what build reads: splits.json and CHANGELOG.md
    HostileCase("splits-garbage", "`echo '{{{' > corpus/splits.json`", ["validate"], 1,
                ("corpus/splits.json:1:2: json-invalid", "Fix the syntax"),
                setup=lambda project, _tmp: (project / SPLITS).write_text("{{{\n", encoding="utf-8")),
    HostileCase("splits-missing", "corpus/splits.json deleted", ["validate"], 1, ("corpus/splits.json: splits-missing", "Run `newsclaims split`"),
                setup=lambda project, _tmp: (project / SPLITS).unlink()),
    HostileCase("splits-unassigned", "a new valid document without a split", ["validate"], 1,
                ("corpus/splits.json", "split-unassigned", "'mini-doc-two' has no split", "Run `newsclaims split`"), setup=ADD_COPY),
    HostileCase("splits-gone-document", "splits.json lists a document that is gone", ["validate"], 1,
                ("corpus/splits.json:", "split-stale", "'gone-doc' has a split but is no longer in the corpus", "Run `newsclaims split`"),
                setup=lambda project, _tmp: _edit_splits(project, lambda r: r["documents"].update({"gone-doc": "train"}))),
    HostileCase("splits-salt-changed", "corpus.toml's salt changed after splits.json was written", ["validate"], 1,
                ("corpus/splits.json:", "split-stale", "(at /salt)", "newsclaims split --reshuffle"),
                setup=lambda project, _tmp: _replace(project / SETTINGS, 'salt = "', 'salt = "changed-')),
    HostileCase("splits-ratios-changed", "corpus.toml's ratios changed after splits.json was written", ["validate"], 1,
                ("corpus/splits.json:", "split-stale", "(at /ratios)", "newsclaims split --reshuffle"),
                setup=lambda project, _tmp: _replace(project / SETTINGS, "train = 0.8, validation = 0.1", "train = 0.7, validation = 0.2")),
    HostileCase("changelog-without-the-version", "CHANGELOG.md has no section for corpus.toml's version", ["validate"], 1,
                ("CHANGELOG.md: changelog-missing-version", "## 0.1.0", "Add a '## <version>' section to CHANGELOG.md"),
                setup=lambda project, _tmp: _replace(project / "CHANGELOG.md", "## 0.1.0", "## 0.0.9")),
    HostileCase("changelog-not-utf8", "CHANGELOG.md in Latin-1", ["validate"], 1, ("CHANGELOG.md:", "encoding-not-utf8", "Re-save the file as UTF-8"),
                setup=lambda project, _tmp: _append_bytes(project / "CHANGELOG.md", "- caf\u00e9\n".encode("latin-1"))),
    HostileCase("splits-link-outside", "corpus/splits.json a link to a file outside the corpus: refused, not read", ["validate"], 1,
                ("corpus/splits.json: unexpected-file", "outside the corpus", "Replace the link by the file itself", "1 problem in 1 file"),
                setup=_link_splits_outside),
    HostileCase("splits-link-outside-named", "validate corpus/splits.json, a link to a file outside the corpus", ["validate", str(SPLITS)], 1,
                ("corpus/splits.json: unexpected-file", "outside the corpus", "Replace the link by the file itself", "1 problem in 1 file"),
                setup=_link_splits_outside),
    HostileCase("splits-unassigned-named", "validate corpus/splits.json, with a new document it does not list", ["validate", str(SPLITS)], 1,
                ("corpus/splits.json", "split-unassigned", "'mini-doc-two' has no split", "Run `newsclaims split`"), setup=ADD_COPY),
    HostileCase("changelog-named", "validate CHANGELOG.md, without a section for the version", ["validate", "CHANGELOG.md"], 1,
                ("CHANGELOG.md: changelog-missing-version", "## 0.1.0"),
                setup=lambda project, _tmp: _replace(project / "CHANGELOG.md", "## 0.1.0", "## 0.0.9")),
    HostileCase("split-while-unassigned", "`split` on a corpus whose new document has no split yet: not refused by validate's split check",
                ["split"], 0, ("added  mini-doc-two", "wrote corpus/splits.json"), setup=ADD_COPY, may_write=(str(SPLITS),)),
    # 10. one answer per file, however it is named
    HostileCase("bad-name-named", 'validate "corpus/documents/My Doc.txt"', ["validate", "corpus/documents/My Doc.txt"], 1,
                ("corpus/documents/My Doc.txt: unexpected-file", "Name the file <doc_id>.txt"), setup=MY_DOC),
    HostileCase("bad-name-whole", "the whole corpus, with corpus/documents/My Doc.txt", ["validate"], 1,
                ("corpus/documents/My Doc.txt: unexpected-file", "Name the file <doc_id>.txt"), setup=MY_DOC),
    HostileCase("bad-name-folder", "validate corpus/documents, with My Doc.txt in it", ["validate", "corpus/documents"], 1,
                ("corpus/documents/My Doc.txt: unexpected-file", "Name the file <doc_id>.txt"), setup=MY_DOC),
    HostileCase("bad-name-changed", "validate --changed HEAD after adding corpus/documents/My Doc.txt", ["validate", "--changed", "HEAD"], 1,
                ("corpus/documents/My Doc.txt: unexpected-file", "Name the file <doc_id>.txt"), setup=_then(_git_repo, MY_DOC),
                may_write=(".git",)),
    HostileCase("wrong-suffix-changed", "validate --changed HEAD after adding corpus/documents/mini-doc.json (an annotation in documents/)",
                ["validate", "--changed", "HEAD"], 1, ("corpus/documents/mini-doc.json: unexpected-file", "Name the file <doc_id>.txt"),
                setup=_then(_git_repo, lambda project, _tmp: shutil.copy2(project / ANNOTATION, project / "corpus/documents/mini-doc.json")),
                may_write=(".git",)),
    HostileCase("nested-folder-named", "validate corpus/documents/drafts/next-doc.txt (a folder inside documents/)",
                ["validate", "corpus/documents/drafts/next-doc.txt"], 1,
                ("corpus/documents/drafts: unexpected-file", "a folder or special file where only files belong"),
                setup=lambda project, _tmp: ((project / "corpus/documents/drafts").mkdir(),
                                             shutil.copy2(project / TEXT, project / "corpus/documents/drafts/next-doc.txt"))),
    HostileCase("text-without-annotation-named", "validate the text of a document whose annotation is gone", ["validate", str(TEXT)], 1,
                ("corpus/documents/mini-doc.txt: missing-annotation", "corpus/annotations/mini-doc.json", "Add corpus/annotations/<doc_id>.json"),
                setup=lambda project, _tmp: (project / ANNOTATION).unlink()),
    HostileCase("annotation-without-text-named", "validate the annotation of a document whose text is gone", ["validate", str(ANNOTATION)], 1,
                ("corpus/annotations/mini-doc.json:", "missing-document", "corpus/documents/mini-doc.txt", "Add corpus/documents/<doc_id>.txt"),
                setup=lambda project, _tmp: (project / TEXT).unlink()),
    # 11. invisible text
    HostileCase("unicode-blank-text", "a text of NBSP, U+2028 and U+3000 only", ["validate"], 1,
                ("corpus/documents/mini-doc.txt: file-empty", "only whitespace", "Write the file's content"), setup=UNICODE_BLANK),
    HostileCase("unicode-blank-text-named", "the same text, named", ["validate", str(TEXT)], 1,
                ("corpus/documents/mini-doc.txt: file-empty", "only whitespace"), setup=UNICODE_BLANK),
    HostileCase("bidi-isolate", "a right-to-left isolate (U+2067...U+2069) around Hebrew after the last span", ["validate"], 0,
                (f"corpus/documents/mini-doc.txt:{BIDI_LINE}:{BIDI_COLUMN}: warning: text-bidi-control", "U+2067", "(2 in the file, first here)",
                 "Remove the control character", "ok: 4 files checked, no problems; 1 warning in 1 file"), setup=BIDI),
    HostileCase("bidi-override-json", "a right-to-left override (U+202E), --format json", ["validate", "--format", "json"], 0,
                ('"code": "text-bidi-control"', '"severity": "warning"', f'"line": {BIDI_LINE}', '"valid": true'), setup=_override_after_the_spans),
    HostileCase("bidi-with-an-error", "a bidi isolate and a hedge mismatch: the error fails, the warning is counted apart", ["validate"], 1,
                ("warning: text-bidi-control", "hedge-mismatch", "1 problem in 1 file; 1 warning in 1 file"),
                setup=_then(BIDI, lambda project, _tmp: FIXTURES["hedge-mismatch"](project))),
    HostileCase("bidi-build", "`build` with a bidi isolate in a text: a warning does not refuse the build", ["build", "--workers", "1"], 0,
                (f"corpus/documents/mini-doc.txt:{BIDI_LINE}:{BIDI_COLUMN}: warning: text-bidi-control", "Remove the control character", "built"),
                setup=BIDI, may_write=("data",)),
    HostileCase("bidi-split", "`split` with a bidi isolate in a text", ["split", "--dry-run"], 0, ("is up to date",), setup=BIDI),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_command(case, tmp_path):
    if "--changed" in case.argv and shutil.which("git") is None:
        pytest.skip("--changed needs git")
    project = copy_project(MINI, tmp_path / "project")
    outcome = run_hostile(case, project, tmp_path)
    assert check_outcome(case, outcome, project) == [], outcome.output


def test_the_case_names_are_unique():
    assert len({case.name for case in CASES}) == len(CASES)


# --- beyond the commands ----------------------------------------------------------------------------

def test_every_date_in_corpus_toml_is_found_with_its_line():
    text = ('a = 2024-01-01\n[t]\nlist = [\n  10:00:00,\n  "2024-01-02",\n  # the next one, not 2024-01-05\n'
            '  2024-01-03 10:00:00.5+01:00,\n]\ns = "x = 2024-01-04"\n')
    value = tomllib.loads(text)
    dates = toml_datetimes(value)
    assert [path for path, _ in dates] == [["a"], ["t", "list", 0], ["t", "list", 2]]
    assert toml_literals(text, [path for path, _ in dates]) == [(1, 5, "2024-01-01"), (4, 3, "10:00:00"), (7, 3, "2024-01-03 10:00:00.5+01:00")]


def test_a_date_that_cannot_be_located_is_still_reported():
    text = "a = 2024-01-01\nb = 'x = 2024-01-02 y'\n"  # quoting inside a literal string breaks the marked copy
    value = tomllib.loads(text)
    assert toml_literals(text, [path for path, _ in toml_datetimes(value)]) == [None]


def test_a_warning_record_says_so():
    warning = problem("text-bidi-control", "corpus/documents/x-doc.txt", "bidirectional control character U+202E in the text", line=2, column=3)
    assert warning.severity == "warning" and warning.as_dict()["severity"] == "warning"
    assert warning.format_text().startswith("corpus/documents/x-doc.txt:2:3: warning: text-bidi-control: ")
    error = problem("file-empty", "corpus/documents/x-doc.txt", "the file is empty")
    assert error.as_dict()["severity"] == "error" and error.format_text().startswith("corpus/documents/x-doc.txt: file-empty: ")


@pytest.mark.parametrize("text", ["\u00a0", "\u2028\n", "\u3000 \t\n", "\u2029\u205f\u1680"])
def test_unicode_whitespace_only_texts_are_empty(text, tmp_path):
    path = tmp_path / "x-doc.txt"
    path.write_bytes(text.encode("utf-8"))
    assert [p.code for p in read_text(path, MAX_TEXT_BYTES)[1]] == ["file-empty"]


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_each_bidi_control_is_a_warning_with_its_place(char):
    data = ("Title\n\nThe text " + char + "here.\n").encode("utf-8")
    text, problems = decode_text(data, "x-doc.txt")
    assert text is not None, "a warning keeps the text for the later levels"
    assert [(p.code, p.line, p.column) for p in problems] == [("text-bidi-control", 3, 10)]


def test_marks_that_reorder_nothing_are_not_reported():
    assert decode_text("a\u200eb\u200fc\u061cd\n".encode("utf-8"), "x-doc.txt")[1] == []


SPLITS_VARIANTS = {
    "as written": lambda r: None,
    "unsorted": lambda r: r.update(documents=dict(reversed(list(r["documents"].items())))),  # valid: the exact path says so
    "an extra document": lambda r: r["documents"].update({"gone-doc": "train"}),
    "no documents": lambda r: r.update(documents={}),
    "other salt": lambda r: r.update(salt="other"),
    "other ratios": lambda r: r["ratios"].update(train=0.7, validation=0.2),
    "an unknown split": lambda r: r["documents"].update({"mini-doc": "dev"}),
}


@pytest.mark.parametrize("variant", sorted(SPLITS_VARIANTS))
def test_the_fast_splits_check_agrees_with_the_build_readers(variant, tmp_path):
    project = copy_project(MINI, tmp_path / "project")
    FIXTURES["split-unassigned"](project)  # two documents
    layout = Layout(project)
    inventory = corpus_inventory(layout)
    recorded = json.loads((project / SPLITS).read_text(encoding="utf-8"))
    recorded["documents"]["mini-doc-two"] = "train"
    SPLITS_VARIANTS[variant](recorded)
    (project / SPLITS).write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    exact, problems = read_splits(layout.splits_path, layout.schema_dir)
    if exact is not None:
        problems = located(listed_assignment(exact, inventory.doc_ids, inventory.report.settings, "corpus/splits.json").problems, layout.splits_path)
    found = check_splits(layout.splits_path, layout.schema_dir, inventory.doc_ids, inventory.report.settings)
    assert [(p.code, p.pointer, p.line) for p in found] == [(p.code, p.pointer, p.line) for p in problems]
    assert (found == []) == (variant in ("as written", "unsorted"))
