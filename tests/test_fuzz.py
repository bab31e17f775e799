"""Fuzzing the validator: mutated annotation files are reported as problem records, never crash it.

Every mutator turns the bytes of a valid annotation file into hostile bytes (bit flips, truncation,
swapped types, huge numbers, deep nesting, long strings, random Unicode with lone surrogates, combining
marks and NUL...). For each case `newsclaims validate --format json` must:

- return normally (NEWSCLAIMS_DEBUG=1 makes an internal error raise here instead of exiting 2);
- exit 1 with at least one problem record, each with a catalogue code, file, message and hint; or exit 0,
  and then the file must really be valid: an independent check (the reference `jsonschema` library and
  plain re-implementations of the reference and content rules) agrees, and mutators that only re-format
  the JSON must always give 0;
- write nothing: the corpus tree is byte-identical afterwards.

The suite runs a short budget (hypothesis, ~150 cases); `scripts/fuzz.py` runs the same mutators and
checks for as long as asked.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINI, REPO, copy_project

SCHEMA_DIR = REPO / "schema"
SOURCES = {"mini": MINI, "seed": REPO}  # projects whose annotation files are mutated

# --- random material ------------------------------------------------------------------------------

COMBINING = [chr(c) for c in range(0x300, 0x370)] + ["\u20dd", "\u0489", "\u1ab0", "\ufe20"]
CONTROLS = [chr(c) for c in list(range(0, 0x20)) + list(range(0x7f, 0xa0))]
ODD = ["\ufeff", "\u200b", "\u200d", "\u202e", "\u2028", "\u2029", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff",
       "\U0001f600", "\U0001f1eb\U0001f1f7", "\u00a0", "\u3000", "e\u0301", "\u212b", "\ufb01", "\u0130", "ß", "\x85"]
SURROGATE_ESCAPES = [b"\\ud800", b"\\udfff", b"\\udc00\\ud800", b"\\ud83d", b"\\ud83d\\u0041", b"\\uDBFF"]
RAW_SURROGATES = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xa0\xbd\xed\xb8\x80"]  # CESU-8 style, invalid UTF-8


def random_char(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.3:
        return rnd.choice(COMBINING)
    if kind < 0.45:
        return rnd.choice(CONTROLS)
    if kind < 0.65:
        return rnd.choice(ODD)
    while True:  # any code point except the surrogates (a str with one cannot be encoded as UTF-8)
        c = rnd.randrange(0x110000)
        if not 0xD800 <= c <= 0xDFFF:
            return chr(c)


def random_text(rnd: random.Random, length: int | None = None) -> str:
    length = rnd.choice([0, 1, 2, 5, 20, 300]) if length is None else length
    return "".join(random_char(rnd) for _ in range(length))


def random_value(rnd: random.Random):
    """A JSON value of any type."""
    return rnd.choice([None, True, False, 0, -1, 2**63, 1.5, "", random_text(rnd), [], {}, [random_text(rnd)],
                       {"start": 0, "end": 1, "text": "x"}, {"id": "e1"}])


# --- the tree of a JSON document ------------------------------------------------------------------

def paths(node, path=()):
    """Every (path, value) of a JSON tree, the root included."""
    yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from paths(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from paths(child, path + (index,))


def get_at(tree, path):
    for part in path:
        tree = tree[part]
    return tree


def set_at(tree, path, value):
    if not path:
        return value
    get_at(tree, path[:-1])[path[-1]] = value
    return tree


def dump(tree, rnd: random.Random) -> bytes:
    """JSON bytes in one of several layouts (all equivalent)."""
    style = rnd.randrange(4)
    if style == 0:
        text = json.dumps(tree, ensure_ascii=False, indent=2)
    elif style == 1:
        text = json.dumps(tree, ensure_ascii=False, separators=(",", ":"))
    elif style == 2:
        text = json.dumps(tree, ensure_ascii=True, indent="\t")
    else:
        text = json.dumps(tree, ensure_ascii=False, indent=rnd.randrange(0, 8), sort_keys=True)
    return text.encode("utf-8", "surrogatepass")


def _tree_mutator(change):
    """A mutator that edits the parsed tree at a random path and dumps it again."""
    def mutate(data: bytes, rnd: random.Random) -> bytes:
        tree = json.loads(data)
        choices = list(paths(tree))
        path, value = rnd.choice(choices)
        return dump(change(tree, path, value, rnd), rnd)
    mutate.__name__ = change.__name__
    return mutate


# --- mutators: bytes -> bytes -----------------------------------------------------------------------

def byte_flips(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.choice([1, 1, 2, 4, 16])):
        at = rnd.randrange(len(out))
        out[at] = out[at] ^ (1 << rnd.randrange(8)) if rnd.random() < 0.7 else rnd.randrange(256)
    return bytes(out)


def truncation(data: bytes, rnd: random.Random) -> bytes:
    return data[:rnd.randrange(len(data))]


def splice(data: bytes, rnd: random.Random) -> bytes:
    """A chunk of the file copied over another place (keys and values out of context)."""
    a, b = sorted(rnd.sample(range(len(data)), 2))
    chunk = data[a:b][:200]
    at = rnd.randrange(len(data))
    return data[:at] + chunk + data[at + (len(chunk) if rnd.random() < 0.5 else 0):]


def _swapped_type(tree, path, value, rnd):
    replacement = random_value(rnd)
    while type(replacement) is type(value) and replacement == value:
        replacement = random_value(rnd)
    return set_at(tree, path, replacement)


def _huge_number(tree, path, value, rnd):
    numbers = [p for p, v in paths(tree) if type(v) in (int, float)] or [path]
    digits = rnd.choice([19, 20, 40, 400, 1000, 1001, 4000])  # json.dumps cannot write > 4,300 digits: huge_literal does
    return set_at(tree, rnd.choice(numbers), rnd.choice([10**digits, -(10**digits), 2**31, 2**63, -(2**63) - 1, 1e308, 5e-324, -0.0, 6.0]))


def huge_literal(data: bytes, rnd: random.Random) -> bytes:
    """A number literal Python's json would choke on: 1e999, NaN, thousands of digits, -0, leading zeros."""
    literal = rnd.choice([b"1e999", b"-1e999", b"NaN", b"Infinity", b"-Infinity", b"9" * 4301, b"-" + b"9" * 5000,
                          b"0." + b"0" * 5000 + b"1", b"1" + b"0" * 1001, b"00", b"01", b"-0", b"1.", b".5", b"+1", b"0x10"])
    where = [i for i in range(len(data)) if data[i:i + 1].isdigit() and not data[i - 1:i].isdigit()] or [len(data) // 2]
    at = rnd.choice(where)
    end = at
    while end < len(data) and data[end:end + 1].isdigit():
        end += 1
    return data[:at] + literal + data[end:]


def _deep_nesting(tree, path, value, rnd):
    depth = rnd.choice([31, 32, 33, 100, 999, 1001, 5000, 100_000])
    opener, closer = rnd.choice([("[", "]"), ('{"a":', "}")])
    nested = json.loads(opener * min(depth, 900) + "0" + closer * min(depth, 900)) if depth <= 900 else None
    if nested is not None:
        return set_at(tree, path, nested)
    # too deep for Python to build: write the text directly (json.dumps would recurse too)
    return _RawText(opener * depth + "0" + closer * depth, tree, path)


class _RawText:
    """A tree whose value at `path` is raw JSON text (for values too deep to build in Python)."""

    MARK = "\u0000RAW\u0000"

    def __init__(self, raw: str, tree, path):
        self.raw, self.tree = raw, set_at(tree, path, self.MARK) if path else self.MARK


def _long_string(tree, path, value, rnd):
    strings = [p for p, v in paths(tree) if isinstance(v, str)] or [path]
    size = rnd.choice([2001, 100_001, 300_000])
    unit = rnd.choice(["x", "é", "\u0301", "\U0001f600", " ", random_text(rnd, 3)])
    return set_at(tree, rnd.choice(strings), unit * (size // max(1, len(unit))))


def _random_unicode(tree, path, value, rnd):
    """A string value or key replaced by, or sprinkled with, random Unicode (combining marks, controls...)."""
    strings = [(p, v) for p, v in paths(tree) if isinstance(v, str)]
    target, old = rnd.choice(strings)
    if rnd.random() < 0.5:
        at = rnd.randrange(len(old) + 1)
        new = old[:at] + random_text(rnd, rnd.choice([1, 1, 3])) + old[at:]
    else:
        new = random_text(rnd)
    if rnd.random() < 0.2:  # a key instead of a value
        objects = [(p, v) for p, v in paths(tree) if isinstance(v, dict) and v]
        where, obj = rnd.choice(objects)
        key = rnd.choice(list(obj))
        get_at(tree, where)[new] = obj.pop(key)
        return tree
    return set_at(tree, target, new)


def _string_positions(data: bytes) -> list[int]:
    """Positions just after an opening quote of a string (keys and values)."""
    positions, inside, i = [], False, 0
    while i < len(data):
        c = data[i]
        if c == 0x5C and inside:  # backslash: skip the escaped byte
            i += 2
            continue
        if c == 0x22:
            inside = not inside
            if inside:
                positions.append(i + 1)
        i += 1
    return positions or [0]


def surrogate_escape(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.choice(_string_positions(data))
    return data[:at] + rnd.choice(SURROGATE_ESCAPES) + data[at:]


def raw_surrogate(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.choice(_string_positions(data))
    return data[:at] + rnd.choice(RAW_SURROGATES) + data[at:]


def nul_bytes(data: bytes, rnd: random.Random) -> bytes:
    """NUL as a raw byte (inside or outside strings) or as a \\u0000 escape inside a string."""
    at = rnd.choice(_string_positions(data)) if rnd.random() < 0.6 else rnd.randrange(len(data))
    return data[:at] + rnd.choice([b"\x00", b"\\u0000", b"\x00" * 64, b"\\u0000\\u0000"]) + data[at:]


def combining_marks(data: bytes, rnd: random.Random) -> bytes:
    """Combining marks at the start of a string, where they combine with the quote (not NFC-stable)."""
    at = rnd.choice(_string_positions(data))
    marks = "".join(rnd.choice(COMBINING) for _ in range(rnd.choice([1, 2, 50])))
    return data[:at] + marks.encode() + data[at:]


def _key_edit(tree, path, value, rnd):
    objects = [(p, v) for p, v in paths(tree) if isinstance(v, dict) and v]
    where, obj = rnd.choice(objects)
    key = rnd.choice(list(obj))
    action = rnd.randrange(3)
    if action == 0:
        del obj[key]
    elif action == 1:
        obj[key + rnd.choice(["_", "X", " ", "\u0301"])] = obj[key]
    else:
        obj[random_text(rnd, 4) or "k"] = random_value(rnd)
    return tree


def duplicate_key(data: bytes, rnd: random.Random) -> bytes:
    """A member repeated in the same object (json.loads would silently keep the last one)."""
    text = data.decode("utf-8")
    lines = [i for i, line in enumerate(text.split("\n")) if line.strip().startswith('"') and line.rstrip().endswith(",")]
    if not lines:
        return data + b" "
    parts = text.split("\n")
    i = rnd.choice(lines)
    parts.insert(i, parts[i])
    return "\n".join(parts).encode()


def _offset_shift(tree, path, value, rnd):
    spans = [(p, v) for p, v in paths(tree) if isinstance(v, dict) and "start" in v and "end" in v]
    where, span = rnd.choice(spans)
    field = rnd.choice(["start", "end"])
    if isinstance(span[field], int):
        span[field] = max(-2, span[field] + rnd.choice([-1, 1, -5, 5, 10**8, -span[field]]))
    return tree


def encoding_change(data: bytes, rnd: random.Random) -> bytes:
    choice = rnd.randrange(5)
    if choice == 0:
        return b"\xef\xbb\xbf" + data
    if choice == 1:
        return data.replace(b"\n", b"\r\n")
    if choice == 2:
        return data.decode("utf-8").encode(rnd.choice(["utf-16", "utf-16-le", "utf-32"]))
    if choice == 3:
        return data.decode("utf-8").encode("latin-1", "replace")
    return b" \t\n" * rnd.randrange(1, 4) if rnd.random() < 0.5 else b""


def _reformat(tree, path, value, rnd):
    """Same JSON value, other layout, key order and escapes: must stay valid."""
    def shuffle(node):
        if isinstance(node, dict):
            items = list(node.items())
            rnd.shuffle(items)
            return {k: shuffle(v) for k, v in items}
        if isinstance(node, list):
            return [shuffle(v) for v in node]
        return node
    return shuffle(tree)


_swapped_type.__name__ = "swapped_type"
_huge_number.__name__ = "huge_number"
_deep_nesting.__name__ = "deep_nesting"
_long_string.__name__ = "long_string"
_random_unicode.__name__ = "random_unicode"
_key_edit.__name__ = "key_edit"
_offset_shift.__name__ = "offset_shift"
_reformat.__name__ = "reformat"


def _tree_mutator_raw(change):
    """As _tree_mutator, for changes that may return raw JSON text (deep nesting)."""
    def mutate(data: bytes, rnd: random.Random) -> bytes:
        tree = json.loads(data)
        path, value = rnd.choice(list(paths(tree)))
        result = change(tree, path, value, rnd)
        if isinstance(result, _RawText):
            text = dump(result.tree, rnd).decode("utf-8")
            return text.replace(json.dumps(_RawText.MARK), result.raw, 1).replace(json.dumps(_RawText.MARK, ensure_ascii=False), result.raw, 1).encode()
        return dump(result, rnd)
    mutate.__name__ = change.__name__
    return mutate


MUTATORS = {m.__name__: m for m in [
    byte_flips, truncation, splice, _tree_mutator(_swapped_type), _tree_mutator(_huge_number), huge_literal,
    _tree_mutator_raw(_deep_nesting), _tree_mutator(_long_string), _tree_mutator(_random_unicode),
    surrogate_escape, raw_surrogate, nul_bytes, combining_marks, _tree_mutator(_key_edit), duplicate_key,
    _tree_mutator(_offset_shift), encoding_change, _tree_mutator(_reformat),
]}
# Mutators whose output is the same JSON value as the valid input: validate must accept it.
PRESERVING = {"reformat"}


def mutate(name: str, data: bytes, rnd: random.Random, rounds: int = 1) -> bytes:
    """Apply the mutator, then `rounds - 1` random others on top of it (stacked damage)."""
    return mutate_stack(name, data, rnd, rounds)[0]


def mutate_stack(name: str, data: bytes, rnd: random.Random, rounds: int = 1) -> tuple[bytes, list[str]]:
    """(bytes, names of the mutators that changed them, in order)."""
    data, applied = MUTATORS[name](data, rnd), [name]
    for _ in range(rounds - 1):
        if not data:
            break
        other = rnd.choice(sorted(MUTATORS))
        try:
            data = MUTATORS[other](data, rnd)
            applied.append(other)
        except (ValueError, UnicodeDecodeError, IndexError, RecursionError):
            pass  # structure-aware mutators need parseable input; keep the bytes as they are
    return data, applied


# --- an independent opinion on validity -------------------------------------------------------------

class Invalid(Exception):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Invalid("duplicate key")
    return dict(pairs)


def _depth(node) -> int:
    if isinstance(node, dict):
        return 1 + max(map(_depth, node.values()), default=0)
    if isinstance(node, list):
        return 1 + max(map(_depth, node), default=0)
    return 0


def independently_valid(project: Path, path: Path) -> str | None:
    """None when the annotation file at `path` is valid by an implementation that shares no code with the
    validator (the reference jsonschema library, plain Python rules); else why it is not."""
    import jsonschema

    try:
        data = path.read_bytes()
        if not data.strip() or data.startswith(b"\xef\xbb\xbf") or len(data) > 16 * 2**20:
            raise Invalid("empty, BOM or too large")
        text = data.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates,
                           parse_constant=lambda name: (_ for _ in ()).throw(Invalid(name)))
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # lone surrogates from \u escapes
        if _depth(value) > 32:
            raise Invalid("too deep")
        schema = json.loads((project / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
        if error is not None:
            raise Invalid(f"schema: {error.message[:100]}")
        if value["doc_id"] != path.stem:
            raise Invalid("doc_id differs from the file name")
        doc_bytes = (project / "corpus" / "documents" / f"{value['doc_id']}.txt").read_bytes()
        doc = doc_bytes.decode("utf-8")
        if hashlib.sha256(doc_bytes).hexdigest() != value["text_sha256"]:
            raise Invalid("sha256")
        sources = {s["id"] for s in json.loads((project / "corpus" / "sources.json").read_text(encoding="utf-8"))["sources"]}
        spans, ids, mention_offsets = [], [], []
        for entity in value["entities"]:
            ids.append(entity["id"])
            for mention in entity["mentions"]:
                ids.append(mention["id"])
                spans.append(mention)
                mention_offsets.append((mention["start"], mention["end"]))
        entity_ids = {e["id"] for e in value["entities"]}
        for claim in value["claims"]:
            ids.append(claim["id"])
            spans += [claim] + [s for s in (claim["attribution"]["cue"], claim["attribution"]["source_span"]) if s] + claim["hedge_cues"]
            if not set(claim["about"]) <= entity_ids or claim["source_id"] not in sources:
                raise Invalid("reference")
            if claim["hedged"] != bool(claim["hedge_cues"]):
                raise Invalid("hedge")
            authorial = claim["attribution"]["mode"] == "authorial"
            if authorial != (claim["source_id"] == "author") or (authorial and claim["attribution"]["cue"] is not None):
                raise Invalid("attribution")
        metadata = value["metadata"]
        if any(s not in sources for s in metadata["author_source_ids"] + [metadata["publisher_source_id"] or "author"]):
            raise Invalid("reference")
        if len(ids) != len(set(ids)) or len(mention_offsets) != len(set(mention_offsets)):
            raise Invalid("duplicate id or mention")
        for span in spans:
            start, end = span["start"], span["end"]
            if type(start) is not int or type(end) is not int or not start < end <= len(doc):
                raise Invalid("offsets")
            if doc[start:end] != span["text"] or span["text"][0].isspace() or span["text"][-1].isspace():
                raise Invalid("span text")
    except Invalid as error:
        return str(error)
    except (ValueError, KeyError, TypeError, IndexError, RecursionError, UnicodeError, OSError) as error:
        return f"{type(error).__name__}: {str(error)[:100]}"
    return None


# --- one case ---------------------------------------------------------------------------------------

def corpus_digest(project: Path) -> dict[str, str]:
    return {str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((project / "corpus").rglob("*")) if p.is_file()}


def run_validate(project: Path) -> tuple[int, str, str]:
    """`newsclaims --root PROJECT validate --format json` in this process: (exit code, stdout, stderr)."""
    from newsclaims.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.environ.get("NEWSCLAIMS_DEBUG")
    os.environ["NEWSCLAIMS_DEBUG"] = "1"  # an internal error raises (the case fails with its traceback)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--root", str(project), "validate", "--format", "json"])
    finally:
        if previous is None:
            del os.environ["NEWSCLAIMS_DEBUG"]
        else:
            os.environ["NEWSCLAIMS_DEBUG"] = previous
    return code, out.getvalue(), err.getvalue()


def check_case(project: Path, target: Path, data: bytes, applied: list[str]) -> dict:
    """Write `data` as the annotation file `target`, validate, check every promise; restores nothing.
    Returns the report; raises AssertionError (with what broke) when a promise is not kept."""
    from newsclaims.problems.codes import CATALOGUE, LEVEL_NAMES

    target.write_bytes(data)
    before = corpus_digest(project)
    code, out, err = run_validate(project)
    assert corpus_digest(project) == before, "validate wrote to the corpus"
    assert err == "", f"stderr: {err[:500]}"
    assert code in (0, 1), f"exit code {code}"
    report = json.loads(out)
    assert report["valid"] == (code == 0) and report["problem_count"] == len(report["problems"])
    if code == 1:
        assert report["problems"], "exit 1 without a problem record"
        for record in report["problems"]:
            assert record["code"] in CATALOGUE, record
            assert record["file"] and record["message"] and record["hint"], record
            assert record["level"] == LEVEL_NAMES[CATALOGUE[record["code"]].level], record
    else:
        assert report["problems"] == []
        why = independently_valid(project, target)
        assert why is None, f"validate accepted a file that is not valid ({why})"
    if set(applied) <= PRESERVING:
        assert code == 0, f"a re-formatted valid file was refused: {report['problems'][:3]}"
    return report


def source_annotation(name: str) -> Path:
    return sorted((SOURCES[name] / "corpus" / "annotations").glob("*.json"))[0]


# --- the tests ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    return {name: copy_project(folder, tmp_path_factory.mktemp(name) / "project") for name, folder in SOURCES.items()}


def test_every_mutator_runs_and_changes_the_file():
    for name in SOURCES:
        data = source_annotation(name).read_bytes()
        for mutator in MUTATORS:
            for seed in range(5):
                result = mutate(mutator, data, random.Random(f"{mutator}:{seed}"))
                assert isinstance(result, bytes)
                if mutator not in PRESERVING and seed == 0:
                    assert result != data or mutator == "offset_shift", mutator


def test_the_independent_check_accepts_the_valid_files_and_refuses_a_broken_one(projects):
    for name, project in projects.items():
        target = project / "corpus" / "annotations" / source_annotation(name).name
        assert independently_valid(project, target) is None
        original = target.read_bytes()
        try:
            tree = json.loads(original)
            tree["entities"][0]["mentions"][0]["start"] += 1
            target.write_text(json.dumps(tree), encoding="utf-8")
            assert independently_valid(project, target) == "span text"
        finally:
            target.write_bytes(original)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(source=st.sampled_from(sorted(SOURCES)), mutator=st.sampled_from(sorted(MUTATORS)),
       rounds=st.sampled_from([1, 1, 1, 2, 3]), rnd=st.randoms(use_true_random=False))
def test_mutated_annotation_files_are_reported_never_crash(projects, source, mutator, rounds, rnd):
    project = projects[source]
    target = project / "corpus" / "annotations" / source_annotation(source).name
    original = source_annotation(source).read_bytes()
    try:
        check_case(project, target, *mutate_stack(mutator, original, rnd, rounds))
    finally:
        target.write_bytes(original)


def test_hostile_files_give_no_traceback_through_the_command(tmp_path):
    """Several kinds of damage at once, through `python -m newsclaims` as a contributor runs it (one
    process for all the files: starting Python costs more than validating)."""
    project = copy_project(MINI, tmp_path / "project")
    annotations = project / "corpus" / "annotations"
    data = (annotations / "mini-doc.json").read_bytes()
    hostile = {
        "mini-doc.json": data[:40] + RAW_SURROGATES[0] + b"\x00" + "\u0301".encode() + data[40:200] + b"\\ud800" + b"9" * 5000 + b"[" * 5000 + data[200:],
        "deep-doc.json": mutate("deep_nesting", data, random.Random(1)),
        "huge-doc.json": data.replace(b'"start": 6,', b'"start": ' + b"9" * 5000 + b",", 1),
        "escaped-doc.json": data.replace(b'"Putin"', b'"Put\\ud800in"', 1),
        "wide-doc.json": b"[" + b"{}," * 2_000_000 + b"{}]",
    }
    for name, content in hostile.items():
        (annotations / name).write_bytes(content)
    before = corpus_digest(project)
    env = {k: v for k, v in os.environ.items() if k != "NEWSCLAIMS_DEBUG"}
    result = subprocess.run([sys.executable, "-m", "newsclaims", "--root", str(project), "validate"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1, (result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stdout + result.stderr and "internal error" not in result.stderr
    assert result.stderr == ""
    for name in hostile:
        assert f"corpus/annotations/{name}:" in result.stdout, name
    assert "hint:" in result.stdout
    assert corpus_digest(project) == before


def test_the_bad_input_catalogue_names_every_input():
    """docs/bad-input.md is generated by `scripts/fuzz.py --catalogue` (it runs every input, ~30 s); this
    checks cheaply that it is not behind the tests: every code, mutator, limit probe, path case and known
    hole is on the page, and no mutator case broke a promise when it was written."""
    import importlib.util

    from newsclaims.problems.codes import CATALOGUE, INTEROP
    from test_limits import OVER_LIMIT

    spec = importlib.util.spec_from_file_location("fuzz_script", REPO / "scripts" / "fuzz.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = (REPO / "docs" / "bad-input.md").read_text(encoding="utf-8")
    assert "python scripts/fuzz.py --catalogue docs/bad-input.md" in page
    missing = [f"code {code}" for code in CATALOGUE if CATALOGUE[code].level != INTEROP and f"| `{code}` |" not in page]
    missing += [f"mutator {name}" for name in MUTATORS if f"| `{name}` |" not in page]
    missing += [f"limit {what}" for what, _, _ in OVER_LIMIT if f"one over the schema's limit: {what} (" not in page]
    if os.name == "posix":
        missing += [f"path case {name}" for name, _, _ in script._path_scenarios() if f"| {script._cell(name)} |" not in page]
    missing += [f"known hole {test}" for test, _ in script._xfail_reasons() if f"`{test}`" not in page]
    assert missing == [], "docs/bad-input.md is stale: run `python scripts/fuzz.py --catalogue docs/bad-input.md`"
    assert "failed:" not in page


@pytest.mark.parametrize("relative, command", [("corpus/annotations/mini-doc.json", "validate"), ("corpus/sources.json", "validate"),
                                               ("corpus/splits.json", "build")])
def test_a_json_file_holding_only_null_is_a_problem(tmp_path, relative, command):
    """Found by the fuzzer (swapped_type at the root): the readers return None for "failed to parse", so a
    file holding `null` was accepted with no problem. An annotation was then silently left out of the
    build, sources.json made the build crash, and splits.json let the build publish an empty dataset."""
    from newsclaims.cli import main

    project = copy_project(MINI, tmp_path / "project")
    (project / relative).write_text(" null\n", encoding="utf-8")
    argv = ["--root", str(project), command, "--format", "json"] + (["--out", str(tmp_path / "data")] if command == "build" else [])
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 1
    [record] = json.loads(out.getvalue())["problems"]
    assert (record["code"], record["line"], record["column"]) == ("schema-type", 1, 2)
    assert record["file"].endswith(Path(relative).name) and not (tmp_path / "data").exists()
