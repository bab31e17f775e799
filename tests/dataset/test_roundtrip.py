"""Nothing lost: the annotation files, texts and sources rebuilt from the built Parquet tables are the
corpus's, exactly (every document, entity, mention, claim and source field), on the seed corpus and on
synthetic corpora; the flat configs (entities, mentions, claims) agree with the nested documents rows;
and a corpus rebuilt from data/ builds the same Parquet bytes again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import random
import shutil
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsclaims.cli import main
from newsclaims.schema.features import decode_labels as decode
from newsclaims.dataset.roundtrip import iter_config, read_corpus_from_data, read_rows, write_corpus

from helpers.project import MINI, REPO, copy_project

CONFIGS = ("documents", "entities", "mentions", "claims", "sources", "ner")


def quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def build(root: Path, out: Path) -> Path:
    assert quiet(["--root", str(root), "build", "--out", str(out)]) == 0, f"the build of {root} was refused"
    return out


def normal(value):
    """As JSON sees it (tuples become lists, keys strings): what `exactly` compares."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def corpus_of(root: Path) -> tuple[dict[str, tuple[str, dict]], list[dict]]:
    corpus = root / "corpus"
    documents = {}
    for path in sorted((corpus / "annotations").glob("*.json")):
        text = (corpus / "documents" / f"{path.stem}.txt").read_bytes().decode("utf-8")
        documents[path.stem] = (text, json.loads(path.read_bytes()))
    sources = json.loads((corpus / "sources.json").read_bytes())["sources"]
    return documents, sources


def assert_same_corpus(root: Path, data: Path) -> int:
    """Every text, annotation and source of the corpus at root equals the one rebuilt from data."""
    expected_documents, expected_sources = corpus_of(root)
    documents, sources = read_corpus_from_data(data)
    assert sorted(documents) == sorted(expected_documents)
    for doc_id, (text, annotation) in expected_documents.items():
        got_text, got_annotation = documents[doc_id]
        assert got_text == text, doc_id
        assert normal(got_annotation) == normal(annotation), doc_id
        assert list(got_annotation) == list(annotation), f"{doc_id}: key order"
    assert normal(sources) == normal(sorted(expected_sources, key=lambda s: s["id"]))
    return len(documents)


# --- a synthetic corpus of varied annotations, valid by construction ----------------------------------

SOURCES = [
    {"id": "amn", "name": "Al-Masdar News", "kind": "media_outlet", "description": "A news site.", "url": "https://www.almasdarnews.com"},
    {"id": "author", "name": "The document's author", "kind": "document_author"},
    {"id": "dpa", "name": "Deutsche Presse-Agentur", "kind": "news_agency", "wikidata": "Q312826"},
    {"id": "jane-doe", "name": "Jane Doe", "kind": "person", "description": "A columnist.", "url": "https://example.org/jane"},
    {"id": "officials", "name": "Unnamed officials", "kind": "anonymous"},
    {"id": "reuters", "name": "Reuters", "kind": "news_agency", "wikidata": "Q130879", "url": "https://www.reuters.com",
     "description": "A wire service."},
]
NAMES = [("Zoë Ødegård", "PERSON"), ("São Paulo", "PLACE"), ("Zürich", "PLACE"), ("Kyiv", "PLACE"), ("北京", "PLACE"),
         ("Ayşe Yılmaz", "PERSON"), ("the Ministry of Défense", "ORGANIZATION"), ("𝔘nion of 𝔗rade", "GROUP"),
         ("S-125 Pechora", "WEAPON"), ("Marj Ruhayyil airbase", "FACILITY"), ("the 🇺🇦 summit", "EVENT"), ("Łódź", "PLACE")]
VERBS = ["met", "criticised", "visited", "will host", "denied reports about", "praised"]
CUES = [("According to", "indirect"), ("As reported by", "indirect")]
SOURCE_WORDS = {"reuters": "Reuters", "dpa": "dpa", "amn": "AMN", "officials": "officials", "jane-doe": "Jane Doe"}


class Text:
    """A text built piece by piece, recording code point offsets of the pieces that are spans."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> dict:
        span = {"start": self.length, "end": self.length + len(piece), "text": piece}
        self.parts.append(piece)
        self.length += len(piece)
        return span

    def value(self) -> str:
        return "".join(self.parts)


def synthetic_document(index: int, rnd: random.Random) -> tuple[str, str, dict]:
    doc_id = f"varied-{index:03d}"
    text = Text()
    chosen = rnd.sample(NAMES, rnd.randint(0, 5))
    entities = [{"id": f"e{i + 1}", "type": kind, "name": name, "mentions": []} for i, (name, kind) in enumerate(chosen)]
    for i, entity in enumerate(entities):
        if rnd.random() < 0.5:
            entity["wikidata"] = f"Q{rnd.randint(1, 10**7)}"
    title = rnd.choice(["Talks in {}", "What {} means", "News from {}"]).format(chosen[0][0] if chosen else "nowhere")
    title_span = text.add(title)
    text.add("\n\n")
    mention_number = [0]

    def mention(entity):
        mention_number[0] += 1
        span = text.add(entity["name"])
        entity["mentions"].append({"id": f"m{mention_number[0]}", **span})

    claims = []
    for s in range(rnd.randint(0 if not entities else 1, 6)):
        if s and rnd.random() < 0.3:
            text.add("\n")
        elif s:
            text.add(" ")
        about = rnd.sample(entities, min(len(entities), rnd.randint(0, 2)))
        mode = rnd.choice(["authorial", "indirect", "direct_quote"]) if about else "authorial"
        cue = source_span = None
        source_id = "author"
        if mode != "authorial":
            source_id = rnd.choice(sorted(SOURCE_WORDS))
            cue_text, _ = rnd.choice(CUES)
            cue = text.add(cue_text)
            text.add(" ")
            source_span = text.add(SOURCE_WORDS[source_id])
            text.add(", “" if mode == "direct_quote" else ", ")
        hedge_cues = []
        start = text.length
        if about:
            mention(about[0])
            text.add(" ")
            if rnd.random() < 0.4:
                hedge_cues.append(text.add(rnd.choice(["reportedly", "apparently"])))
                text.add(" ")
            text.add(rnd.choice(VERBS) + " ")
            if len(about) > 1:
                mention(about[1])
            else:
                text.add("the plan")
        else:
            text.add("Prices rose by 3% in 2023")
        claim_text = text.value()[start:text.length]
        text.add("”." if mode == "direct_quote" else ".")
        verdict = None
        if rnd.random() < 0.3:
            verdict = {"label": rnd.choice(["supported", "refuted", "not_enough_evidence", "conflicting_evidence"]),
                       "justification": "Checked against the record: ünïcode, 🇺🇦, \"quotes\".",
                       "evidence": [{"url": f"https://example.org/{index}/{s}/{e}", "quote": f"Quote {e} «{index}»"}
                                    for e in range(rnd.randint(1, 3))]}
        claims.append({"id": f"c{s + 1}", "start": start, "end": start + len(claim_text), "text": claim_text,
                       "claim_type": rnd.choice(["factual", "opinion", "prediction"]), "check_worthy": rnd.random() < 0.5,
                       "source_id": source_id, "attribution": {"mode": mode, "cue": cue, "source_span": source_span},
                       "hedged": bool(hedge_cues), "hedge_cues": hedge_cues, "about": [e["id"] for e in about], "verdict": verdict})
    if rnd.random() < 0.3:
        text.add("\n\tEnd of text with a tab.")
    if rnd.random() < 0.3:
        text.add("\n")
    value = text.value()
    assert unicodedata.is_normalized("NFC", value)
    entities = [e for e in entities if e["mentions"]]  # an entity needs a mention; renumber nothing (ids may skip)
    for claim in claims:
        claim["about"] = [a for a in claim["about"] if any(e["id"] == a for e in entities)]
    annotation = {
        "schema_version": "1.0",
        "doc_id": doc_id,
        "text_sha256": hashlib.sha256(value.encode("utf-8")).hexdigest(),
        "metadata": {
            "title": title_span["text"] if rnd.random() < 0.8 else None,
            "url": rnd.choice([None, f"https://example.org/news/{index}?a=1&b=ü"]),
            "published_at": rnd.choice([None, "2024-02-29", "2023-12-31T23:59:59+01:00", "2024-01-01T00:00:00.123Z"]),
            "language": rnd.choice(["en", "de", "pt-BR", "zh-Hans"]),
            "genre": rnd.choice(["news", "opinion", "analysis", "other"]),
            "publisher_source_id": rnd.choice([None, "reuters", "amn"]),
            "author_source_ids": rnd.sample(["jane-doe", "author"], rnd.randint(0, 2)),
            "license": rnd.choice([None, "CC-BY-4.0", "proprietary"]),
            "story_id": rnd.choice([None, None, f"story-{index % 3}"]),
        },
        "annotation": {"status": rnd.choice(["gold", "silver", "machine"]),
                       "annotators": rnd.sample(["ann-1", "ann-2", "zoë"], rnd.randint(0, 3)), "guideline_version": "1.0"},
        "entities": entities,
        "claims": claims,
    }
    return doc_id, value, annotation


def synthetic_project(root: Path, n_docs: int, seed: int) -> Path:
    """The mini project's settings and changelog, SOURCES, and n_docs varied documents; splits assigned."""
    project = copy_project(MINI, root)
    corpus = project / "corpus"
    for folder in ("documents", "annotations"):
        shutil.rmtree(corpus / folder)
        (corpus / folder).mkdir()
    (corpus / "splits.json").unlink()
    (corpus / "sources.json").write_text(json.dumps({"schema_version": "1.0", "sources": SOURCES}, ensure_ascii=False, indent=2), encoding="utf-8")
    rnd = random.Random(seed)
    made = [synthetic_document(index, rnd) for index in range(n_docs)]
    # A document without entities shares a story (so a split) with one that has some: every split then has
    # rows in every config (a split with documents but no entity row crashes the build: see the xfail below).
    anchor = next(annotation for _, _, annotation in made if annotation["entities"])
    for _, _, annotation in made:
        if not annotation["entities"]:
            annotation["metadata"]["story_id"] = anchor["metadata"]["story_id"] = anchor["metadata"]["story_id"] or "story-anchor"
    for doc_id, text, annotation in made:
        (corpus / "documents" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        (corpus / "annotations" / f"{doc_id}.json").write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")
    assert quiet(["--root", str(project), "split"]) == 0
    return project


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> tuple[Path, Path]:
    """(project, its build) of a synthetic corpus of 40 varied documents, in all three splits."""
    base = tmp_path_factory.mktemp("varied")
    project = synthetic_project(base / "project", 40, seed=5)
    return project, build(project, base / "data")


# --- the tests --------------------------------------------------------------------------------------

def test_the_seed_corpus_comes_back_exactly(seed_project, tmp_path):
    data = build(seed_project, tmp_path / "data")
    assert assert_same_corpus(seed_project, data) == len(list((REPO / "corpus" / "annotations").glob("*.json")))


def test_the_committed_data_folder_holds_the_committed_corpus():
    if not (REPO / "data" / "documents").is_dir():
        pytest.skip("no committed data/")
    assert_same_corpus(REPO, REPO / "data")


def test_a_varied_synthetic_corpus_comes_back_exactly(varied):
    project, data = varied
    documents, _ = corpus_of(project)
    # the corpus really is varied: what the round trip must carry is there
    entities = [e for _, a in documents.values() for e in a["entities"]]
    claims = [c for _, a in documents.values() for c in a["claims"]]
    assert any("wikidata" in e for e in entities) and any("wikidata" not in e for e in entities)
    assert any(c["verdict"] for c in claims) and any(c["hedge_cues"] for c in claims)
    assert any(not a["entities"] for _, a in documents.values())
    assert {c["attribution"]["mode"] for c in claims} == {"authorial", "indirect", "direct_quote"}
    assert any(ord(ch) > 0xFFFF for text, _ in documents.values() for ch in text)  # offsets count code points
    assert len({p.parent.name + p.name for p in data.glob("*/*.parquet")}) > len(CONFIGS)  # several splits
    assert assert_same_corpus(project, data) == 40


def test_a_generated_corpus_comes_back_exactly(tmp_path):
    synth = pytest.importorskip("newsclaims.synth.project")
    project = tmp_path / "project"
    synth.generate(30, project, seed=11)
    data = build(project, tmp_path / "data")
    assert assert_same_corpus(project, data) == 30


def test_every_shard_is_read(varied, tmp_path):
    """A data folder with many files per config and split (as a large build writes) loses no row when read
    back: here the varied build's files are re-cut into shards of 3 rows, metadata kept."""
    project, data = varied
    sharded = tmp_path / "sharded"
    for path in sorted(data.glob("*/*.parquet")):
        table = pq.read_table(path)
        split = path.name.split("-")[0]
        pieces = [table.slice(i, 3) for i in range(0, table.num_rows, 3)]
        (sharded / path.parent.name).mkdir(parents=True, exist_ok=True)
        for index, piece in enumerate(pieces):
            pq.write_table(piece, sharded / path.parent.name / f"{split}-{index:05d}-of-{len(pieces):05d}.parquet")
    assert len(list((sharded / "documents").glob("*.parquet"))) > 10
    assert assert_same_corpus(project, sharded) == 40


def _rows(data: Path, config: str) -> list[dict]:
    return [row for row, _ in iter_config(data, config)]


def test_the_flat_configs_agree_with_the_nested_documents(varied, seed_project, tmp_path):
    for data in (varied[1], build(seed_project, tmp_path / "data")):
        documents, sources = read_corpus_from_data(data)
        source_of = {s["id"]: s for s in sources}
        entity_rows = {row["id"]: row for row in _rows(data, "entities")}
        mention_rows = {row["id"]: row for row in _rows(data, "mentions")}
        claim_rows = {row["id"]: row for row in _rows(data, "claims")}
        entities_seen, mentions_seen, claims_seen = set(), set(), set()
        for doc_id, (text, annotation) in documents.items():
            for entity in annotation["entities"]:
                global_id = f"{doc_id}:{entity['id']}"
                entities_seen.add(global_id)
                assert entity_rows[global_id] == {"id": global_id, "doc_id": doc_id, "type": entity["type"], "name": entity["name"],
                                                  "wikidata": entity.get("wikidata"), "mention_count": len(entity["mentions"])}
                for mention in entity["mentions"]:
                    mention_id = f"{doc_id}:{mention['id']}"
                    mentions_seen.add(mention_id)
                    assert mention_rows[mention_id] == {"id": mention_id, "doc_id": doc_id, "entity_id": global_id,
                                                        "entity_type": entity["type"], "entity_name": entity["name"],
                                                        "start": mention["start"], "end": mention["end"], "text": mention["text"]}
            for claim in annotation["claims"]:
                claim_id = f"{doc_id}:{claim['id']}"
                claims_seen.add(claim_id)
                row = claim_rows[claim_id]
                source = source_of[claim["source_id"]]
                expected = {"id": claim_id, "doc_id": doc_id, "source_name": source["name"], "source_kind": source["kind"],
                            "about": [f"{doc_id}:{e}" for e in claim["about"]],
                            **{f"attribution_{k}": v for k, v in claim["attribution"].items()},
                            **{k: v for k, v in claim.items() if k not in ("id", "attribution", "about")}}
                assert {k: row[k] for k in expected} == expected, claim_id
                assert set(row) - set(expected) == {"context", "context_start"}
                offset = row["context_start"]
                assert row["context"] == text[offset:offset + len(row["context"])]
                assert row["context"][claim["start"] - offset:claim["end"] - offset] == claim["text"]
        assert (entities_seen, mentions_seen, claims_seen) == (set(entity_rows), set(mention_rows), set(claim_rows))


def test_a_corpus_rebuilt_from_data_builds_the_same_bytes(varied, tmp_path):
    project, data = varied
    documents, sources = read_corpus_from_data(data)
    rebuilt = tmp_path / "rebuilt"
    (rebuilt / "corpus").mkdir(parents=True)
    shutil.copytree(project / "schema", rebuilt / "schema")
    for name in ("corpus.toml", "splits.json"):  # not in a data folder
        shutil.copy2(project / "corpus" / name, rebuilt / "corpus" / name)
    shutil.copy2(project / "CHANGELOG.md", rebuilt / "CHANGELOG.md")
    write_corpus(documents, sources, rebuilt / "corpus")
    for doc_id, (text, _) in documents.items():  # texts come back byte for byte
        assert (rebuilt / "corpus" / "documents" / f"{doc_id}.txt").read_bytes() == (project / "corpus" / "documents" / f"{doc_id}.txt").read_bytes()
    assert quiet(["--root", str(rebuilt), "validate"]) == 0
    again = build(rebuilt, tmp_path / "data-again")
    parquet = sorted(p.relative_to(data) for p in data.glob("*/*.parquet"))
    assert parquet == sorted(p.relative_to(again) for p in again.glob("*/*.parquet"))
    for relative in parquet:
        assert (again / relative).read_bytes() == (data / relative).read_bytes(), relative


def test_label_ids_are_decoded_with_the_features_of_each_file(varied):
    _, data = varied
    path = sorted((data / "claims").glob("*.parquet"))[0]
    raw = pq.read_table(path).to_pylist()[0]
    rows, ours = read_rows(path)
    assert isinstance(raw["claim_type"], int) and rows[0]["claim_type"] in ("factual", "opinion", "prediction")
    assert ours["config"] == "claims"
    from datasets import ClassLabel, List
    assert decode(List(ClassLabel(names=["a", "b"])), [1, None, 0]) == ["b", None, "a"]


# --- order, and what the build does not keep (known, each with the change that would keep it) -----

def test_the_order_of_entities_claims_and_mentions_in_a_file_is_kept(mini_project, tmp_path):
    """The build keeps the file's order (it sorted by id number until commit a31c518; a file listing e2
    before e1 came back reordered)."""
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["entities"].reverse()
    annotation["entities"][-1]["mentions"].reverse()  # e1 (now last) has two mentions
    annotation["claims"].reverse()
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")
    assert_same_corpus(mini_project, build(mini_project, tmp_path / "data"))


def test_an_annotation_s_own_schema_version_is_kept(mini_project, tmp_path):
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["schema_version"] = "1.1"
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")
    assert_same_corpus(mini_project, build(mini_project, tmp_path / "data"))


def test_a_corpus_without_any_entity_builds_and_comes_back(mini_project, tmp_path):
    path = mini_project / "corpus" / "annotations" / "mini-doc.json"
    annotation = json.loads(path.read_text(encoding="utf-8"))
    annotation["entities"] = []
    for claim in annotation["claims"]:
        claim["about"] = []
    path.write_text(json.dumps(annotation, ensure_ascii=False, indent=2), encoding="utf-8")
    assert quiet(["--root", str(mini_project), "validate"]) == 0
    assert_same_corpus(mini_project, build(mini_project, tmp_path / "data"))
