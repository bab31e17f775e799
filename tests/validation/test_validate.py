"""`newsclaims validate`: levels, problem records, exit codes, and that bad input never breaks it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.bad_inputs import HOSTILE
from helpers.compiler import skip_without_c_compiler
from helpers.invalid_fixtures import FIXTURES
from newsclaims.problems.docs import render_error_catalogue
from newsclaims.validation.limits import LIMITS
from newsclaims.cli import main
from newsclaims.project import DOC_ID, DocIds, doc_id_names
from newsclaims.validation.fastpath import compiled
from newsclaims.problems.codes import BUILD, CATALOGUE, INTEROP, LEVEL_NAMES, RELEASE

from helpers.project import REPO


def run_validate(capsys, root: Path, *args: str) -> tuple[int, dict]:
    code = main(["--root", str(root), "validate", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def codes_of(report: dict) -> list[str]:
    return sorted({p["code"] for p in report["problems"]})


# --- the schemas ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((REPO / "schema").glob("*.json")), ids=lambda p: p.name)
def test_schema_files_pass_the_metaschema(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)  # raises SchemaError when invalid
    jsonschema_rs.validator_for(schema)


def test_every_closed_vocabulary_defines_each_value_in_one_line():
    enums = 0
    for path in (REPO / "schema").glob("*.json"):
        for name, definition in json.loads(path.read_text(encoding="utf-8")).get("$defs", {}).items():
            if "enum" in definition:
                enums += 1
                descriptions = definition.get("x-enumDescriptions", {})
                assert list(descriptions) == definition["enum"], f"{path.name} $defs/{name}: definitions must follow the enum's order"
                for value, text in descriptions.items():
                    assert text.strip() and "\n" not in text, f"{path.name} $defs/{name}: {value} needs a one-line definition"
    assert enums >= 5  # entity types, claim types, source kinds, attribution modes, verdict labels


# --- one fixture per code -----------------------------------------------------------------------

def test_the_catalogue_and_the_fixtures_name_the_same_codes():
    # interop codes are import/export's (tests/formats/test_interop_codes.py produces each); release codes need a
    # git repository and a release tag (tests/publish/test_publish.py makes each)
    assert set(FIXTURES) == {code for code, entry in CATALOGUE.items() if entry.level not in (INTEROP, RELEASE)}


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_each_fixture_produces_exactly_its_code_and_changes_nothing(code, mini_project, capsys):
    FIXTURES[code](mini_project)
    before = tree_digest(mini_project)
    if CATALOGUE[code].level == BUILD:  # a valid corpus that `build` refuses
        exit_code = main(["--root", str(mini_project), "build", "--format", "json"])
        report = json.loads(capsys.readouterr().out)
    else:
        exit_code, report = run_validate(capsys, mini_project)
    assert exit_code == (0 if CATALOGUE[code].severity == "warning" else 1)
    assert codes_of(report) == [code]
    for record in report["problems"]:
        assert record["file"] and record["message"] and record["hint"]
        assert record["level"] == LEVEL_NAMES[CATALOGUE[code].level]
    assert tree_digest(mini_project) == before, "validate and a refused build must never write to the project"


def test_the_error_catalogue_page_is_generated_from_the_code():
    assert (REPO / "docs" / "errors.md").read_text(encoding="utf-8") == render_error_catalogue(LIMITS), \
        "docs/errors.md is stale: run `python scripts/gen_docs.py`"


# --- valid corpora ------------------------------------------------------------------------------

def test_the_mini_project_is_valid(mini_project, capsys):
    exit_code, report = run_validate(capsys, mini_project)
    assert (exit_code, report["problems"]) == (0, [])
    assert report["files_checked"] == 4


def test_the_corpus_is_valid(capsys):
    exit_code, report = run_validate(capsys, REPO)
    assert report["problems"] == []
    assert exit_code == 0


def test_the_seed_text_is_kept_exactly_as_published():
    data = (REPO / "corpus" / "documents" / "b8270d0f4451370c.txt").read_bytes()
    text = data.decode("utf-8")
    assert hashlib.sha256(data).hexdigest() == "885710c6e279603eab84e2375ac39d54c8d8f7150e066506c2120fb9cb46a264"
    assert "\u00a0" in text and "\u2019" in text and "\u201c" in text and "Vladamir" in text
    assert not text.endswith("\n") and "\r" not in text
    seed = REPO.parent / "shared" / "seeds" / "000_b8270d0f4451370c.txt"
    if seed.exists():  # beside the repo in this project's workspace and CI
        assert seed.read_bytes() == data


# --- problem records ----------------------------------------------------------------------------

def _edit(root: Path, change) -> None:
    path = root / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    change(annotation)
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_all_problems_of_a_file_are_reported_in_one_run(mini_project, capsys):
    def break_three_things(a):
        a["claims"][0]["about"].append("e42")
        a["claims"][1]["source_id"] = "nobody"
        a["entities"][1]["mentions"][0]["text"] = "Bibbi"
    _edit(mini_project, break_three_things)
    exit_code, report = run_validate(capsys, mini_project)
    assert exit_code == 1
    assert codes_of(report) == ["span-text-mismatch", "unknown-entity", "unknown-source"]
    assert {p["pointer"] for p in report["problems"]} == {"/claims/0/about/2", "/claims/1/source_id", "/entities/1/mentions/0/text"}
    assert all(isinstance(p["line"], int) for p in report["problems"])


def test_a_span_mismatch_shows_both_texts_and_where_the_quote_really_is(mini_project, capsys):
    def shift(a):
        mention = a["entities"][0]["mentions"][1]  # "Vladamir Putin"
        mention["start"] += 1
        mention["end"] += 1
    _edit(mini_project, shift)
    _, report = run_validate(capsys, mini_project)
    [record] = report["problems"]
    assert "'Vladamir Putin'" in record["message"] and "'ladamir Putin '" in record["message"]
    assert "start=171, end=185" in record["hint"]


def test_a_label_outside_its_vocabulary_lists_the_allowed_values(mini_project, capsys):
    _edit(mini_project, lambda a: a["claims"][0].update(claim_type="rumour"))
    _, report = run_validate(capsys, mini_project)
    [record] = report["problems"]
    assert record["code"] == "schema-enum" and record["pointer"] == "/claims/0/claim_type"
    for value in ("factual", "opinion", "prediction"):
        assert value in record["message"] and value in record["hint"]


def test_invalid_json_reports_line_and_column(mini_project, capsys):
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].rstrip(",")  # drop the comma after "doc_id": ...
    path.write_text("\n".join(lines), encoding="utf-8")
    _, report = run_validate(capsys, mini_project)
    [record] = report["problems"]
    assert (record["code"], record["line"], record["column"]) == ("json-invalid", 4, 3)


@pytest.mark.parametrize("bad, code", [("NaN", "json-invalid"), ("Infinity", "json-invalid"), ("-Infinity", "json-invalid"),
                                       ("1e999999", "json-invalid"), ("6.0", "schema-type"), ("6.5", "schema-type"),
                                       ("true", "schema-type"), ("99999999999999999999999", "schema-range")])
def test_offsets_that_are_not_plain_integers_are_refused(mini_project, capsys, bad, code):
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    content = path.read_text(encoding="utf-8").replace('"start": 6,', f'"start": {bad},', 1)
    path.write_text(content, encoding="utf-8")
    exit_code, report = run_validate(capsys, mini_project)
    assert exit_code == 1 and codes_of(report) == [code]
    assert report["problems"][0]["line"] is not None


@pytest.mark.parametrize("doc_id", ["../x", "/etc", "a/b", "..", "UPPER", "x y z", "ab"])
def test_doc_ids_with_path_characters_are_refused(mini_project, capsys, doc_id):
    _edit(mini_project, lambda a: a.update(doc_id=doc_id))
    exit_code, report = run_validate(capsys, mini_project)
    assert exit_code == 1 and codes_of(report) == ["doc-id-invalid"]


def test_validating_one_annotation_file(mini_project, capsys):
    annotation = mini_project / "corpus" / "annotations" / "mini-doc.json"
    assert run_validate(capsys, mini_project, str(annotation)) == (0, {"valid": True, "files_checked": 1, "problem_count": 0, "problems": []})
    _edit(mini_project, lambda a: a["claims"][0].update(check_worthy="yes"))
    exit_code, report = run_validate(capsys, mini_project, str(annotation))
    assert exit_code == 1 and codes_of(report) == ["schema-type"]


def test_text_output_names_file_line_code_and_hint(mini_project, capsys):
    _edit(mini_project, lambda a: a["claims"][1].update(source_id="nobody"))
    assert main(["--root", str(mini_project), "validate"]) == 1
    out = capsys.readouterr().out
    assert "corpus/annotations/mini-doc.json:" in out and ": unknown-source: source 'nobody'" in out
    assert "(at /claims/1/source_id)" in out and "hint: Use an id from corpus/sources.json" in out
    assert out.rstrip().endswith("1 problem in 1 file (4 checked)")


def test_usage_errors_exit_2(mini_project, capsys, tmp_path):
    assert main(["--root", str(mini_project), "validate", str(tmp_path / "nope.json")]) == 2
    assert main(["--root", str(tmp_path), "validate"]) == 2
    assert "not a newsclaims project" in capsys.readouterr().err


# --- through the installed command, as a contributor runs it -------------------------------------



@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_annotation_files_get_a_record_never_a_traceback(mini_project, name):
    (mini_project / "corpus" / "annotations" / "mini-doc.json").write_bytes(HOSTILE[name])
    before = tree_digest(mini_project)
    result = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(mini_project), "validate"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "corpus/annotations/mini-doc.json" in result.stdout and "hint:" in result.stdout
    assert tree_digest(mini_project) == before


@given(st.lists(st.text(alphabet="abcnoprsuxlmt019-._/AZé\n", max_size=90), max_size=12))
@settings(max_examples=300, deadline=None)
def test_the_listing_regex_finds_exactly_the_names_doc_id_accepts(names):
    # The listing sorts out a folder with one regex over its names joined by '/'; it must agree, name
    # by name, with DOC_ID (no file name holds '/': hypothesis may make one, which is then dropped).
    names = [name for name in names if "/" not in name] + ["con.json", "nul.json", "com10.json", "a" * 81 + ".json", "a" * 82 + ".json"]
    expected = [name[:-5] for name in names if name.endswith(".json") and DOC_ID.match(name[:-5])]
    assert doc_id_names(".json").findall("/".join(names)) == expected


@given(st.sets(st.from_regex(r"[a-z0-9][a-z0-9-]{2,12}", fullmatch=True), max_size=20))
@settings(max_examples=200, deadline=None)
def test_the_joined_listing_gives_back_the_sorted_doc_ids(doc_ids):
    # The listing keeps its doc_ids in one string (a byte or two a document, not a str object each).
    listed = DocIds(doc_ids)
    assert list(listed) == sorted(doc_ids) and len(listed) == len(doc_ids)
    assert list(listed) == list(listed), "it can be iterated again"
    assert listed == DocIds(reversed(sorted(doc_ids))) and (listed == DocIds(list(doc_ids)[1:])) == (len(doc_ids) == 0)


# Characters that make NFC depend on context: combining marks in and out of canonical order, marks
# that compose with the character before them (with ccc 0 too: Bengali, Tamil, Malayalam, Sinhala
# vowel parts), Hangul jamo and syllables (composed by an algorithm), characters never in NFC
# (Angstrom, Ohm, U+0340), Tibetan vowels that decompose, and non-BMP letters and marks.
NFC_ALPHABET = ("aeiouAEOUnNcCxy<=> .’\u00a0é\u0301\u0316\u0327\u0308\u0345\u0300\u0340\u212b\u2126"
                "\u09c7\u09be\u09d7\u0b92\u0bd7\u0d46\u0d3e\u0dd9\u0dcf\u102e\u1025\u1b35\u1b05"
                "\u1100\u1161\u11a8\uac00\u3099\u304b\u0627\u0654\u0f71\u0f72\u0f73\u0915\u093c"
                "\U00011099\U000110ba\U00011131\U00011127\U0001d15e\U0001f600")


@given(st.text(alphabet=NFC_ALPHABET, max_size=12))
@settings(max_examples=3000, deadline=None)
def test_the_nfc_check_on_the_non_ascii_rest_agrees_with_unicodedata(text):
    from newsclaims.validation.level1_bytes import _PLAIN_ASCII, is_nfc
    import unicodedata

    rest = text.encode().translate(None, _PLAIN_ASCII).decode()
    assert is_nfc(text, rest) == unicodedata.is_normalized("NFC", text)
    assert is_nfc(text, text) == unicodedata.is_normalized("NFC", text)


def test_every_character_nfc_may_compose_with_the_one_before_is_sent_to_the_whole_text_check():
    # NFC_Quick_Check=Maybe is the second character of a composition NFC makes (Unicode UAX #15):
    # every such character, from this Python's own Unicode data, must be in the fast check's set.
    import unicodedata
    from newsclaims.validation.level1_bytes import may_compose_backward

    pattern = may_compose_backward()
    composers = set()
    for code in range(0x80, 0x110000):
        mapping = unicodedata.decomposition(chr(code))
        if mapping and not mapping.startswith("<") and mapping.count(" ") == 1:
            first, second = (chr(int(part, 16)) for part in mapping.split())
            if unicodedata.normalize("NFC", first + second) == chr(code):
                composers.add(second)
    composers |= {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11a8, 0x11c3)}  # Hangul V and T
    assert len(composers) > 90
    assert [hex(ord(c)) for c in sorted(composers) if not pattern.fullmatch(c)] == []
    # And the text checks reject what they must: e + U+0301 composes to é, so "Dame\u0301scus" is not NFC.
    from newsclaims.validation.level1_bytes import decode_text
    assert [p.code for p in decode_text("Dame\u0301scus\n".encode(), "t.txt")[1]] == ["text-not-nfc"]
    assert [p.code for p in decode_text("Dam\u00e9scus \u0085\n".encode(), "t.txt")[1]] == ["text-control-char"]


@given(st.data())
@settings(max_examples=400, deadline=None)
def test_the_fast_document_check_agrees_with_the_exact_checks(data):
    # document_ok is the one-pass yes/no answer for valid files; the exact checks build a record per
    # problem. Edits of the seed document that each break one rule, or none: both must agree on
    # whether there is any problem.

    from newsclaims.validation.level4_content import check_content, iter_spans
    from newsclaims.validation.level3_references import check_references
    from newsclaims.validation.fastpath import document_ok, python_spans_and_links_ok
    from newsclaims.schema import files as schemas
    from newsclaims.validation.files import check_text

    annotation_path = next((REPO / "corpus" / "annotations").glob("*.json"))
    text, text_bytes, _ = check_text(REPO / "corpus" / "documents" / (annotation_path.stem + ".txt"))
    annotation = json.loads(annotation_path.read_text(encoding="utf-8"))
    spans = [span for _, span in iter_spans(annotation)]
    mentions = [m for e in annotation["entities"] for m in e["mentions"]]
    for _ in range(data.draw(st.integers(0, 2))):
        edit = data.draw(st.sampled_from(["offset", "same-stretch", "past-the-end", "whitespace", "id", "about", "hedged", "source", "decimal"]))
        span = data.draw(st.sampled_from(spans))
        if edit == "offset":  # reversed, empty, off by one, past the end
            span[data.draw(st.sampled_from(["start", "end"]))] = data.draw(st.integers(0, len(text) + 3))
        elif edit == "same-stretch":  # a mention copied onto another (or onto itself: no problem)
            first, second = data.draw(st.sampled_from(mentions)), data.draw(st.sampled_from(mentions))
            second.update(start=first["start"], end=first["end"], text=first["text"])
        elif edit == "past-the-end":  # the quote is what the text has, cut at its end
            start = len(text) - data.draw(st.integers(1, 5))
            span.update(start=start, end=len(text) + data.draw(st.integers(0, 2)), text=text[start:])
        elif edit == "whitespace":  # one more character on the right, the quote kept equal to the text
            end = min(int(span["end"]) + 1, len(text))
            span.update(end=end, text=text[int(span["start"]):end])
        elif edit == "id":
            target = data.draw(st.sampled_from(mentions + annotation["claims"] + annotation["entities"]))
            target["id"] = data.draw(st.sampled_from([x["id"] for x in mentions + annotation["claims"] + annotation["entities"]]))
        elif edit == "about":
            claim = data.draw(st.sampled_from(annotation["claims"]))
            claim["about"] = claim["about"] + [data.draw(st.sampled_from(["e1", "e99"]))]
        elif edit == "decimal":  # 6.0 is an integer to JSON Schema, not an offset
            span[data.draw(st.sampled_from(["start", "end"]))] *= 1.0
        elif edit == "hedged":
            claim = data.draw(st.sampled_from(annotation["claims"]))
            claim["hedged"] = not claim["hedged"]
        else:
            claim = data.draw(st.sampled_from(annotation["claims"]))
            claim["source_id"] = data.draw(st.sampled_from(["author", "no-such-source", claim["source_id"]]))
    if not schemas.validator(REPO / "schema", schemas.ANNOTATION).is_valid(annotation):  # e.g. an empty quote
        return  # level 2 reports it; levels 3-4 run only on schema-valid files
    sources = {s["id"] for s in json.loads((REPO / "corpus" / "sources.json").read_text(encoding="utf-8"))["sources"]}
    exact = check_references(annotation, annotation_path, annotation_path.stem, sources) + check_content(annotation, annotation_path, text, text_bytes)
    assert document_ok(annotation, annotation_path.stem, sources, text, text_bytes) == (not exact), [p.code for p in exact]
    # document_ok runs the C pass when it is built: its Python twin must give the same answers.
    assert python_spans_and_links_ok(annotation, annotation_path.stem, sources, text) == (not exact), [p.code for p in exact]
    if compiled is not None:
        assert compiled.spans_and_links_ok(annotation, annotation_path.stem, sources, text) == (not exact), [p.code for p in exact]


# JSON strings that are hard on a scan for the ':' outside strings: colons, quotes and backslashes
# (escaped in the JSON text), non-ASCII; long enough to cross the C scan's 64-byte blocks.
JSON_KEY_ALPHABET = 'ab:"\\ é\n’'
json_strings = st.text(alphabet=JSON_KEY_ALPHABET, max_size=80)
json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | json_strings,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_strings, inner, max_size=4), max_leaves=12)


@given(st.dictionaries(json_strings, json_values, max_size=5), st.data())
@settings(max_examples=400, deadline=None)
def test_the_duplicate_key_checks_agree_with_the_exact_parser(value, data):
    # orjson keeps the last of duplicate keys silently; keys_unique (C, and its Python twin) must say
    # False exactly when the standard library's parser, with its duplicate hook, finds one.
    import orjson

    from newsclaims.validation.level1_json import parse_json
    from newsclaims.validation.fastpath import python_keys_unique

    text = json.dumps(value, indent=data.draw(st.sampled_from([None, 2])), ensure_ascii=data.draw(st.booleans()))
    if value and data.draw(st.booleans()):  # one of its keys again, at the end: the text keeps both
        text = text[:-1].rstrip() + ", " + json.dumps(data.draw(st.sampled_from(list(value)))) + ": 1}"
    exact = not parse_json(text, "a.json")[1]
    parsed = orjson.loads(text)
    assert python_keys_unique(text.encode(), parsed) == exact
    if compiled is not None:
        assert compiled.keys_unique(text.encode(), parsed) == exact


def test_the_c_checks_are_built_where_there_is_a_c_compiler():
    skip_without_c_compiler("validation runs the Python twins of the C checks")
    assert compiled is not None, "newsclaims._fastcheck is not built: reinstall with `pip install -e .` and read the compiler's error"
