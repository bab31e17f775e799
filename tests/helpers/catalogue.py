"""docs/bad-input.md: every hostile or malformed input the tests try, run against this checkout, with
what the tools answer; a pytest plugin, so that the hostile commands and the known holes come from the
tests themselves (their `HostileCase` parameters and `xfail` markers) and no file imports a test file.

    python -m pytest -p helpers.catalogue --bad-input docs/bad-input.md [TESTS...]

(`python scripts/fuzz.py --catalogue docs/bad-input.md` runs exactly that.) The plugin writes the page
once the selected tests have run; the cases of tests not selected are left out.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

from helpers.fuzzing import MUTATORS, RAW_SURROGATES, SOURCES, check_case, mutate_stack, source_annotation
from helpers.hostile import HostileCase
from helpers.project import MINI, REPO, copy_project


def _answer(project: Path, command: str = "validate", count: bool = False) -> str:
    """What `newsclaims COMMAND --format json` answers on a project: exit status and problem codes."""
    import contextlib
    import io
    import os

    from newsclaims.cli import main as cli_main

    out, err = io.StringIO(), io.StringIO()
    argv = ["--root", str(project), command, "--format", "json"]
    if command == "build":
        argv += ["--out", str(project / "data-out")]
    previous = os.environ.pop("NEWSCLAIMS_DEBUG", None)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(argv)
    finally:
        if previous is not None:
            os.environ["NEWSCLAIMS_DEBUG"] = previous
    if code == 2:
        message = err.getvalue().strip().splitlines()[0] if err.getvalue().strip() else "no message"
        message = message.replace(str(project), "<project>").split(": ", 1)[-1]
        return f"exit 2: {message[:160]}"
    try:
        report = json.loads(out.getvalue())
    except json.JSONDecodeError:
        return f"exit {code}"
    codes = sorted({p["code"] for p in report.get("problems", [])})
    problems = len(report.get("problems", []))
    return (f"exit {code}" + (": " + ", ".join(f"`{c}`" for c in codes) if codes else "")
            + (f" ({problems:,} problem{'s' if problems != 1 else ''})" if count else ""))


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_FRESH = Counter()


def _fresh(workdir: Path, source: Path, name: str) -> Path:
    """A new copy of a project, in a folder never used before (schemas are cached per schema folder)."""
    _FRESH[name] += 1
    return copy_project(source, workdir / f"{name}-{_FRESH[name]}")


def path_scenarios():
    """(name, what, setup(project, outside)) of the path cases of tests/test_paths.py."""
    import os

    def link(relative, target):
        def setup(project, outside):
            path = project / relative
            if path.exists() or path.is_symlink():
                path.unlink()
            path.symlink_to(target(project, outside))
        return setup

    def replace_by_fifo(relative):
        def setup(project, outside):
            (project / relative).unlink()
            os.mkfifo(project / relative)
        return setup

    def doc_id(value):
        def setup(project, outside):
            path = project / "corpus" / "annotations" / "mini-doc.json"
            annotation = json.loads(path.read_text(encoding="utf-8"))
            annotation["doc_id"] = value
            path.write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")
        return setup

    def copy_as(relative, name):
        def setup(project, outside):
            shutil.copy2(project / relative, (project / relative).parent / name)
        return setup

    def folder_outside(folder):
        def setup(project, outside):
            target = project / "corpus" / folder
            shutil.copytree(target, outside / folder)
            shutil.rmtree(target)
            target.symlink_to(outside / folder, target_is_directory=True)
        return setup

    def rename_doc(value):
        def setup(project, outside):
            doc_id(value)(project, outside)
            corpus = project / "corpus"
            (corpus / "annotations" / "mini-doc.json").rename(corpus / "annotations" / f"{value}.json")
            (corpus / "documents" / "mini-doc.txt").rename(corpus / "documents" / f"{value}.txt")
        return setup

    def bad_name(project, outside):
        with open(os.fsencode(project / "corpus" / "annotations") + b"/\xff\xfe-doc.json", "wb") as handle:
            handle.write(b"{}")

    annotation = "corpus/annotations/mini-doc.json"
    return [
        ("doc_id `../documents/mini-doc`", "a doc_id that climbs out of annotations/", doc_id("../documents/mini-doc")),
        ("doc_id `/etc/passwd`", "an absolute path as doc_id", doc_id("/etc/passwd")),
        ("doc_id `a\\b`, `C:\\x`, `x\\u0000y`", "Windows separators, a drive, NUL", doc_id("C:\\x")),
        ("doc_id `MINI-DOC`", "upper case", doc_id("MINI-DOC")),
        ("doc_id `con`", "a name Windows reserves (con, nul, aux, prn, com1, lpt1)", rename_doc("con")),
        ("`Mini-Doc.json` beside `mini-doc.json`", "names that differ only by case", copy_as(annotation, "Mini-Doc.json")),
        ("`abc\\n.txt` in documents/", "a file name ending in a newline", copy_as("corpus/documents/mini-doc.txt", "abc\n.txt")),
        ("`\\xff\\xfe-doc.json`", "a file name that is not UTF-8", bad_name),
        ("link to a file outside", "annotations/mini-doc.json -> a named pipe outside the corpus",
         lambda project, outside: (os.mkfifo(outside / "pipe"), link(annotation, lambda p, o: o / "pipe")(project, outside))),
        ("relative link `../../../outside/x.json`", "a link climbing out of the corpus",
         lambda project, outside: (shutil.copy2(project / annotation, outside / "x.json"),
                                   link(annotation, lambda p, o: Path("..") / ".." / ".." / o.name / "x.json")(project, outside))),
        ("link loop", "annotations/loop-doc.json -> itself", link("corpus/annotations/loop-doc.json", lambda p, o: Path("loop-doc.json"))),
        ("dangling link", "annotations/ghost-doc.json -> a missing file", link("corpus/annotations/ghost-doc.json", lambda p, o: Path("nope.json"))),
        ("annotations/ linked outside", "the folder itself is a link to a copy elsewhere", folder_outside("annotations")),
        ("documents/ linked outside", "the folder itself is a link to a copy elsewhere", folder_outside("documents")),
        ("sources.json linked outside", "corpus/sources.json -> a copy elsewhere",
         lambda project, outside: (shutil.copy2(project / "corpus/sources.json", outside / "sources.json"),
                                   link("corpus/sources.json", lambda p, o: o / "sources.json")(project, outside))),
        ("sources.json is a named pipe", "a FIFO where a corpus file belongs (opening it would block)", replace_by_fifo("corpus/sources.json")),
        ("annotation is a named pipe", "a FIFO in annotations/", replace_by_fifo(annotation)),
        ("sources.json -> /dev/zero", "a device: size 0, endless", link("corpus/sources.json", lambda p, o: Path("/dev/zero"))),
        ("a folder named mini-doc.json", "a folder where a file belongs",
         lambda project, outside: ((project / annotation).unlink(), (project / annotation).mkdir())),
    ]


MUTATOR_WHAT = {
    "byte_flips": "1-16 bits or bytes changed anywhere",
    "truncation": "the file cut at a random byte",
    "splice": "a chunk of the file copied over another place",
    "swapped_type": "a value replaced by one of another type (null, bool, number, string, list, object)",
    "huge_number": "a number replaced by 10^19..10^4000, 2^63, 1e308, 5e-324, -0.0 or 6.0",
    "huge_literal": "a number literal replaced by 1e999, NaN, Infinity, 4,301+ digits, 00, .5, +1, 0x10",
    "deep_nesting": "a value wrapped in 31 to 100,000 levels of [ ] or {\"a\": }",
    "long_string": "a string replaced by 2,001 to 300,000 characters (ASCII, accents, combining marks, emoji)",
    "random_unicode": "a string or key replaced by or sprinkled with random code points: controls, combining marks, "
                      "noncharacters, BOM, RTL override, astral",
    "surrogate_escape": "a lone surrogate escape (\\ud800, \\udc00\\ud800...) inserted in a string",
    "raw_surrogate": "a surrogate encoded as raw bytes (ED A0 80: CESU-8, not UTF-8) inserted in a string",
    "nul_bytes": "NUL as raw bytes or \\u0000 escapes, in and out of strings",
    "combining_marks": "combining marks at the start of a string (they combine with the quote)",
    "key_edit": "a key deleted, misspelt, or an unknown key added",
    "duplicate_key": "a member repeated in its object",
    "offset_shift": "a span offset moved by +-1, +-5, 10^8 or to 0",
    "encoding_change": "BOM, CRLF, UTF-16/32, Latin-1, empty or whitespace-only file",
    "reformat": "the same JSON value re-serialised (indent, key order, \\u escapes): must stay valid",
}


def render_catalogue(hostile_cases: list[tuple[str, object, str]], known_holes: list[tuple[str, str]],
                     cases_per_mutator: int = 20) -> str:
    """docs/bad-input.md, from running every bad input of the tests against this checkout."""
    import os

    from helpers.bad_inputs import HOSTILE, OVER_LIMIT, bombs, corruptions
    from helpers.invalid_fixtures import FIXTURES
    from newsclaims.validation import limits as parse
    from newsclaims.project import Layout
    from newsclaims.problems.codes import BUILD, CATALOGUE, INTEROP
    from newsclaims.validation.files import check_annotation, check_sources


    lines = [
        "# Bad input: what the tools answer",
        "",
        "<!-- Generated by `python scripts/fuzz.py --catalogue docs/bad-input.md`: every input below was run against",
        "     the checkout when the page was written. Do not edit by hand; regenerate after changing the validator. -->",
        "",
        "Every hostile or malformed input the test suite tries, and what `newsclaims validate --format json` (or",
        "`build`) answered. Exit status: 0 valid, 1 problems reported (each with `code`, `file`, `message`, `hint`),",
        "2 usage error, refusal or internal error, 3 the machine refused (disk full, read-only, permission denied),",
        "130 interrupted. An internal error is a bug: the known ones are listed at the end.",
        "The codes are explained in [errors.md](errors.md), with the limits.",
        "",
        "Where it comes from: `tests/helpers/invalid_fixtures.py` (one fixture per code), `tests/helpers/bad_inputs.py`",
        "(hostile files, systematic corruptions, JSON bombs, limits), `tests/helpers/fuzzing.py` (mutators),",
        "`tests/validation/test_paths.py` (paths), and every hostile command of the reliability tests (`HostileCase`",
        "in `tests/helpers/hostile.py`: build, validate, verify, synth, the option parser, signals), with the",
        "outcome of its test in the run that wrote the page. The project is the mini fixture (`tests/fixtures/mini`)",
        "unless said otherwise.",
        "",
    ]
    workdir = Path(tempfile.mkdtemp(prefix="newsclaims-catalogue-"))
    try:
        # 1. fixtures
        lines += ["## One fixture per problem code", "", "| code | the fixture breaks this rule | answer |", "|---|---|---|"]
        for code in [c for c in CATALOGUE if CATALOGUE[c].level != INTEROP]:  # import/export's: docs/formats.md
            if code not in FIXTURES:  # release codes need a git repository and a tag: tests/publish/test_publish.py
                lines.append(f"| `{code}` | {cell(CATALOGUE[code].title)} | `publish` (or `build`): made in a git repository by "
                             "tests/publish/test_publish.py |")
                continue
            project = _fresh(workdir, MINI, "fixture")
            FIXTURES[code](project)
            command = "build" if CATALOGUE[code].level == BUILD else "validate"
            lines.append(f"| `{code}` | {cell(CATALOGUE[code].title)} | `{command}`: {_answer(project, command)} |")
        lines.append("")

        # 2. hostile files
        lines += ["## Hostile annotation files", "", "The whole of `corpus/annotations/mini-doc.json` replaced by:", "",
                  "| input | answer |", "|---|---|"]
        hostile = dict(HOSTILE)
        mini = (MINI / "corpus" / "annotations" / "mini-doc.json").read_bytes()
        hostile.update({
            "raw surrogate + NUL + combining mark + `\\ud800` + 5,000 digits + 5,000 `[`": mini[:40] + RAW_SURROGATES[0] + b"\x00"
            + "\u0301".encode() + mini[40:200] + b"\\ud800" + b"9" * 5000 + b"[" * 5000 + mini[200:],
            "an offset of 5,000 digits": mini.replace(b'"start": 6,', b'"start": ' + b"9" * 5000 + b",", 1),
            "`\\ud800` inside a mention's text": mini.replace(b'"Putin"', b'"Put\\ud800in"', 1),
            "6 million `{}` (16 MiB)": b"[" + b"{}," * 2_000_000 + b"{}]",
            "`null`": b"null\n",
        })
        for name, data in hostile.items():
            project = _fresh(workdir, MINI, "hostile")
            (project / "corpus" / "annotations" / "mini-doc.json").write_bytes(data)
            lines.append(f"| {cell(name)} | {_answer(project)} |")
        lines.append("")

        # 3. corruptions
        lines += ["## Systematic corruptions", "",
                  "Every value of the mini annotation replaced in turn (as `tests/test_corruptions.py` does, all cases here),",
                  "every key deleted, an unknown key added to every object; checked with `check_annotation`.", "",
                  "| corruption | cases | still valid | codes reported |", "|---|---|---|---|"]
        layout = Layout(MINI)
        sources, _ = check_sources(layout.sources_path, REPO / "schema")
        source_ids = {s["id"] for s in sources}
        original = json.loads(mini)
        target = workdir / "corrupt" / "mini-doc.json"
        target.parent.mkdir()
        rows: dict[str, list] = {}
        for label, make in corruptions(original):
            kind = "delete a key" if label.startswith("del ") else "add an unknown key" if label.endswith("/surprise") else \
                "value := " + label.split(" = ", 1)[1]
            target.write_text(json.dumps(make(), ensure_ascii=False), encoding="utf-8")
            result, problems = check_annotation(target, REPO / "schema", source_ids, {}, layout.documents_dir)
            row = rows.setdefault(kind, [0, 0, Counter()])
            row[0] += 1
            row[1] += result is not None
            row[2].update({p.code for p in problems})
        for kind, (cases, valid, codes) in rows.items():
            lines.append(f"| {cell(kind)} | {cases} | {valid} | {', '.join(f'`{c}`' for c in sorted(codes))} |")
        lines += ["", "A replacement that stays valid swaps a free-text value (a title, a name, a licence) for another valid one.", ""]

        # 4. mutators
        lines += ["## Fuzzing: the mutators", "",
                  f"A fixed sample of {cases_per_mutator} cases per mutator on each of the mini and the seed annotation (one",
                  "mutator per case). `scripts/fuzz.py --seconds N` runs them stacked, for as long as asked, and checks every",
                  "answer (no exception, coded records, exit 0 only for a file an independent check finds valid, nothing written).", "",
                  "| mutator | what it does | exit 0 | exit 1 | other | codes reported |", "|---|---|---|---|---|---|"]
        projects = {name: _fresh(workdir, folder, f"fuzz-{name}") for name, folder in SOURCES.items()}
        broken = False
        for mutator in sorted(MUTATORS):
            exits, codes = Counter(), Counter()
            for name in sorted(SOURCES):
                original_bytes = source_annotation(name).read_bytes()
                path = projects[name] / "corpus" / "annotations" / source_annotation(name).name
                for case in range(cases_per_mutator):
                    data, applied = mutate_stack(mutator, original_bytes, random.Random(f"catalogue:{mutator}:{name}:{case}"))
                    try:
                        report = check_case(projects[name], path, data, applied)
                        exits[0 if report["valid"] else 1] += 1
                        codes.update({p["code"] for p in report["problems"]})
                    except Exception as error:  # a broken promise: shown, not hidden
                        exits[f"failed: {type(error).__name__}"] += 1
                    finally:
                        path.write_bytes(original_bytes)
            other = ", ".join(f"{k} x{v}" for k, v in exits.items() if k not in (0, 1)) or "0"
            lines.append(f"| `{mutator}` | {cell(MUTATOR_WHAT.get(mutator, ''))} | {exits[0]} | {exits[1]} | {other} | "
                         f"{', '.join(f'`{c}`' for c in sorted(codes))} |")
            broken |= any(k not in (0, 1) for k in exits)
        lines.append("")
        if broken:
            lines += ["**`failed`**: a case broke a promise when this page was written (an exception out of `validate`, or",
                      "a wrong answer). `python scripts/fuzz.py --seconds 60` reproduces it and saves the input; the test",
                      "suite fails until it is fixed.", ""]

        # 5. limits
        lines += ["## Limits and JSON bombs", "", "| input | answer |", "|---|---|"]
        probes = []
        for name, relative, limit in [("annotation", "corpus/annotations/mini-doc.json", parse.MAX_ANNOTATION_BYTES),
                                      ("document text", "corpus/documents/mini-doc.txt", parse.MAX_TEXT_BYTES),
                                      ("sources.json", "corpus/sources.json", parse.MAX_REGISTRY_BYTES)]:
            def sparse(project, relative=relative, limit=limit):
                with (project / relative).open("r+b") as handle:
                    handle.truncate(limit + 1)
            probes.append((f"{name} of {limit + 1:,} bytes (sparse)", sparse))

        def in_annotation(fragment):
            def setup(project):
                path = project / "corpus" / "annotations" / "mini-doc.json"
                path.write_text(path.read_text(encoding="utf-8").replace('"claims": [', fragment + ', "claims": [', 1), encoding="utf-8")
            return setup

        depth = parse.MAX_JSON_DEPTH
        probes += [
            (f"nesting {depth} deep", in_annotation('"deep": ' + "[" * (depth - 1) + "]" * (depth - 1))),
            (f"nesting {depth + 1} deep", in_annotation('"deep": ' + "[" * depth + "]" * depth)),
            ("nesting 400,000 deep", in_annotation('"deep": ' + "[" * 400_000 + "]" * 400_000)),
            (f"{parse.MAX_JSON_VALUES + 1:,} values", in_annotation('"wide": [' + "0," * (parse.MAX_JSON_VALUES - 1) + "0]")),
            (f"an integer of {parse.MAX_INT_DIGITS + 1:,} digits", in_annotation('"n": ' + "9" * (parse.MAX_INT_DIGITS + 1))),
            ("5,000 duplicate keys", in_annotation(", ".join(['"x": 1'] * 5000))),
        ]
        def empty_mentions(n):
            def setup(project):
                path = project / "corpus" / "annotations" / "mini-doc.json"
                annotation = json.loads(path.read_text(encoding="utf-8"))
                annotation["entities"] = [{**e, "mentions": [{}] * n} for e in annotation["entities"][:1]]
                path.write_text(json.dumps(annotation), encoding="utf-8")
            return setup
        probes.append(("10,000 empty mentions `{}` (30 KB): within every limit, 4 problems each", empty_mentions(10_000)))
        for name, data in bombs().items():
            probes.append((f"16 MiB bomb: {name}", lambda project, data=data: (project / "corpus" / "annotations" / "mini-doc.json").write_bytes(data)))
        for what, pointer, change in OVER_LIMIT:
            def over(project, change=change):
                path = project / "corpus" / "annotations" / "mini-doc.json"
                annotation = json.loads(path.read_text(encoding="utf-8"))
                change(annotation)
                path.write_text(json.dumps(annotation, ensure_ascii=False), encoding="utf-8")
            probes.append((f"one over the schema's limit: {what} (`{pointer}`)", over))
        for name, setup in probes:
            project = _fresh(workdir, MINI, "limits")
            setup(project)
            started = time.monotonic()
            answer = _answer(project, count=True)
            seconds = time.monotonic() - started
            lines.append(f"| {cell(name)} | {answer} ({'< 1' if seconds < 1 else f'{seconds:.0f}'} s) |")
        lines += ["", "Times are of the run that wrote the page. The bombs' peak memory is measured by",
                  "tests/test_limits.py (under 300 MiB of growth; about 15-60 MiB when the page was written).", ""]

        # 6. paths
        lines += ["## Paths", "", "| input | what | answer |", "|---|---|---|"]
        if os.name == "posix":
            for name, what, setup in path_scenarios():
                project = _fresh(workdir, MINI, "paths")
                outside = project.parent / f"outside-{_FRESH['paths']}"
                outside.mkdir()
                setup(project, outside)
                lines.append(f"| {cell(name)} | {cell(what)} | {_answer(project)} |")
        lines.append("")

        # 7. build
        lines += ["## Build", "", "`newsclaims build` validates first: on any problem it writes nothing (exit 1) and lists the",
                  "problems as `validate` does.", "", "| input | answer |", "|---|---|"]
        for name, setup in [
            ("a truncated annotation", lambda project: (project / "corpus/annotations/mini-doc.json").write_bytes(mini[:300])),
            ("a lone surrogate escape in a mention", lambda project: (project / "corpus/annotations/mini-doc.json").write_bytes(
                mini.replace(b'"Putin"', b'"Put\\ud800in"', 1))),
            ("corpus/splits.json holding only `null`", lambda project: (project / "corpus/splits.json").write_bytes(b"null")),
            ("corpus/sources.json holding only `null`", lambda project: (project / "corpus/sources.json").write_bytes(b"null")),
            ("a valid corpus whose only document has no entity", lambda project: (project / "corpus/annotations/mini-doc.json").write_text(
                json.dumps({**original, "entities": [], "claims": [{**c, "about": []} for c in original["claims"]]}), encoding="utf-8")),
        ]:
            project = _fresh(workdir, MINI, "build")
            setup(project)
            answer = _answer(project, "build")
            written = (project / "data-out").exists()
            lines.append(f"| {cell(name)} | {answer}{'' if written or not answer.startswith('exit 1') else '; nothing written'} |")
        lines.append("")

        # 8. hostile commands: the reliability tests' cases, with their outcome in this run
        lines += ["## Hostile commands", "",
                  "Each case runs one `newsclaims` command in a subprocess on a copy of the project (unprivileged, or in",
                  "a private mount namespace with a read-only or full file system, where it says so) and checks what a",
                  "user sees: the exit status, the message naming the path and the fix, no traceback, and every file of",
                  "the project byte-identical afterwards but for what the command may write.", "",
                  "| case | what it tries | command | exit | the output says | test |", "|---|---|---|---|---|---|"]
        for test_file, case, outcome in hostile_cases:
            says = "; ".join(f"`{fragment}`" for fragment in case.says)
            command = " ".join(["newsclaims", *case.argv]).replace("{project}", "<project>").replace("{tmp}", "<tmp>")
            lines.append(f"| `{case.name}` | {cell(case.what)} | `{cell(command)}` | {case.exit} | {cell(says)} | "
                         f"{cell(outcome)} ({test_file}) |")
        lines.append("")

        # 9. known holes
        lines += ["## Known holes", "", "Each is a test marked `xfail(strict=True)` (it fails today; when the fix lands it passes,",
                  "and strict xfail makes the suite fail until the marker is removed and this page regenerated).", ""]
        for test, reason in known_holes:
            lines.append(f"- `{test}`: {reason}")
        lines.append("")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return "\n".join(lines)




# --- the plugin -----------------------------------------------------------------------------------

_ITEMS, _RESULTS = pytest.StashKey[list](), pytest.StashKey[dict]()


def pytest_addoption(parser):
    parser.addoption("--bad-input", metavar="PATH", help="write the bad-input catalogue (Markdown) to PATH after the run")


def pytest_configure(config):
    config.stash[_RESULTS] = {}


def _case_of(item) -> HostileCase | None:
    callspec = getattr(item, "callspec", None)
    case = callspec.params.get("case") if callspec else None
    return case if isinstance(case, HostileCase) else None


def pytest_collection_modifyitems(config, items):
    config.stash[_ITEMS] = list(items)


def pytest_runtest_logreport(report):
    results = _CURRENT.get("results")
    if results is None:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            results[report.nodeid] = "skipped: " + reason.removeprefix("Skipped: ")
        else:
            results[report.nodeid] = report.outcome


def pytest_sessionstart(session):
    _CURRENT["results"] = session.config.stash[_RESULTS]


def pytest_sessionfinish(session):
    path = session.config.getoption("--bad-input")
    if not path:
        return
    items = session.config.stash.get(_ITEMS, [])
    Path(path).write_text(render_catalogue(hostile_cases(items, session.config.stash[_RESULTS]), known_holes(items)),
                          encoding="utf-8")


def hostile_cases(items, results: dict | None = None) -> list[tuple[str, HostileCase, str]]:
    """(test file, case, outcome) of every collected test parametrized with a HostileCase."""
    found = []
    for item in items:
        case = _case_of(item)
        if case is not None:
            found.append((Path(item.fspath).name, case, (results or {}).get(item.nodeid, "not run")))
    return found


def known_holes(items) -> list[tuple[str, str]]:
    """(test, reason) of every collected test marked xfail: the known holes."""
    found = []
    for item in items:
        mark = item.get_closest_marker("xfail")
        if mark is not None:
            found.append((f"{Path(item.fspath).name}::{item.name}", mark.kwargs.get("reason", "")))
    return found


_CURRENT: dict = {}  # the results of this session, as the report hook sees no config
