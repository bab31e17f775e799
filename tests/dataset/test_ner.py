"""The `ner` config: one row per sentence, tokens by dataset/tokens.py's rule, IOB2 ClassLabel tags that
seqeval reads back into exactly the outermost mentions, offsets into the document, no empty split."""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from helpers.compiler import skip_without_c_compiler
from helpers.project import REPO, SEED, add_copy_of_seed, copy_project
from newsclaims.cli import main
from newsclaims.dataset import tokens
from newsclaims.dataset.tokens import NESTED, OVERLAPPING, TAGGED, tag_document
from newsclaims.schema.features import config_features

NESTING = "nesting-copy"


def quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def mention(text: str, phrase: str, mention_id: str, after: int = 0) -> dict:
    start = text.index(phrase, after)
    return {"id": mention_id, "start": start, "end": start + len(phrase), "text": phrase}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seed and a copy of it with a mention around others ("Russian President Vladamir": "Russian"
    nested in it, "Vladamir Putin" overlapping it) and one inside ("Vladamir", nested)."""
    root = copy_project(REPO, tmp_path_factory.mktemp("ner") / "project")
    add_copy_of_seed(root, NESTING)
    path = root / "corpus" / "annotations" / f"{NESTING}.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    text = (root / "corpus" / "documents" / f"{NESTING}.txt").read_text(encoding="utf-8")
    annotation["entities"] += [
        {"id": "e900", "type": "GROUP", "name": "Russian President Vladamir", "mentions": [mention(text, "Russian President Vladamir", "m900")]},
        {"id": "e901", "type": "PERSON", "name": "Vladamir", "mentions": [mention(text, "Vladamir", "m901")]},
    ]
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert main(["split", "--root", str(root)]) == 0
    assert quiet(["build", "--root", str(root)]) == 0
    return root


def mentions_of(root: Path) -> dict[str, list[tuple[int, int, str]]]:
    found = {}
    for path in sorted((root / "corpus" / "annotations").glob("*.json")):
        annotation = json.loads(path.read_text(encoding="utf-8"))
        found[annotation["doc_id"]] = [(m["start"], m["end"], e["type"]) for e in annotation["entities"] for m in e["mentions"]]
    return found


def outermost(mentions: list[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """The rule, said plainly: a mention is tagged unless another one starting no later, longer when
    starting together (or earlier in the file when equal), holds its start and is itself tagged."""
    tagged: list = []
    for m in sorted(mentions, key=lambda m: (m[0], -m[1])):
        if not tagged or m[0] >= tagged[-1][1]:
            tagged.append(m)
    return set(tagged)


def test_loads_offline_and_seqeval_reads_the_tags_back_into_the_outermost_mentions(built, tmp_path, monkeypatch):
    seqeval = pytest.importorskip("seqeval.metrics.sequence_labeling")
    from datasets import load_dataset

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    loaded = load_dataset(str(built / "data"), "ner", cache_dir=str(tmp_path / "cache"))
    names = loaded[next(iter(loaded))].features["ner_tags"].feature.names
    assert names[0] == "O" and names[1:] == [f"{p}-{t}" for t in config_features(built / "schema")["entities"]["type"].names for p in "BI"]
    texts = {row["doc_id"]: row["text"] for split in loaded for row in load_dataset(str(built / "data"), "documents", split=split,
                                                                                     cache_dir=str(tmp_path / "cache"))}
    spans: dict[str, set] = {doc_id: set() for doc_id in texts}
    for split in loaded:
        for row in loaded[split]:
            text = texts[row["doc_id"]]
            assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"])] == row["tokens"]
            tags = [names[t] for t in row["ner_tags"]]
            for kind, first, last in seqeval.get_entities(tags):
                spans[row["doc_id"]].add((row["token_starts"][first], row["token_ends"][last], kind))
    expected = {doc_id: outermost(found) for doc_id, found in mentions_of(built).items()}
    assert spans == expected
    assert len(expected[SEED]) == len(mentions_of(built)[SEED]), "the seed has no nesting: every mention is tagged"
    assert len(expected[NESTING]) == len(expected[SEED]) - 1, "the group is tagged; Russian (nested) and Vladamir Putin (overlapping) are not"


def test_no_token_crosses_a_mention_boundary_and_sentences_cover_every_token(built):
    mentions = mentions_of(built)
    for path in sorted((built / "data" / "ner").glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            boundaries = {offset for start, end, _ in mentions[row["doc_id"]] for offset in (start, end)}
            assert not any(start < b < end for start, end in zip(row["token_starts"], row["token_ends"]) for b in boundaries)
            assert row["id"].startswith(row["doc_id"] + ":s")
    text = (built / "corpus" / "documents" / f"{SEED}.txt").read_text(encoding="utf-8")
    sentences, _ = tag_document(text, mentions[SEED], config_features(built / "schema")["entities"]["type"].names)
    covered = [(s, e) for sentence in sentences for s, e in zip(sentence["starts"], sentence["ends"])]
    assert "".join(text[s:e] for s, e in covered) == re.sub(r"\s", "", text), "every character but whitespace, once, in order"


def test_no_empty_split_is_written_or_listed_and_the_card_counts_the_untagged(built):
    front = yaml.safe_load((built / "data" / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    listed = {c["config_name"]: sorted(f["split"] for f in c["data_files"]) for c in front["configs"]}
    for config, splits in listed.items():
        files = sorted((built / "data" / config).glob("*.parquet"))
        assert sorted(p.name.split("-")[0] for p in files) == splits, config
        assert all(pq.read_metadata(p).num_rows > 0 for p in files), config
    assert listed["ner"] == listed["documents"] and len(listed["documents"]) < 3, "a split without documents is absent"
    card = (built / "data" / "README.md").read_text(encoding="utf-8")
    tagged = sum(len(outermost(m)) for m in mentions_of(built).values())
    assert f"In this version: {tagged} mentions tagged, 2 nested mentions and 1 overlapping mentions not tagged" in card
    assert "4. **Nested and overlapping mentions**" in card


def test_the_offsets_and_ids_have_their_encodings_the_other_columns_their_dictionaries_and_only_scalars_statistics(built):
    """Arrow ignores an option naming a column path it does not have: the files say what was applied."""
    expected = {"token_starts.list.element": "DELTA_BINARY_PACKED", "token_ends.list.element": "DELTA_BINARY_PACKED",
                "id": "DELTA_BYTE_ARRAY", "doc_id": "RLE_DICTIONARY", "tokens.list.element": "PLAIN",
                "ner_tags.list.element": "RLE_DICTIONARY"}
    for path in sorted((built / "data" / "ner").glob("*.parquet")):
        metadata = pq.read_metadata(path)
        for group in range(metadata.num_row_groups):
            columns = [metadata.row_group(group).column(i) for i in range(metadata.num_columns)]
            assert sorted(column.path_in_schema for column in columns) == sorted(expected)
            for column in columns:
                assert expected[column.path_in_schema] in column.encodings, (path.name, column.path_in_schema, column.encodings)
                # (a dictionary's own page is PLAIN: only the value encodings are exclusive)
                others = {"DELTA_BINARY_PACKED", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY"} - {expected[column.path_in_schema]}
                assert not others & set(column.encodings), (path.name, column.path_in_schema, column.encodings)
                # statistics for the columns a reader can skip row groups by, not for the items of lists
                assert column.is_stats_set == (".list." not in column.path_in_schema), (path.name, column.path_in_schema)


def test_the_tagging_of_each_mention_names_the_rule():
    text = "Russian President Vladamir Putin spoke."
    mentions = [(18, 32, "PERSON"), (0, 7, "PLACE"), (0, 26, "GROUP"), (18, 26, "PERSON")]
    sentences, tagging = tag_document(text, mentions, ["PERSON", "PLACE", "GROUP"])
    assert tagging == [OVERLAPPING, NESTED, TAGGED, NESTED]
    assert sentences[0]["tags"] == ["B-GROUP", "I-GROUP", "I-GROUP", "O", "O", "O"]


# --- the vectorised rule against a slow, obvious reading of it -----------------------------------

def _word(c: str) -> bool:
    return bool(re.match(r"\w", c)) or unicodedata.category(c).startswith("M")


def reference(text: str, mentions: list[tuple[int, int, str]]) -> list[list[tuple[str, str]]]:
    tokens, i = [], 0
    while i < len(text):
        if _word(text[i]):
            j = i
            while j < len(text) and _word(text[j]):
                j += 1
        elif re.match(r"\s", text[i]):
            i += 1
            continue
        else:
            j = i + 1
        cuts = sorted({b for m in mentions for b in m[:2] if i < b < j})
        for a, b in zip([i] + cuts, cuts + [j]):
            tokens.append((a, b))
        i = j
    tags = ["O"] * len(tokens)
    for start, end, kind in outermost(mentions):
        inside = [k for k, (a, b) in enumerate(tokens) if a >= start and b <= end]
        for n, k in enumerate(inside):
            tags[k] = ("I-" if n else "B-") + kind
    breaks = [m.start() if m.group() == "\n" else m.end() for m in re.finditer(r"[.!?][\"'”’)\]]*(?=\s)|\n", text)]
    breaks = [p for p in breaks if not any(s < p < e for s, e, _ in mentions)]
    sentences: dict[int, list] = {}
    for (a, b), tag in zip(tokens, tags):
        sentences.setdefault(sum(1 for p in breaks if p <= a), []).append((text[a:b], tag))
    return list(sentences.values())


SCANS = {"numpy": tokens.numpy_scan, "C": tokens.compiled_scan}


@pytest.mark.parametrize("scan", sorted(SCANS))
def test_the_rule_on_random_texts_with_marks_astral_characters_and_odd_spaces(scan, monkeypatch):
    if scan == "C" and tokens.compiled is None:
        pytest.skip("newsclaims.dataset._fasttokens is not built (test_the_c_scan_is_built... says why)")
    monkeypatch.setattr(tokens, "scan", SCANS[scan])
    alphabet = list("ab Z.!?\n\"'”’)],-_1\t\u00a0\u2003日é") + ["\u0301", "\u093f", "\U0001f600", "\U00010400"]
    rng = random.Random(16)
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        mentions = []
        for _ in range(rng.randint(0, 4) if text else 0):
            start = rng.randrange(len(text))
            mentions.append((start, rng.randint(start + 1, len(text)), rng.choice("ABC")))
        if len({(s, e) for s, e, _ in mentions}) < len(mentions):
            continue  # two mentions of one span: which is tagged is file order, the reference would not say
        sentences, _ = tag_document(text, mentions, ["A", "B", "C"])
        assert [list(zip(s["tokens"], s["tags"])) for s in sentences] == reference(text, mentions), (text, mentions)


def test_the_c_scan_and_the_numpy_scan_agree_on_batches_of_random_texts(monkeypatch):
    if tokens.compiled is None:
        pytest.skip("newsclaims.dataset._fasttokens is not built (test_the_c_scan_is_built... says why)")
    alphabet = list("ab Z.!?\n\"'”’)],-_1\t\r\x0b\u00a0\u2003\u2028日é") + ["\u0301", "\u093f", "\U0001f600", "\U00010400", "\u200b"]
    rng = random.Random(3)
    for _ in range(1500):
        # strs of each width: ASCII, Latin-1, two and four bytes per code point; empty documents too
        width = rng.choice((12, 25, 33, len(alphabet)))
        texts = ["".join(rng.choice(alphabet[:width]) for _ in range(rng.randint(0, 40))) for _ in range(rng.randint(1, 4))]
        mentions = []  # (document, start, end, type), nested and overlapping ones included
        for document, text in enumerate(texts):
            for _ in range(rng.randint(0, 4) if text else 0):
                start = rng.randrange(len(text))
                mentions.append((document, start, rng.randint(start + 1, len(text)), rng.randrange(3)))
        answers = []
        for scan in (tokens.numpy_scan, tokens.compiled_scan):
            monkeypatch.setattr(tokens, "scan", scan)
            answers.append(tokens.tag_documents(texts, *(list(column) for column in zip(*mentions)) if mentions else ([],) * 4))
        reference_answer, c = answers
        c.tokens.validate(full=True)
        assert c.tokens.to_pylist() == reference_answer.tokens.to_pylist(), (texts, mentions)
        for name in ("starts", "ends", "tags", "row_offsets", "row_documents"):
            ours, theirs = getattr(c, name), getattr(reference_answer, name)
            assert ours.tolist() == theirs.tolist() and ours.dtype == theirs.dtype, (name, texts, mentions)
        assert c.mention_tagging == reference_answer.mention_tagging


def test_the_c_scan_is_built_where_there_is_a_c_compiler():
    skip_without_c_compiler("the ner config is made by tokens.numpy_scan")
    assert tokens.compiled is not None, "newsclaims.dataset._fasttokens is not built: reinstall with `pip install -e .` and read the compiler's error"


def test_a_lone_surrogate_is_refused_by_both_scans_as_it_has_no_utf8(monkeypatch):
    for scan in SCANS.values():
        if scan is tokens.compiled_scan and tokens.compiled is None:
            continue
        monkeypatch.setattr(tokens, "scan", scan)
        with pytest.raises((ValueError, UnicodeEncodeError)):
            tokens.tag_documents(["ab\ud800c"], [], [], [], [])
