"""`verify` reports a tampered folder, never raises on one, and cross-checks every fact two files state;
`synth --force` replaces only what synth wrote (the reliability cases 6 and 12).

Every tampering runs on a copy of one build (made once per module). The CLI-level cases are in CASES
(tests/hostile.py): the exit code, the message naming the file and the fix, and every file the
command must leave alone byte-identical.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

from helpers.project import REPO, copy_project
from helpers.hostile import HostileCase, check_outcome, run_hostile
from helpers.project import synth_cli
from newsclaims.synth import project as synth
from newsclaims.cli import main
from newsclaims.dataset.manifest import MANIFEST, sha256_of, verify

CLAIMS = "claims/train-00000-of-00001.parquet"
PARQUET = ["claims", "documents", "entities", "mentions", "sources", "ner", "raw_annotations"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_project(REPO, tmp_path_factory.mktemp("verify") / "project")
    assert main(["--root", str(project), "build"]) == 0
    return project / "data"


@pytest.fixture
def data(built, tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(built, copy)
    return copy


# --- tampering helpers ----------------------------------------------------------------------------

def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content, indent=2), encoding="utf-8")


def edit_manifest(data: Path, change: Callable[[dict], None]) -> None:
    edit_json(data / MANIFEST, change)


def restate_in_manifest(data: Path, *names: str) -> None:
    """Make the manifest's sha256 and bytes of `names` those of the files as they are now."""
    def change(manifest: dict) -> None:
        for name in names:
            manifest["files"][name] = {"sha256": sha256_of(data / name), "bytes": (data / name).stat().st_size}
    edit_manifest(data, change)


def rewrite_parquet(path: Path, rows: int | None = None, ours: Callable[[dict], None] | None = None) -> None:
    """Write the Parquet file again (its first `rows` rows; its b"newsclaims" metadata edited by `ours`)."""
    table = pq.read_table(path)
    if rows is not None:
        table = table.slice(0, rows)
    metadata = dict(table.schema.metadata)
    if ours is not None:
        content = orjson.loads(metadata[b"newsclaims"])
        ours(content)
        metadata[b"newsclaims"] = orjson.dumps(content)
    pq.write_table(table.replace_schema_metadata(metadata), path)


def found(data: Path) -> dict[tuple[str, str], list]:
    """(file, what) -> the differences, of a verify that must not raise."""
    by_key: dict[tuple[str, str], list] = {}
    for difference in verify(data):
        by_key.setdefault((difference.file, difference.what), []).append(difference)
    return by_key


def test_a_fresh_copy_matches_and_every_parquet_file_carries_the_tool_versions(data):
    assert verify(data) == []
    tools = orjson.loads((data / MANIFEST).read_bytes())["tools"]
    for config in PARQUET:
        ours = orjson.loads(pq.read_schema(data / config / "train-00000-of-00001.parquet").metadata[b"newsclaims"])
        assert ours["tools"] == tools, "the second witness of the manifest's tool versions"


# --- a manifest value of the wrong type ----------------------------------------------------------

WRONG_TYPES = {
    "files-a-string": (lambda m: m.__setitem__("files", "all of them"), "/files", 'a string "all of them"'),
    "rows-a-list": (lambda m: m.__setitem__("rows", [22, 1]), "/rows", "an array [22,1]"),
    "entry-without-sha256": (lambda m: m["files"]["README.md"].pop("sha256"), "/files/README.md/sha256", "no such key"),
    "bytes-a-string": (lambda m: m["files"][CLAIMS].__setitem__("bytes", "17890"),
                       "/files/claims~1train-00000-of-00001.parquet/bytes", 'a string "17890"'),
    "entry-a-number": (lambda m: m["files"].__setitem__("README.md", 7), "/files/README.md", "a number 7"),
    "rows-count-a-boolean": (lambda m: m["rows"]["claims"].__setitem__("train", True), "/rows/claims/train", "a boolean true"),
    "split-a-number": (lambda m: m["rows"].__setitem__("claims", 22), "/rows/claims", "a number 22"),
    "tools-a-string": (lambda m: m.__setitem__("tools", "pyarrow"), "/tools", 'a string "pyarrow"'),
    "tool-missing": (lambda m: m["tools"].pop("datasets"), "/tools/datasets", "no such key"),
    "version-a-number": (lambda m: m.__setitem__("version", 1), "/version", "a number 1"),
    "schema-version-null": (lambda m: m.__setitem__("schema_version", None), "/schema_version", "null"),
    "format-unknown": (lambda m: m.__setitem__("manifest_format", 2), "/manifest_format", "a number 2"),
    "top-level-an-array": (None, "the top level", "an array []"),
}


@pytest.mark.parametrize("name", WRONG_TYPES)
def test_a_manifest_value_of_the_wrong_type_is_a_difference_naming_its_json_pointer(data, name):
    change, pointer, shown = WRONG_TYPES[name]
    if change is None:
        (data / MANIFEST).write_text("[]")
    else:
        edit_manifest(data, change)
    differences = found(data)
    assert list(differences) == [(MANIFEST, "manifest")], differences
    (difference,) = differences[(MANIFEST, "manifest")]
    assert difference.expected.endswith(f" at {pointer}") and shown in difference.found


def test_checking_goes_on_past_a_broken_manifest_entry(data):
    # The README.md entry has no sha256 and claims' bytes are a string: the other files are still
    # checked against the manifest, and the claims file against croissant.json.
    edit_manifest(data, lambda m: (m["files"]["README.md"].pop("sha256"), m["files"][CLAIMS].__setitem__("bytes", "x")))
    victim = data / "sources" / "train-00000-of-00001.parquet"
    content = bytearray(victim.read_bytes())
    content[len(content) // 2] ^= 0x01
    victim.write_bytes(bytes(content))
    rewrite_parquet(data / CLAIMS, rows=5)
    differences = found(data)
    assert len(differences[(MANIFEST, "manifest")]) == 2
    assert ("sources/train-00000-of-00001.parquet", "sha256") in differences
    (claims,) = differences[(CLAIMS, "sha256")]
    assert "manifest.json" in claims.expected and "croissant.json" in claims.expected
    assert differences[("claims/train", "rows")][0].found.startswith("5 (the Parquet files")


def test_files_a_string_still_compares_croissant_with_the_parquet_files(data):
    edit_manifest(data, lambda m: m.__setitem__("files", "x"))
    rewrite_parquet(data / CLAIMS, rows=3)
    differences = found(data)
    assert (MANIFEST, "manifest") in differences and (CLAIMS, "sha256") in differences
    assert not any(what in ("missing-file", "unexpected-file") for _, what in differences), "no file list to compare with"


# --- facts the manifest states once, cross-checked -------------------------------------------------

def test_an_edited_schema_version_disagrees_with_every_parquet_file(data):
    edit_manifest(data, lambda m: m.__setitem__("schema_version", "9.9"))
    (difference,) = found(data)[(MANIFEST, "schema_version")]
    assert difference.expected == f"1.0 ({len(PARQUET)} Parquet files' b\"newsclaims\" metadata)" and difference.found == "9.9"
    assert len(verify(data)) == 1


@pytest.mark.parametrize("tool", ["pyarrow", "datasets", "newsclaims"])
def test_an_edited_tool_version_disagrees_with_the_parquet_files(data, tool):
    edit_manifest(data, lambda m: m["tools"].__setitem__(tool, "0.0.1"))
    real = orjson.loads((data / MANIFEST).read_bytes())  # the edit, as the file now says
    assert real["tools"][tool] == "0.0.1"
    (difference,) = found(data)[(MANIFEST, "tools")]
    assert difference.found == f"{tool} 0.0.1" and difference.expected.startswith(f"{tool} ")
    assert "Parquet files' b\"newsclaims\" metadata" in difference.expected
    if tool == "pyarrow":  # two witnesses in every Parquet file
        assert "created_by" in difference.expected


def test_an_edited_dataset_version_is_reported_on_the_file_that_says_it(data):
    edit_manifest(data, lambda m: m.__setitem__("version", "9.9.9"))
    (difference,) = found(data)[(MANIFEST, "version")]
    assert difference.found == "9.9.9"
    assert difference.expected.startswith("0.1.0 (") and "croissant.json" in difference.expected and "README.md" in difference.expected


def test_a_croissant_version_and_a_dataset_name_edited_with_its_manifest_entry(data):
    edit_json(data / "croissant.json", lambda c: (c.__setitem__("version", "2.0.0"), c.__setitem__("name", "other")))
    restate_in_manifest(data, "croissant.json")
    differences = found(data)
    assert sorted(differences) == [("croissant.json", "dataset"), ("croissant.json", "version")]
    assert differences[("croissant.json", "version")][0].found == "2.0.0"
    assert "manifest.json" in differences[("croissant.json", "dataset")][0].expected


def test_a_parquet_file_rewritten_with_its_manifest_entry_disagrees_with_croissant(data):
    old = sha256_of(data / CLAIMS)
    rewrite_parquet(data / CLAIMS)  # the same rows, other bytes (no statistics, other options)
    new = sha256_of(data / CLAIMS)
    assert new != old
    restate_in_manifest(data, CLAIMS)
    differences = found(data)
    assert list(differences) == [(CLAIMS, "sha256")]
    (difference,) = differences[(CLAIMS, "sha256")]
    assert difference.expected == f"{old} (croissant.json)"
    assert difference.found == f"{new} (the file, as manifest.json states)"


def test_a_parquet_file_rewritten_with_fewer_rows_and_its_manifest_updated_disagrees_with_the_card(data):
    rewrite_parquet(data / CLAIMS, rows=10)
    restate_in_manifest(data, CLAIMS)
    edit_manifest(data, lambda m: m["rows"]["claims"].__setitem__("train", 10))
    (rows,) = found(data)[("claims/train", "rows")]
    assert rows.expected == "22 (README.md dataset_info)" and rows.found == "10 (the Parquet files, as manifest.json states)"


def test_a_card_row_count_edited_with_its_manifest_entry(data):
    card = data / "README.md"
    text = card.read_text(encoding="utf-8")
    assert text.count("num_examples: 59\n") == 1
    card.write_text(text.replace("num_examples: 59\n", "num_examples: 60\n"), encoding="utf-8")
    restate_in_manifest(data, "README.md")
    assert {(d.file, d.what, d.expected, d.found) for d in verify(data)} == {
        ("mentions/train", "rows", "60 (README.md dataset_info)", "59 (the Parquet files, as manifest.json states)")}


def test_a_manifest_row_count_that_is_absent(data):
    edit_manifest(data, lambda m: m["rows"].__setitem__("entities", {}))
    (difference,) = found(data)[("entities/train", "rows")]
    assert "manifest.json" in difference.expected and difference.found == "none (21 rows in the Parquet files)"


@pytest.mark.parametrize("field, what, value", [("dataset_version", "version", "0.0.9"), ("schema_version", "schema_version", "2.0"),
                                                ("dataset", "dataset", "elsewhere")])
def test_a_parquet_file_whose_metadata_was_edited_with_every_hash(data, field, what, value):
    rewrite_parquet(data / CLAIMS, ours=lambda ours: ours.__setitem__(field, value))
    digest = sha256_of(data / CLAIMS)
    edit_json(data / "croissant.json", lambda c: [item.__setitem__("sha256", digest) for item in c["distribution"]
                                                  if item.get("contentUrl") == CLAIMS])
    restate_in_manifest(data, CLAIMS, "croissant.json")
    (difference,) = found(data)[(CLAIMS, what)]
    assert difference.found == f'{value} (b"newsclaims" metadata)' and "manifest.json" in difference.expected
    assert len(verify(data)) == 1


def test_parquet_tool_versions_that_disagree_with_the_manifest(data):
    rewrite_parquet(data / CLAIMS, ours=lambda ours: ours["tools"].__setitem__("datasets", "1.0"))
    restate_in_manifest(data, CLAIMS)
    differences = found(data)
    (difference,) = differences[(CLAIMS, "tools")]
    assert difference.found == 'datasets 1.0 (b"newsclaims" metadata)' and "manifest.json" in difference.expected
    assert (CLAIMS, "sha256") in differences  # croissant.json still holds the old hash


@pytest.mark.parametrize("content, what", [(b"{not json", "croissant"), (b"[]", "croissant")])
def test_an_unreadable_croissant_is_a_difference(data, content, what):
    (data / "croissant.json").write_bytes(content)
    restate_in_manifest(data, "croissant.json")
    assert list(found(data)) == [("croissant.json", what)]


def test_a_card_without_front_matter_and_a_corrupt_parquet_file(data):
    (data / "README.md").write_text("# no front matter\n", encoding="utf-8")
    (data / CLAIMS).write_bytes(b"PAR1 not really")
    differences = found(data)
    assert {("README.md", "card"), (CLAIMS, "parquet"), ("README.md", "sha256"), (CLAIMS, "sha256")} <= set(differences)


def test_the_json_output_keeps_its_shape(data, capsys):
    edit_manifest(data, lambda m: m.__setitem__("schema_version", "9.9"))
    assert main(["verify", str(data), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["folder"] == str(data)
    assert report["differences"] == [{"file": MANIFEST, "what": "schema_version",
                                      "expected": f"1.0 ({len(PARQUET)} Parquet files' b\"newsclaims\" metadata)", "found": "9.9"}]


# --- the CLI cases ----------------------------------------------------------------------------------

def _tamper(change: Callable[[Path], None]) -> Callable[[Path, Path], None]:
    return lambda project, tmp: change(project)


def _parquet_rewritten_with_its_manifest_entry(data: Path) -> None:
    rewrite_parquet(data / CLAIMS)
    restate_in_manifest(data, CLAIMS)


def _user_folder(tmp: Path) -> Path:
    """A folder of the user's that is not synthetic output: a changelog, a corpus and a schema of theirs."""
    mine = tmp / "mine"
    for name, text in (("CHANGELOG.md", "# My changelog\n"), ("corpus/notes.md", "my notes\n"),
                       ("corpus/documents/synth-0000001.txt", "my own file, named as synth names its files\n"),
                       ("schema/annotation.schema.json", "{}\n")):
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).write_text(text, encoding="utf-8")
    return mine


def _earlier_synth_output(tmp: Path) -> None:
    """An earlier `synth` run in tmp/own, with files of the user's beside and inside its output."""
    own = tmp / "own"
    synth.generate(5, own, seed=3)
    for name in ("mine/keep.txt", "corpus/notes/keep.txt"):
        (own / name).parent.mkdir(parents=True, exist_ok=True)
        (own / name).write_text("mine\n", encoding="utf-8")


CASES = [
    HostileCase("verify-manifest-files-a-string", "verify a folder whose manifest `files` is a string",
                ["verify", "{project}"], 1, ("manifest.json: manifest:", "at /files", 'found a string "x"'),
                setup=_tamper(lambda data: edit_manifest(data, lambda m: m.__setitem__("files", "x")))),
    HostileCase("verify-manifest-entry-without-sha256", "verify a folder whose manifest lists a file without its sha256",
                ["verify", "{project}"], 1, ("manifest.json: manifest:", "/files/README.md/sha256"),
                setup=_tamper(lambda data: edit_manifest(data, lambda m: m["files"]["README.md"].pop("sha256")))),
    HostileCase("verify-schema-version-edited", "verify a folder whose manifest's schema_version was edited",
                ["verify", "{project}"], 1, ("manifest.json: schema_version: expected 1.0", "found 9.9"),
                setup=_tamper(lambda data: edit_manifest(data, lambda m: m.__setitem__("schema_version", "9.9")))),
    HostileCase("verify-tools-edited", "verify a folder whose manifest's pyarrow version was edited",
                ["verify", "{project}"], 1, ("manifest.json: tools:", "created_by", "found pyarrow 0.0.1"),
                setup=_tamper(lambda data: edit_manifest(data, lambda m: m["tools"].__setitem__("pyarrow", "0.0.1")))),
    HostileCase("verify-parquet-rewritten-with-its-manifest-entry",
                "verify a folder where a Parquet file and its manifest entry were rewritten, croissant.json not",
                ["verify", "{project}"], 1, (f"{CLAIMS}: sha256:", "(croissant.json)", "as manifest.json states"),
                setup=_tamper(_parquet_rewritten_with_its_manifest_entry)),
    HostileCase("synth-force-into-a-user-folder", "synth --force into a folder that is not synthetic output",
                ["synth", "--docs", "3", "--out", "{tmp}/mine", "--force"], 2,
                ("mine is not empty", ".newsclaims-synth.json", "not synthetic", "nothing was changed", "--out", "mine-synth"),
                setup=lambda project, tmp: _user_folder(tmp), watch=("mine",)),
    HostileCase("synth-into-a-user-folder", "synth without --force into a non-empty folder that is not synthetic output",
                ["synth", "--docs", "3", "--out", "{tmp}/mine"], 2, ("mine is not empty", "--out"),
                setup=lambda project, tmp: _user_folder(tmp), watch=("mine",)),
    HostileCase("synth-force-into-a-real-corpus", "synth --force into a project whose corpus is not synthetic",
                ["synth", "--docs", "3", "--out", "{tmp}/real", "--force"], 2, ("not synthetic", "--out"),
                setup=lambda project, tmp: copy_project(REPO, tmp / "real"), watch=("real",)),
    HostileCase("synth-force-over-an-edited-marker", "synth --force where the marker lists a file synth never writes",
                ["synth", "--docs", "3", "--out", "{tmp}/own", "--force"], 2, ("never writes", "nothing was changed"),
                setup=lambda project, tmp: (_earlier_synth_output(tmp), edit_json(
                    tmp / "own" / synth.MARKER, lambda m: m["files"].append("mine/keep.txt"))), watch=("own",)),
    HostileCase("synth-force-over-its-own-output", "synth --force over the output of an earlier synth",
                ["synth", "--docs", "3", "--out", "{tmp}/own", "--force"], 0, ("wrote 3 documents",),
                setup=lambda project, tmp: _earlier_synth_output(tmp), watch=("own/mine", "own/corpus/notes")),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_command(case, built, tmp_path):
    project = tmp_path / "data"  # the command runs in (and verify checks) a copy of the build
    shutil.copytree(built, project)
    outcome = run_hostile(case, project, tmp_path)
    assert check_outcome(case, outcome, project) == [], outcome.output[-2000:]


def test_synth_force_over_its_own_output_replaces_exactly_its_files(tmp_path):
    _earlier_synth_output(tmp_path)
    own = tmp_path / "own"
    assert synth_cli(["--docs", "3", "--out", str(own), "--force", "--seed", "4"]) == 0
    fresh = tmp_path / "fresh"
    synth.generate(3, fresh, seed=4)
    written = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    now = {p.relative_to(own).as_posix(): p.read_bytes() for p in own.rglob("*") if p.is_file()}
    assert now == {**written, "mine/keep.txt": b"mine\n", "corpus/notes/keep.txt": b"mine\n"}, \
        "documents 4 and 5 of the earlier run are gone, the user's files are not"


def test_synth_refuses_to_overwrite_a_file_its_marker_does_not_list(tmp_path, capsys):
    own = tmp_path / "own"
    synth.generate(2, own, seed=1)
    stray = own / "corpus" / "documents" / "synth-0000003.txt"
    stray.write_text("not synth's", encoding="utf-8")
    assert synth_cli(["--docs", "3", "--out", str(own), "--force"]) == 2
    assert f"{stray} is in the way" in capsys.readouterr().err
    assert stray.read_text(encoding="utf-8") == "not synth's" and (own / synth.MARKER).is_file()


def test_synth_into_an_empty_folder_needs_no_force(tmp_path):
    (tmp_path / "empty").mkdir()
    assert synth_cli(["--docs", "2", "--out", str(tmp_path / "empty")]) == 0
    marker = orjson.loads((tmp_path / "empty" / synth.MARKER).read_bytes())
    assert (marker["docs"], marker["seed"]) == (2, 0) and "CHANGELOG.md" in marker["files"]
