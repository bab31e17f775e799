"""`newsclaims split`: splits are a function of the hash only, stable as the corpus grows, never straddled."""

from __future__ import annotations

import hashlib
import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from newsclaims.cli import main as cli_main
from hypothesis import given, settings, strategies as st

from newsclaims.project import Layout
from newsclaims.splits.assignment import SPLIT_NAMES, compute_assignment, group_key, render_splits, split_of
from newsclaims.splits.recorded import check_assignment, read_splits
from newsclaims.splits.plan import reconcile

from helpers.project import REPO

SEED = "b8270d0f4451370c"
SALT = "newsclaims-v1"
RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}


# --- helpers: edit a temporary project ------------------------------------------------------------

@pytest.fixture
def project(seed_project) -> Path:
    """The real corpus, copied, as it was before any `newsclaims split`: no corpus/splits.json."""
    (seed_project / "corpus" / "splits.json").unlink(missing_ok=True)
    return seed_project


def add_document(project: Path, doc_id: str, story_id: str | None = None) -> None:
    """A copy of the seed document under a new doc_id (same text, so text_sha256 still holds)."""
    corpus = project / "corpus"
    shutil.copyfile(corpus / "documents" / f"{SEED}.txt", corpus / "documents" / f"{doc_id}.txt")
    annotation = json.loads((corpus / "annotations" / f"{SEED}.json").read_text(encoding="utf-8"))
    annotation["doc_id"] = doc_id
    annotation["metadata"]["story_id"] = story_id
    (corpus / "annotations" / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def set_story(project: Path, doc_id: str, story_id: str | None) -> None:
    path = project / "corpus" / "annotations" / f"{doc_id}.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["metadata"]["story_id"] = story_id
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def remove_document(project: Path, doc_id: str) -> None:
    (project / "corpus" / "documents" / f"{doc_id}.txt").unlink()
    (project / "corpus" / "annotations" / f"{doc_id}.json").unlink()


def set_salt(project: Path, salt: str) -> None:
    path = project / "corpus" / "corpus.toml"
    text = path.read_text(encoding="utf-8")
    assert f'salt = "{SALT}"' in text
    path.write_text(text.replace(f'salt = "{SALT}"', f'salt = "{salt}"'), encoding="utf-8")


def split(project: Path, reshuffle: bool = False, dry_run: bool = False) -> tuple[int, str]:
    """`newsclaims split` as the command line runs it: (exit status, its output)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exit_code = cli_main(["--root", str(project), "split", *(["--reshuffle"] if reshuffle else []), *(["--dry-run"] if dry_run else [])])
    return exit_code, out.getvalue()


def recorded(project: Path) -> dict:
    return json.loads((project / "corpus" / "splits.json").read_text(encoding="utf-8"))


# --- the hash -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [SEED, "story-1", "ünïcode-key", ""])
def test_a_split_is_the_sha256_prefix_walked_over_the_cumulative_ratios(key):
    u = int.from_bytes(hashlib.sha256(f"{SALT}\0{key}".encode()).digest()[:8], "big") / 2**64
    expected = "train" if u < 0.8 else "validation" if u < 0.9 else "test"
    assert split_of(SALT, key, RATIOS) == expected


def test_group_key_is_the_story_when_there_is_one():
    assert group_key("doc-a", None) == "doc-a"
    assert group_key("doc-a", "story-x") == "story-x"


def test_ratios_are_honoured_over_many_keys():
    assignment = compute_assignment({f"doc-{i}": f"doc-{i}" for i in range(2000)}, SALT, RATIOS)
    for name in SPLIT_NAMES:
        share = sum(1 for s in assignment.values() if s == name) / len(assignment)
        assert share == pytest.approx(RATIOS[name], abs=0.03), name


def test_an_empty_share_is_never_assigned_and_a_sum_a_hair_below_one_is_safe():
    keys = [f"doc-{i}" for i in range(500)]
    assert {split_of(SALT, k, {"train": 1, "validation": 0, "test": 0}) for k in keys} == {"train"}
    assert {split_of(SALT, k, {"train": 0.9, "validation": 0.1, "test": 0.0}) for k in keys} == {"train", "validation"}
    assert 0.7 + 0.2 + 0.1 < 1  # the floating-point sum that must not leave keys without a split
    assert {split_of(SALT, k, {"train": 0.7, "validation": 0.2, "test": 0.1}) for k in keys} == set(SPLIT_NAMES)


def test_the_schema_names_the_same_splits():
    schema = json.loads((REPO / "schema" / "splits.schema.json").read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["split_name"]["enum"]) == SPLIT_NAMES


doc_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{2,12}", fullmatch=True)
corpora = st.dictionaries(doc_ids, st.one_of(st.none(), st.sampled_from(["story-a", "story-b", "story-c"])), max_size=25)


@settings(max_examples=60, deadline=None)
@given(old_corpus=corpora, more=corpora, salt=st.text(min_size=1, max_size=20), rng=st.randoms(use_true_random=False))
def test_growing_the_corpus_never_moves_a_document_and_no_story_straddles(old_corpus, more, salt, rng):
    old_groups = {doc_id: group_key(doc_id, story) for doc_id, story in old_corpus.items()}
    first = reconcile(old_groups, salt, RATIOS, None, reshuffle=False)
    committed = json.loads(render_splits(salt, RATIOS, first.assignment))

    new_docs = {doc_id: story for doc_id, story in more.items() if doc_id not in old_corpus}
    groups = {**old_groups, **{doc_id: group_key(doc_id, story) for doc_id, story in new_docs.items()}}
    second = reconcile(groups, salt, RATIOS, committed, reshuffle=False)

    # (1) adding documents never moves an existing one
    assert second.problems == [] and second.moved == {} and second.removed == {}
    assert {d: second.assignment[d] for d in old_groups} == first.assignment
    assert set(second.added) == set(new_docs)
    # (2) no group straddles splits
    split_of_group: dict[str, set[str]] = {}
    for doc_id, name in second.assignment.items():
        split_of_group.setdefault(groups[doc_id], set()).add(name)
    assert all(len(names) == 1 for names in split_of_group.values())
    # (3) the assignment does not depend on the order of the input
    shuffled = list(groups.items())
    rng.shuffle(shuffled)
    assert compute_assignment(dict(shuffled), salt, RATIOS) == compute_assignment(groups, salt, RATIOS) == second.assignment
    assert render_splits(salt, RATIOS, compute_assignment(dict(shuffled), salt, RATIOS)) == second.render()


# --- `newsclaims split` on a project --------------------------------------------------------------

def test_split_writes_the_file_and_a_second_run_changes_nothing(project):
    exit_code, output = split(project)
    assert exit_code == 0
    path = project / "corpus" / "splits.json"
    expected_split = split_of(SALT, SEED, RATIOS)
    assert f"added  {SEED} -> {expected_split}" in output and "wrote" in output
    assert recorded(project) == {"schema_version": "1.0", "salt": SALT, "ratios": RATIOS, "documents": {SEED: expected_split}}
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    assert before == render_splits(SALT, RATIOS, {SEED: expected_split})
    assert before.endswith(b"}\n") and b'  "documents"' in before  # 2-space indent, final newline

    exit_code, output = split(project)
    assert exit_code == 0 and "added  " not in output and "up to date" in output
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_dry_run_writes_nothing(project):
    exit_code, output = split(project, dry_run=True)
    assert exit_code == 0 and f"added  {SEED}" in output and "dry run" in output
    assert not (project / "corpus" / "splits.json").exists()


def test_adding_a_document_keeps_existing_assignments(project):
    split(project)
    before = recorded(project)["documents"]
    add_document(project, "copy-of-seed")
    exit_code, output = split(project)
    assert exit_code == 0
    assert f"added  copy-of-seed -> {split_of(SALT, 'copy-of-seed', RATIOS)}" in output
    after = recorded(project)["documents"]
    assert {d: after[d] for d in before} == before and set(after) == set(before) | {"copy-of-seed"}


def test_a_removed_document_is_dropped(project):
    add_document(project, "copy-of-seed")
    split(project)
    remove_document(project, "copy-of-seed")
    exit_code, output = split(project)
    assert exit_code == 0 and "removed copy-of-seed" in output
    assert set(recorded(project)["documents"]) == {SEED}


def _salt_that_moves(doc_ids: list[str]) -> str:
    """A salt under which at least one of the documents lands in another split (found, not guessed)."""
    old = compute_assignment({d: d for d in doc_ids}, SALT, RATIOS)
    return next(salt for salt in (f"salt-{i}" for i in range(1000))
                if compute_assignment({d: d for d in doc_ids}, salt, RATIOS) != old)


def test_a_changed_salt_is_refused_without_reshuffle_and_moves_documents_with_it(project):
    doc_ids = [SEED] + [f"copy-{i}" for i in range(5)]
    for doc_id in doc_ids[1:]:
        add_document(project, doc_id)
    split(project)
    path = project / "corpus" / "splits.json"
    before = path.read_bytes()
    new_salt = _salt_that_moves(doc_ids)
    set_salt(project, new_salt)
    old, new = compute_assignment({d: d for d in doc_ids}, SALT, RATIOS), compute_assignment({d: d for d in doc_ids}, new_salt, RATIOS)
    moving = sorted(d for d in doc_ids if old[d] != new[d])

    exit_code, output = split(project)
    assert exit_code == 1
    assert f"salt changed from '{SALT}' to '{new_salt}'" in output
    assert f"{len(moving)} of {len(doc_ids)} assigned documents would move" in output
    assert "newsclaims split --reshuffle" in output and "refused" in output
    assert path.read_bytes() == before

    exit_code, output = split(project, reshuffle=True)
    assert exit_code == 0
    for doc_id in moving:
        assert f"moved  {doc_id}: {old[doc_id]} -> {new[doc_id]} (salt changed)" in output
    assert recorded(project)["salt"] == new_salt and recorded(project)["documents"] == new


def test_a_story_that_would_straddle_splits_is_refused_until_reshuffled(project):
    split(project)
    seed_split = split_of(SALT, SEED, RATIOS)
    story = next(s for s in (f"story-{i}" for i in range(1000)) if split_of(SALT, s, RATIOS) != seed_split)
    set_story(project, SEED, story)  # the seed keeps its old split, its story's hash says otherwise
    add_document(project, "same-story", story_id=story)
    before = (project / "corpus" / "splits.json").read_bytes()

    exit_code, output = split(project)
    assert exit_code == 1 and "straddle" in output and "--reshuffle" in output
    assert (project / "corpus" / "splits.json").read_bytes() == before

    exit_code, output = split(project, reshuffle=True)
    assert exit_code == 0 and f"moved  {SEED}: {seed_split} -> {split_of(SALT, story, RATIOS)} (group changed" in output
    assert set(recorded(project)["documents"].values()) == {split_of(SALT, story, RATIOS)}


def test_an_invalid_corpus_is_refused_and_nothing_is_written(project):
    (project / "corpus" / "annotations" / f"{SEED}.json").write_text("{", encoding="utf-8")
    exit_code, output = split(project)
    assert exit_code == 1 and "json-invalid" in output
    assert not (project / "corpus" / "splits.json").exists()


def test_a_hand_broken_splits_file_is_reported_with_its_position(project):
    split(project)
    path = project / "corpus" / "splits.json"
    text = path.read_text(encoding="utf-8")
    for name in ("train", "test", "validation"):
        text = text.replace(f'": "{name}"', '": "dev"')
    path.write_text(text, encoding="utf-8")
    value, problems = read_splits(path)
    assert value is None and [(p.code, p.pointer, p.line) for p in problems] == [("schema-enum", f"/documents/{SEED}", 3)]
    exit_code, output = split(project)
    assert exit_code == 1 and "schema-enum" in output


# --- check_assignment, for the build --------------------------------------------------------------

def test_check_assignment_returns_the_splits_of_a_current_file(project):
    split(project)
    assignment, problems = check_assignment(Layout(project), {SEED}, project / "corpus" / "splits.json")
    assert problems == [] and assignment == {SEED: split_of(SALT, SEED, RATIOS)}


def test_check_assignment_reports_a_document_without_a_split(project):
    split(project)
    assignment, problems = check_assignment(Layout(project), {SEED, "new-doc"}, project / "corpus" / "splits.json")
    assert assignment is None and [p.code for p in problems] == ["split-unassigned"]
    assert "new-doc" in problems[0].message and "`newsclaims split`" in problems[0].hint
    assert problems[0].pointer == "/documents/new-doc"


def test_check_assignment_reports_stale_files(project):
    layout = Layout(project)
    assignment, problems = check_assignment(layout, {SEED}, layout.splits_path)
    assert assignment is None and [p.code for p in problems] == ["splits-missing"]
    assert "does not exist" in problems[0].message and "`newsclaims split`" in problems[0].hint

    add_document(project, "gone-doc")
    split(project)
    assignment, problems = check_assignment(layout, {SEED}, layout.splits_path)
    assert assignment is None and [p.code for p in problems] == ["split-stale"]
    assert "gone-doc" in problems[0].message and "`newsclaims split`" in problems[0].hint

    set_salt(project, "another-salt")
    assignment, problems = check_assignment(layout, {SEED, "gone-doc"}, layout.splits_path)
    assert assignment is None and [p.code for p in problems] == ["split-stale"]
    assert "salt changed" in problems[0].message and "--reshuffle" in problems[0].hint


def test_check_assignment_with_groups_finds_a_story_in_the_wrong_split(project):
    split(project)
    story = next(s for s in (f"story-{i}" for i in range(1000)) if split_of(SALT, s, RATIOS) != split_of(SALT, SEED, RATIOS))
    assignment, problems = check_assignment(Layout(project), {SEED}, groups={SEED: story})
    assert assignment is None and "its hash puts it in" in problems[0].message and "--reshuffle" in problems[0].hint
