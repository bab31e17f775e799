"""`newsclaims new PATH.txt`: the text copied, the skeleton written, valid as it is; never overwrites."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest

from newsclaims.annotations.skeleton import normalize_text, slug
from newsclaims.cli import main

TEXT = "Port of Gdańsk reopens\n\nShips left Gdańsk on Monday.\n"


def test_slug_of_file_names():
    assert slug("Gdańsk Port.txt") == "gdansk-port"
    assert slug("2024_05_01 Reuters -- Story!.txt") == "2024-05-01-reuters-story"
    assert slug("ab.txt") is None and slug("ńń.txt") is None


def test_normalize_says_what_changed():
    data = b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "Gdańsk\r\nx\ry").encode()
    converted, changes = normalize_text(data)
    assert converted == "Gdańsk\nx\ny".encode()
    assert changes[0] == "removed the byte order mark (BOM)"
    assert changes[1] == "converted 1 CRLF and 1 CR line endings to LF"
    assert changes[2].startswith("normalised to NFC (1 code points fewer")
    assert normalize_text(b"plain\n") == (b"plain\n", [])


def test_new_writes_text_and_a_valid_skeleton(mini_project, tmp_path, capsys):
    source = tmp_path / "Gdańsk Port.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert main(["--root", str(mini_project), "new", str(source), "--annotator", "ana"]) == 0
    text_path = mini_project / "corpus" / "documents" / "gdansk-port.txt"
    assert text_path.read_bytes() == source.read_bytes()
    annotation = json.loads((mini_project / "corpus" / "annotations" / "gdansk-port.json").read_text(encoding="utf-8"))
    assert annotation["doc_id"] == "gdansk-port"
    assert annotation["text_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert annotation["metadata"]["title"] == "Port of Gdańsk reopens"
    assert annotation["metadata"]["url"] is None and annotation["metadata"]["published_at"] is None
    assert annotation["annotation"] == {"status": "silver", "annotators": ["ana"], "guideline_version": "1.0"}
    assert annotation["entities"] == [] and annotation["claims"] == []
    capsys.readouterr()
    assert main(["--root", str(mini_project), "validate", str(mini_project / "corpus" / "annotations" / "gdansk-port.json")]) == 0


def test_new_never_overwrites(mini_project, tmp_path, capsys):
    source = tmp_path / "mini-doc.txt"
    source.write_text(TEXT, encoding="utf-8")
    before = (mini_project / "corpus" / "annotations" / "mini-doc.json").read_bytes()
    assert main(["--root", str(mini_project), "new", str(source)]) == 2
    assert "never overwrites" in capsys.readouterr().err
    assert (mini_project / "corpus" / "annotations" / "mini-doc.json").read_bytes() == before


@pytest.mark.parametrize("data, code", [(TEXT.replace("\n", "\r\n").encode(), "text-crlf"), (b"\xef\xbb\xbf" + TEXT.encode(), "encoding-bom"),
                                        (unicodedata.normalize("NFD", TEXT).encode(), "text-not-nfc")])
def test_new_refuses_a_convertible_text_with_the_fix_then_normalizes_it(mini_project, tmp_path, capsys, data, code):
    source = tmp_path / "story.txt"
    source.write_bytes(data)
    assert main(["--root", str(mini_project), "new", str(source), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in report["problems"]] == [code] and "--normalize" in report["problems"][0]["hint"]
    assert not (mini_project / "corpus" / "documents" / "story.txt").exists()
    assert main(["--root", str(mini_project), "new", str(source), "--normalize"]) == 0
    assert "normalised:" in capsys.readouterr().out
    assert (mini_project / "corpus" / "documents" / "story.txt").read_text(encoding="utf-8") == TEXT
    assert main(["--root", str(mini_project), "validate", str(mini_project / "corpus" / "annotations" / "story.json")]) == 0


def test_new_refuses_a_text_that_is_not_utf8_even_with_normalize(mini_project, tmp_path, capsys):
    source = tmp_path / "story.txt"
    source.write_bytes(TEXT.encode("cp1252", errors="replace").replace(b"?", b"\xf1"))
    assert main(["--root", str(mini_project), "new", str(source), "--normalize"]) == 1
    assert "encoding-not-utf8" in capsys.readouterr().out
    assert not (mini_project / "corpus" / "annotations" / "story.json").exists()
