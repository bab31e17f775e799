"""For the explorer's tests (tests/view/): the site as `newsclaims view` writes it, and an invalid copy
of the seed annotation with known mistakes."""

from __future__ import annotations

import json
from pathlib import Path

SEED = "b8270d0f4451370c"


def write_view(root: Path, out: Path, *extra: str) -> int:
    from newsclaims.cli import main

    return main(["view", "--root", str(root), "--out", str(out), *extra])


def break_seed(project: Path) -> dict[str, str]:
    """The seed annotation with known mistakes, each at a span (or at none); span id -> expected code."""
    path = project / "corpus" / "annotations" / f"{SEED}.json"
    annotation = json.loads(path.read_bytes())
    annotation["entities"][0]["mentions"][2]["text"] = "Putn"  # m3
    annotation["claims"][2]["attribution"]["cue"]["text"] = "according to"  # c3.cue
    annotation["claims"][3]["about"].append("e99")  # c4
    annotation["claims"][4]["end"] = 99999  # c5: outside the text, so not drawn: the banner
    annotation["metadata"]["publisher_source_id"] = "nobody"  # no span: the banner
    path.write_bytes((json.dumps(annotation, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return {"m3": "span-text-mismatch", "c3.cue": "span-text-mismatch", "c4": "unknown-entity"}
