"""Path safety: nothing taken from a contribution makes the tools read (or write) outside the corpus.

doc ids become file names, so they are slugs (`doc-id-invalid` otherwise) and the file name must equal
the doc_id; a symbolic link in documents/ or annotations/ that points outside the corpus is reported
(`unexpected-file`) and never followed; a named pipe or a device where a corpus file belongs is refused
before a byte is read (it would hang the run or stream /dev/zero); names that differ only by case cannot
both be doc ids, because doc ids are lowercase.

Tests marked xfail(strict=True) pin down holes that need a change in validate.py, corpus.py or
manifest.py (being rewritten by others at the time of writing); each reason says what to change. When
the fix lands the test passes, strict xfail turns that into a failure, and the marker must go.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsclaims.cli import main

from helpers.project import MINI

posix_only = pytest.mark.skipif(os.name != "posix", reason="symbolic links, named pipes and byte file names")


def validate(capsys, root: Path, *paths: str) -> tuple[int, dict]:
    code = main(["--root", str(root), "validate", "--format", "json", *paths])
    return code, json.loads(capsys.readouterr().out)


def validate_in_subprocess(root: Path, *paths: str, timeout: float = 60) -> tuple[int, dict, str]:
    """Through `python -m newsclaims`, with a timeout: a validator that opens a named pipe hangs."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSCLAIMS_DEBUG"}
    result = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(root), "validate", "--format", "json", *paths],
                            capture_output=True, timeout=timeout, env=env)
    stdout = result.stdout.decode("utf-8", "replace")
    return result.returncode, (json.loads(stdout) if stdout.strip() else {}), result.stderr.decode("utf-8", "replace")


def found(report: dict) -> list[tuple[str, str]]:
    """(file name, code) of every problem."""
    return sorted((Path(p["file"]).name, p["code"]) for p in report["problems"])


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def edit(root: Path, change) -> None:
    path = root / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project, with a valid annotation and text in it (what a link could point at)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    shutil.copy2(MINI / "corpus" / "annotations" / "mini-doc.json", folder / "mini-doc.json")
    shutil.copy2(MINI / "corpus" / "documents" / "mini-doc.txt", folder / "mini-doc.txt")
    return folder


# --- doc ids --------------------------------------------------------------------------------------

PATH_LIKE_IDS = ["../x", "../documents/mini-doc", "..", ".", "/etc/passwd", "a/b", "a\\b", "C:\\x", "c:x", "~root", "x\x00y",
                 "mini-doc\n", "mini-doc/", "%2e%2e%2fx", "ａｂｃ-doc", "mini-doc.json", "MINI-DOC", " mini-doc", "-mini", "ab",
                 "a" * 82, "mini\u2215doc", "mini\u0338doc"]


@pytest.mark.parametrize("doc_id", PATH_LIKE_IDS, ids=repr)
def test_a_doc_id_with_path_characters_is_refused_before_it_names_a_file(mini_project, capsys, doc_id):
    edit(mini_project, lambda a: a.update(doc_id=doc_id))
    exit_code, report = validate(capsys, mini_project)
    # only the schema problem: no missing-document, so no file was looked up under that name
    assert exit_code == 1 and found(report) == [("mini-doc.json", "doc-id-invalid")]


def test_a_file_name_that_differs_from_its_doc_id_is_reported(mini_project, capsys):
    annotations = mini_project / "corpus" / "annotations"
    (annotations / "mini-doc.json").rename(annotations / "other-doc.json")
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1
    assert found(report) == [("mini-doc.txt", "missing-annotation"), ("other-doc.json", "doc-id-mismatch")]


@pytest.mark.parametrize("name", ["Mini-Doc.json", "mini-doc.JSON", "mini-doc.json.bak", ".mini-doc.json", "mini doc.json",
                                  "mini-doc.json\n", "mini-doc..json", "mini-doc.json.json"])
def test_a_name_that_is_not_a_lowercase_slug_is_an_unexpected_file(mini_project, capsys, name):
    annotations = mini_project / "corpus" / "annotations"
    shutil.copy2(annotations / "mini-doc.json", annotations / name)
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and found(report) == [(Path(name).name, "unexpected-file")]


def test_a_file_name_ending_in_a_newline_is_an_unexpected_file(mini_project, capsys):
    documents = mini_project / "corpus" / "documents"
    shutil.copy2(documents / "mini-doc.txt", documents / "abc\n.txt")
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and found(report) == [("abc\n.txt", "unexpected-file")]


@pytest.mark.parametrize("doc_id", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_doc_ids_that_windows_cannot_use_as_file_names_are_refused(mini_project, capsys, doc_id):
    edit(mini_project, lambda a: a.update(doc_id=doc_id))
    corpus = mini_project / "corpus"
    (corpus / "annotations" / "mini-doc.json").rename(corpus / "annotations" / f"{doc_id}.json")
    (corpus / "documents" / "mini-doc.txt").rename(corpus / "documents" / f"{doc_id}.txt")
    exit_code, report = validate(capsys, mini_project)
    # the file names are refused before the files are read (the doc_id pattern refuses the same names)
    assert exit_code == 1 and found(report) == [(f"{doc_id}.json", "unexpected-file"), (f"{doc_id}.txt", "unexpected-file")]


# --- names that differ only by case -----------------------------------------------------------------

def _case_sensitive(folder: Path) -> bool:
    probe = folder / "case-probe"
    probe.write_text("x")
    try:
        return not (folder / "CASE-PROBE").exists()
    finally:
        probe.unlink()


def test_names_that_differ_only_by_case_are_reported_clearly(mini_project, capsys):
    """Doc ids are lowercase slugs, so of Doc.json and doc.json only the lowercase one can be a
    document: on a case-insensitive file system they would be one file, and nothing valid is lost."""
    corpus = mini_project / "corpus"
    annotations, documents = corpus / "annotations", corpus / "documents"
    if _case_sensitive(annotations):
        shutil.copy2(annotations / "mini-doc.json", annotations / "Mini-Doc.json")
        shutil.copy2(documents / "mini-doc.txt", documents / "MINI-DOC.txt")
        exit_code, report = validate(capsys, mini_project)
        assert exit_code == 1
        assert found(report) == [("MINI-DOC.txt", "unexpected-file"), ("Mini-Doc.json", "unexpected-file")]
        assert all("lowercase" in p["message"] for p in report["problems"])
    else:  # the same file under another case: the upper-case spelling is what the listing shows
        (annotations / "mini-doc.json").rename(annotations / "Mini-Doc.json")
        exit_code, report = validate(capsys, mini_project)
        assert exit_code == 1
        assert found(report) == [("Mini-Doc.json", "unexpected-file"), ("mini-doc.txt", "missing-annotation")]


# --- symbolic links ---------------------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("folder, name", [("annotations", "mini-doc.json"), ("documents", "mini-doc.txt")])
def test_a_link_to_a_file_outside_the_corpus_is_reported_and_not_followed(mini_project, outside, folder, name):
    """The link's target is a named pipe: opening it would hang the run (the subprocess would time out)."""
    link = mini_project / "corpus" / folder / name
    link.unlink()
    pipe = outside / f"pipe-{name}"
    os.mkfifo(pipe)
    link.symlink_to(pipe)
    exit_code, report, stderr = validate_in_subprocess(mini_project, timeout=60)
    assert exit_code == 1 and stderr == ""
    other = "mini-doc.txt" if folder == "annotations" else "mini-doc.json"
    expected_pair = {"annotations": ("mini-doc.txt", "missing-annotation"), "documents": ("mini-doc.json", "missing-document")}[folder]
    assert sorted(found(report)) == sorted([(name, "unexpected-file"), expected_pair]), other
    [record] = [p for p in report["problems"] if p["code"] == "unexpected-file"]
    assert "outside the corpus" in record["message"]


@posix_only
def test_a_relative_link_climbing_out_of_the_corpus_is_reported(mini_project, outside, capsys):
    link = mini_project / "corpus" / "annotations" / "mini-doc.json"
    link.unlink()
    link.symlink_to(Path("..") / ".." / ".." / "outside" / "mini-doc.json")
    assert link.resolve() == (outside / "mini-doc.json").resolve()
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and ("mini-doc.json", "unexpected-file") in found(report)


@posix_only
def test_a_link_to_a_file_inside_the_corpus_is_followed(mini_project, capsys):
    corpus = mini_project / "corpus"
    (corpus / "documents" / "mini-doc.txt").rename(corpus / "mini-doc.txt.original")
    (corpus / "documents" / "mini-doc.txt").symlink_to(Path("..") / "mini-doc.txt.original")
    assert validate(capsys, mini_project)[0] == 0


@posix_only
def test_a_dangling_link_is_reported(mini_project, capsys):
    (mini_project / "corpus" / "annotations" / "ghost-doc.json").symlink_to("no-such-file.json")
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and found(report) == [("ghost-doc.json", "unexpected-file")]


@posix_only
def test_a_link_loop_is_reported_not_an_internal_error(mini_project):
    (mini_project / "corpus" / "annotations" / "loop-doc.json").symlink_to("loop-doc.json")
    exit_code, report, stderr = validate_in_subprocess(mini_project)
    assert (exit_code, stderr) == (1, "")
    assert found(report) == [("loop-doc.json", "unexpected-file")]


@posix_only
@pytest.mark.parametrize("folder", ["annotations", "documents"])
def test_a_corpus_folder_linked_outside_is_reported(mini_project, tmp_path, capsys, folder):
    target = mini_project / "corpus" / folder
    elsewhere = tmp_path / "elsewhere" / folder
    shutil.copytree(target, elsewhere)  # the same valid files, outside the corpus
    shutil.rmtree(target)
    target.symlink_to(elsewhere, target_is_directory=True)
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and any(p["code"] == "unexpected-file" for p in report["problems"])


@posix_only
@pytest.mark.parametrize("name", ["sources.json", "corpus.toml"])
def test_a_registry_file_linked_outside_is_reported(mini_project, outside, capsys, name):
    path = mini_project / "corpus" / name
    shutil.copy2(path, outside / name)
    path.unlink()
    path.symlink_to(outside / name)
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and (name, "unexpected-file") in found(report)


@posix_only
def test_validating_a_folder_does_not_follow_a_link_outside(mini_project, outside, capsys):
    evil = mini_project / "corpus" / "annotations" / "evil-doc.json"
    evil.symlink_to(outside / "mini-doc.json")
    exit_code, report = validate(capsys, mini_project, str(mini_project / "corpus" / "annotations"))
    assert exit_code == 1 and found(report) == [("evil-doc.json", "unexpected-file")]


# --- special files ----------------------------------------------------------------------------------

@posix_only
@pytest.mark.parametrize("name", ["corpus/sources.json", "corpus/corpus.toml", "corpus/splits.json",
                                  "corpus/annotations/mini-doc.json", "corpus/documents/mini-doc.txt"])
def test_a_named_pipe_where_a_corpus_file_belongs_is_refused_without_hanging(mini_project, name):
    path = mini_project / name
    path.unlink()
    os.mkfifo(path)
    exit_code, report, stderr = validate_in_subprocess(mini_project, timeout=60)
    if name.endswith("corpus.toml"):  # without a readable corpus.toml the folder is no project
        assert exit_code == 2 and "not a newsclaims project" in stderr
        return
    assert exit_code == 1 and stderr == ""  # validate reads splits.json too, as the build does
    if exit_code:
        assert (Path(name).name, "file-unreadable" if "/" not in name[len("corpus/"):] else "unexpected-file") in found(report)
    # and named explicitly, as `validate PATH`: refused by the reader itself
    exit_code, report, stderr = validate_in_subprocess(mini_project, str(path), timeout=60)
    assert (exit_code, stderr) == (1, "")
    assert [(p["code"], p["message"]) for p in report["problems"]] == [("file-unreadable", "this is a named pipe (FIFO), not a regular file")]


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_link_to_a_device_is_not_read(mini_project, capsys):
    """/dev/zero reports size 0 and never ends: reading up to the limit would put 256 MB in memory."""
    sources = mini_project / "corpus" / "sources.json"
    sources.unlink()
    sources.symlink_to("/dev/zero")
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1
    # refused by the reader (a device), or before it, as a link outside the corpus (once validate checks registry links)
    assert [p["code"] for p in report["problems"]] in (["file-unreadable"], ["unexpected-file"])
    assert "character device" in report["problems"][0]["message"] or "outside the corpus" in report["problems"][0]["message"]


@posix_only
def test_a_folder_where_a_file_belongs_is_reported(mini_project, capsys):
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    path.unlink()
    path.mkdir()
    exit_code, report = validate(capsys, mini_project)
    assert exit_code == 1 and ("mini-doc.json", "unexpected-file") in found(report)


# --- file names that are not text ---------------------------------------------------------------------

@posix_only
@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_reported_in_text_output(mini_project):
    folder = os.fsencode(mini_project / "corpus" / "annotations")
    with open(folder + b"/\xff\xfe-doc.json", "wb") as handle:
        handle.write(b"{}")
    env = {k: v for k, v in os.environ.items() if k != "NEWSCLAIMS_DEBUG"}
    result = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(mini_project), "validate"], capture_output=True, env=env, timeout=60)
    assert result.returncode == 1 and result.stderr == b""
    assert b"-doc.json: unexpected-file" in result.stdout


@posix_only
@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_reported_in_json_output(mini_project):
    folder = os.fsencode(mini_project / "corpus" / "annotations")
    with open(folder + b"/\xff\xfe-doc.json", "wb") as handle:
        handle.write(b"{}")
    exit_code, report, stderr = validate_in_subprocess(mini_project)
    assert (exit_code, stderr) == (1, "")
    assert [p["code"] for p in report["problems"]] == ["unexpected-file"]


# --- nothing is written -------------------------------------------------------------------------------

@posix_only
def test_validate_writes_nothing_inside_or_outside_the_corpus(mini_project, outside, capsys):
    link = mini_project / "corpus" / "annotations" / "evil-doc.json"
    link.symlink_to(outside / "mini-doc.json")
    before = digest(mini_project), digest(outside)
    validate(capsys, mini_project)
    validate(capsys, mini_project, str(mini_project / "corpus"))
    assert (digest(mini_project), digest(outside)) == before


# --- a built dataset's manifest ---------------------------------------------------------------------

def test_verify_does_not_follow_config_names_out_of_the_data_folder(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsclaims.dataset import manifest

    data = tmp_path / "data"
    data.mkdir()
    elsewhere = tmp_path / "outside"
    elsewhere.mkdir()
    pq.write_table(pa.table({"x": [1, 2, 3]}), elsewhere / "train-00000-of-00001.parquet")
    (data / "manifest.json").write_text(json.dumps({"version": "0.1.0", "files": {}, "rows": {"../outside": {"train": 3}}}))
    opened = []
    real = pq.read_metadata
    monkeypatch.setattr(manifest.pq, "read_metadata", lambda path, *a, **k: (opened.append(Path(path)), real(path, *a, **k))[1])
    differences = manifest.verify(data)
    assert all(path.resolve().is_relative_to(data.resolve()) for path in opened), opened
    assert any(d.what == "manifest" for d in differences)
