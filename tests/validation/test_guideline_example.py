"""The complete example file of corpus/GUIDELINES.md (section 5) is valid for the text it describes."""

from __future__ import annotations

import json
import re

from conftest import REPO

from newsclaims.cli import main


def test_the_guideline_example_is_a_valid_annotation(mini_project, capsys):
    page = (REPO / "corpus" / "GUIDELINES.md").read_text(encoding="utf-8")
    section = page[page.index("## 5. The files, by example"):]
    annotation = json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))
    text = "Gdańsk port to reopen\n\nShips left Gdańsk on Monday. The port will reopen next week.\n"
    corpus = mini_project / "corpus"
    (corpus / "documents" / "gdansk-port.txt").write_text(text, encoding="utf-8")
    (corpus / "annotations" / "gdansk-port.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert main(["--root", str(mini_project), "validate", str(corpus / "annotations" / "gdansk-port.json")]) == 0, capsys.readouterr().out
