"""Each interop code (level 6) is produced by an input that yields it, with its file and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclaims.problems.codes import CATALOGUE, INTEROP
from newsclaims.project import Layout
from newsclaims.workflows.export import export_documents
from newsclaims.workflows.import_ import import_documents

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "brat"
INTRO = (FIXTURES / "news" / "000-introduction.txt").read_text()  # brat's own tutorial text


def ls(tmp_path, tasks) -> Path:
    path = tmp_path / "export.json"
    path.write_bytes(tasks if isinstance(tasks, bytes) else json.dumps(tasks).encode())
    return path


def region(start, end, text, label, rid="r1", kind="labels"):
    return {"id": rid, "type": kind, "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def task(results, text=INTRO):
    return {"id": 7, "data": {"text": text}, "annotations": [{"id": 1, "result": results}]}


START = INTRO.index("Citibank")
CASES = {
    "import-unreadable": lambda t: ("labelstudio", ls(t, b"[{"), {}),
    "import-shape": lambda t: ("labelstudio", ls(t, b"3"), {}),
    "import-label-unmapped": lambda t: ("labelstudio", ls(t, [task([region(START, START + 8, "Citibank", "Bank")])]), {}),
    "import-label-skipped": lambda t: ("labelstudio", ls(t, [task([region(START, START + 8, "Citibank", "Bank")])]), {"skip_unmapped": True}),
    "import-source-unmapped": lambda t: ("labelstudio", ls(t, [task([
        region(START, START + 8, "Citibank", "factual", "c1"), region(START, START + 8, "Citibank", "Source", "s1"),
        {"type": "relation", "from_id": "c1", "to_id": "s1", "labels": ["source"]}])]), {}),
    "import-span-mismatch": lambda t: ("labelstudio", ls(t, [task([region(START, START + 8, "Citicorp", "ORG")])]), {}),
    "import-doc-id-collision": lambda t: ("labelstudio", ls(t, [task([]), task([])]), {}),
    "import-no-text": lambda t: ("labelstudio", ls(t, [{"id": 1, "data": {}, "annotations": []}]), {}),
    "import-text-url": lambda t: ("labelstudio", ls(t, [task([], text="s3://bucket/article.txt")]), {}),
    "import-result-type": lambda t: ("labelstudio", ls(t, [task([{"id": "x", "type": "rating", "value": {"rating": 3}}])]), {}),
    "import-span-adjusted": lambda t: ("labelstudio", ls(t, [task([region(START, START + 9, "Citibank ", "ORG")])]), {}),
    "import-text-normalised": lambda t: ("labelstudio", ls(t, [task([], text=INTRO.replace("\n", "\r\n"))]), {}),
    "import-attribute-dropped": lambda t: ("brat", FIXTURES / "news", {"skip_unmapped": True}),
    "import-event": lambda t: ("brat", FIXTURES / "news", {"skip_unmapped": True}),
    "import-relation-dropped": lambda t: ("brat", FIXTURES / "news", {"skip_unmapped": True}),
    "import-note-dropped": lambda t: ("brat", FIXTURES / "news", {"skip_unmapped": True}),
}


def discontinuous(tmp_path) -> Path:
    """brat's tutorial text with the one line form its example data never uses: `T1 Type a b;c d`."""
    folder = tmp_path / "disc"
    folder.mkdir()
    (folder / "intro.txt").write_text(INTRO)
    a, b = INTRO.index("Raul"), INTRO.index("Salinas")
    (folder / "intro.ann").write_text(f"T1\tPerson {a} {a + 4};{b} {b + 7}\tRaul Salinas\n")
    return folder


def test_every_interop_code_has_a_case():
    tested = set(CASES) | {"import-discontinuous", "export-not-carried"}
    assert tested == {code for code, entry in CATALOGUE.items() if entry.level == INTEROP}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_case_produces_its_code_with_a_place(code, mini_project, tmp_path):
    fmt, source, options = CASES[code](tmp_path)
    report = import_documents(Layout(mini_project), fmt, source, mini_project / "out", **options)
    found = [p for p in report.problems if p.code == code]
    assert found, [p.code for p in report.problems]
    assert all(p.file and p.message and p.hint for p in found)
    if code not in ("import-doc-id-collision", "import-shape", "import-unreadable"):
        assert all(p.line or p.pointer for p in found)
    if CATALOGUE[code].severity == "error":
        assert report.refused and not (mini_project / "out").exists()


def test_discontinuous_span(mini_project, tmp_path):
    report = import_documents(Layout(mini_project), "brat", discontinuous(tmp_path), mini_project / "out")
    assert [(p.code, p.line) for p in report.problems] == [("import-discontinuous", 1)]
    assert report.counts["discontinuous spans skipped"] == 1


def test_export_not_carried(seed_project, tmp_path):
    report = export_documents(Layout(seed_project), "brat", tmp_path / "out")
    assert {p.code for p in report.problems} == {"export-not-carried"}  # the seed's title: brat has no metadata
