"""data/README.md, the dataset card: YAML front matter for the Hub and `datasets`, prose for people.

Everything is generated from corpus.toml, schema/ and the built rows, so the card cannot drift from
the data. The front matter is written with the libraries' own serialisers (`MetadataConfigs`,
`DatasetInfosDict`, `DatasetCardData`), so `load_dataset` reads back exactly the features we wrote,
ClassLabel names included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from datasets import ClassLabel, DatasetInfo, List, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData

from ..schema.configs import BY_NAME, CONFIG_NAMES, SHARD_PATH, SPLITS
from .croissant import license_url
from ..schema.features import config_columns
from ..schema.files import schema_version, vocabularies
from .tokens import NESTED, OVERLAPPING, RULE, TAGGED

TASK_CATEGORIES = ["token-classification", "text-classification"]


def size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return label
    return "n>10M"


def front_matter(settings: dict, features: dict, counts: dict[str, dict[str, int]], num_bytes: dict[str, dict[str, int]]) -> str:
    dataset = settings["dataset"]
    card_data = DatasetCardData(
        pretty_name=dataset["pretty_name"],
        license=dataset["license"],
        language=dataset["language"],
        task_categories=TASK_CATEGORIES,
        size_categories=[size_category(sum(counts["documents"].values()))],
        version=dataset["version"],
    )
    configs, infos = {}, {}
    for config in CONFIG_NAMES:
        splits = [split for split in counts[config]]  # only splits with rows: an empty split breaks loading
        if not splits:  # a config with no row at all (a corpus without any claim) is not published
            continue
        configs[config] = {"data_files": [{"split": split, "path": f"{config}/{split}-*.parquet"} for split in splits]}
        split_dict = SplitDict()
        for split in splits:
            split_dict.add(SplitInfo(name=split, num_bytes=num_bytes[config][split], num_examples=counts[config][split]))
        infos[config] = DatasetInfo(features=features[config], splits=split_dict, config_name=config,
                                    dataset_size=sum(num_bytes[config].values()))
    MetadataConfigs(configs).to_dataset_card_data(card_data)
    DatasetInfosDict(infos).to_dataset_card_data(card_data)
    return "---\n" + card_data.to_yaml() + "\n---\n"


def _feature_type(feature) -> str:
    if isinstance(feature, ClassLabel):
        return "ClassLabel"
    if isinstance(feature, List):
        return f"List[{_feature_type(feature.feature)}]"
    if isinstance(feature, dict):
        return "struct{" + ", ".join(feature) + "}"
    return getattr(feature, "dtype", type(feature).__name__)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def statistics(counts: dict[str, dict[str, int]], label_counts: Counter) -> list[str]:
    """Rows per config and label frequencies per split; label_counts is keyed (config, split, column, value)."""
    splits = [split for split in SPLITS if split in counts["documents"]]
    lines = ["| | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
    for config in ("documents", "entities", "mentions", "claims", "ner"):
        lines.append(f"| {config}{' (sentences)' if config == 'ner' else ''} | " + " | ".join(str(counts[config].get(s, 0)) for s in splits) + " |")
    for config, column in (("claims", "claim_type"), ("entities", "type"), ("claims", "attribution_mode")):
        values = sorted({value for (c, _, col, value) in label_counts if (c, col) == (config, column)})
        for value in values:
            lines.append(f"| {config}.{column} = {value} | " + " | ".join(str(label_counts[(config, s, column, value)]) for s in splits) + " |")
    for column, label in (("check_worthy", "check-worthy claims"), ("hedged", "hedged claims")):
        lines.append(f"| {label} | " + " | ".join(str(label_counts[("claims", s, column, True)]) for s in splits) + " |")
    for value, label in ((TAGGED, "mentions tagged in `ner`"), (NESTED, "nested mentions (not tagged)"),
                         (OVERLAPPING, "overlapping mentions (not tagged)")):
        lines.append(f"| {label} | " + " | ".join(str(label_counts[("ner", s, "mention_tagging", value)]) for s in splits) + " |")
    return lines


# What the card reads back from the written Parquet files: (config, column) -> per split, value -> count.
FACT_COLUMNS = (("documents", "genre"), ("documents", "language"), ("documents", "annotation_status"),
                ("documents", "annotation_annotators"), ("documents", "annotation_guideline_version"), ("documents", "license"),
                ("documents", "publisher_source_id"), ("mentions", "entity_type"), ("claims", "source_kind"), ("claims", "source_id"),
                ("sources", "kind"))


class Facts:
    """Counts read from the built Parquet files themselves, so every number the card states is the data's."""

    def __init__(self):
        self.values: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.annotators_per_document: Counter = Counter()  # number of annotators -> documents

    def total(self, config: str, column: str) -> Counter:
        found = Counter()
        for by_value in self.values[(config, column)].values():
            found.update(by_value)
        return found


def corpus_facts(folder: Path, features: dict) -> Facts:
    """Read FACT_COLUMNS from every Parquet file of a built folder (only those columns: cheap at any size)."""
    import pyarrow.parquet as pq

    facts = Facts()
    wanted = defaultdict(list)
    for config, column in FACT_COLUMNS:
        wanted[config].append(column)
    for path in sorted(Path(folder).rglob("*.parquet"), key=lambda p: p.as_posix()):
        match = SHARD_PATH.match(path.relative_to(folder).as_posix())
        if not match or match["config"] not in wanted:
            continue
        config, split = match["config"], match["split"]
        table = pq.read_table(path, columns=wanted[config])
        for column in wanted[config]:
            feature = features[config][column]
            values = table.column(column).to_pylist()
            if isinstance(feature, ClassLabel):
                values = [feature.int2str(v) if v is not None else None for v in values]
            if isinstance(feature, List):
                if column == "annotation_annotators":
                    facts.annotators_per_document.update(len(v or []) for v in values)
                values = [item for v in values for item in (v or [])]
            facts.values[(config, column)][split].update(values)
    return facts


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _count_table(title: str, by_split: dict[str, Counter], splits: list[str], names: list | None = None) -> list[str]:
    """A table of value counts: a row per value (in `names` order when given), a column per split, a total."""
    values = names if names is not None else sorted({v for c in by_split.values() for v in c}, key=lambda v: (v is None, str(v)))
    lines = [f"| {title} | " + " | ".join(splits) + " | total |", "|---|" + "---|" * (len(splits) + 1)]
    for value in values:
        row = [by_split.get(split, Counter())[value] for split in splits]
        if sum(row):
            shown = "(none)" if value is None else f"`{value}`"
            lines.append(f"| {shown} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    return lines


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 or not noun else "s")


def _listing(counter: Counter, noun: str = "") -> str:
    """`value` (count noun), most frequent first."""
    items = sorted(counter.items(), key=lambda kv: (-kv[1], "" if kv[0] is None else str(kv[0])))
    return ", ".join(f"{'none' if v is None else f'`{v}`'} ({_n(n, noun).strip()})" for v, n in items)


def annotation_section(facts: Facts, statuses: dict[str, str], documents: int, readings_measured: bool = False) -> list[str]:
    annotators = facts.total("documents", "annotation_annotators")
    status = facts.total("documents", "annotation_status")
    guidelines = facts.total("documents", "annotation_guideline_version")
    lines = ["## Annotation process", "",
             f"Who: {_n(len(annotators), 'annotator')} named in the documents' metadata: {_listing(annotators, 'document')}.",
             "",
             "How: following the annotation guideline (`corpus/GUIDELINES.md` in the corpus repository), version "
             f"{_listing(guidelines, 'document')}; every file passed `newsclaims validate` (schema, references, and "
             "every span's offsets against its quoted text) before it was built. How the labels were made, per document:", "",
             "| status | documents | what it means |", "|---|---|---|"]
    for name, definition in statuses.items():
        lines.append(f"| `{name}` | {status[name]} | {_cell(definition)} |")
    several = sum(n for k, n in facts.annotators_per_document.items() if k > 1)
    lines += ["", "### Agreement and disagreements", ""]
    if readings_measured:  # corpus/annotators/ holds separate readings: the agreement section measures them
        lines.append("Some documents were also read separately by several annotators: every reading is in the "
                     "`raw_annotations` config, and their agreement, per document and per layer, is in the section "
                     "\"Inter-annotator agreement\" below and in `agreement.json`. The main configs hold the adjudicated "
                     "(gold) annotation of each document.")
    elif several == 0:
        which = "The one document was" if documents == 1 else f"Every one of the {documents} documents was"
        lines.append(f"{which} annotated by a single annotator: there is no "
                     "inter-annotator agreement to report, and no disagreement had to be resolved. Labels have not been "
                     "checked by a second person.")
    else:
        lines.append(f"{several} of the {documents} documents list more than one annotator. Each of their annotation files "
                     "holds one annotation, so this release carries no separate annotations to measure inter-annotator "
                     "agreement from, and how the annotators' disagreements were resolved is not recorded in the data.")
    return lines + [""]


def limitations_section(facts: Facts, counts: dict, settings: dict) -> list[str]:
    documents = sum(counts["documents"].values())
    claims = sum(counts["claims"].values())
    genres, languages = facts.total("documents", "genre"), facts.total("documents", "language")
    kinds = facts.total("claims", "source_kind")
    by_author = facts.total("claims", "source_id")["author"]
    registry = facts.total("sources", "kind")
    publishers = facts.total("documents", "publisher_source_id")
    several = sum(n for k, n in facts.annotators_per_document.items() if k > 1)
    lines = ["## Known limitations and biases", "",
             "Stated from the corpus itself (every number is counted by the build):", "",
             f"- **Size**: {_n(documents, 'document')}, {_n(claims, 'claim')}. Too few for a model to be trained on alone, and "
             "any score on the test split has a wide margin of error." if documents < 1000 else
             f"- **Size**: {documents} documents, {claims} claims.",
             f"- **Genres**: {_listing(genres, 'document')}; other genres are not represented.",
             f"- **Languages**: {_listing(languages, 'document')}; nothing is said of other languages.",
             "- **Annotators**: " + ("a single annotator per document, with no second check." if several == 0
                                      else f"{several} document(s) with more than one annotator."),
             f"- **Who asserts the claims**: {_listing(kinds, 'claim')}; {by_author} of {claims} claims "
             f"({_percent(by_author, claims)}) are the author's own. The source registry holds {sum(registry.values())} "
             f"sources: {_listing(registry)}.",
             f"- **Publishers**: {sum(n for p, n in publishers.items() if p is not None)} of {_n(documents, 'document')} name "
             "their publisher; for the others the outlet is not recorded in the data.", ""]
    return lines


def licence_section(facts: Facts, settings: dict, documents: int) -> list[str]:
    licence = settings["dataset"]["license"]
    texts = facts.total("documents", "license")
    unlicensed = texts[None]
    lines = ["## Licences", "",
             f"- **The labels** (entities, mentions, claims, sources, attribution: everything but the texts) are released under "
             f"`{licence}` ({license_url(licence)}), as corpus.toml states.",
             f"- **The texts** are not covered by that licence: each stays under its own terms, in each document's `license` "
             f"field. {unlicensed} of {_n(documents, 'document')} state no licence (`null`): their copyright stays with their "
             "publisher, and this dataset grants no right to them."]
    stated = {k: n for k, n in texts.items() if k is not None}
    if stated:
        lines.append(f"  Stated licences: {_listing(Counter(stated), 'document')}.")
    return lines + [""]


def ner_section(counts: dict[str, dict[str, int]], label_counts: Counter) -> list[str]:
    """How the `ner` config is made: the tokenisation rule and what became of nested and overlapping mentions."""
    untagged = {value: sum(n for (c, _, col, v), n in label_counts.items() if (c, col, v) == ("ner", "mention_tagging", value))
                for value in (TAGGED, NESTED, OVERLAPPING)}
    return ["## The `ner` config", "",
            "One row per sentence, as CoNLL-2003 on the Hub: `tokens`, `ner_tags` (IOB2, a `ClassLabel` whose names are "
            "`O` and `B-`/`I-` of every entity type of `schema/`) and each token's offsets into its document, so that "
            "`text[token_starts[i]:token_ends[i]] == tokens[i]` and every tag maps back onto a mention exactly. "
            "The tokens and sentences follow one deterministic rule (no model):", "", RULE, "",
            f"In this version: {untagged[TAGGED]} mentions tagged, {untagged[NESTED]} nested mentions and "
            f"{untagged[OVERLAPPING]} overlapping mentions not tagged (all of them are in `mentions`). "
            "With `seqeval`: `get_entities([names[t] for t in row[\"ner_tags\"]])` gives the tagged mentions as token ranges.", ""]


def render_card(layout, settings: dict, features: dict, counts: dict[str, dict[str, int]], num_bytes: dict[str, dict[str, int]],
                label_counts: Counter, facts: Facts | None = None, changelog: str | None = None, sections=()) -> str:
    """sections: lines of further sections (Markdown), placed before Versions (the agreement of the readings)."""
    dataset = settings["dataset"]
    columns = config_columns(layout.schema_dir)
    lines = [front_matter(settings, features, counts, num_bytes)]
    lines += [f"# {dataset['pretty_name']}", "", f"Version **{dataset['version']}** (dataset), schema "
              f"{schema_version(layout.schema_dir)}. License of the annotations: `{dataset['license']}`; the texts "
              "remain their publishers' (see each document's `license`).", "", dataset["description"].strip(), ""]
    lines += ["## Loading", "", "```python", "from datasets import load_dataset", ""]
    for config in [c for c in CONFIG_NAMES if counts[c]]:
        first_split = next(iter(counts[config]))
        lines.append(f'{config} = load_dataset("path/to/data", "{config}", split="{first_split}")')
    lines += ["```", "",
              "Label columns are `ClassLabel`s: `ds.features[\"claim_type\"].int2str(row[\"claim_type\"])` gives the name. "
              "Offsets (`start`, `end`) are Unicode code points into the document `text` (Python slicing), "
              "end-exclusive; every span also carries its `text`.", ""]
    lines += ["## Configs and splits", "", "Splits are by document (`hash(salt, story_id or doc_id)`), so related "
              "documents never straddle train and test and adding documents never moves an existing one. A split with "
              "no rows is left out.", "", "| config | rows | " + " | ".join(SPLITS) + " |", "|---|---|---|---|---|"]
    for config in CONFIG_NAMES:
        lines.append(f"| `{config}` | {BY_NAME[config].rows} | " + " | ".join(str(counts[config].get(s, "-")) for s in SPLITS) + " |")
    lines += ["", "## Statistics per split", ""] + statistics(counts, label_counts) + [""]
    facts = facts or Facts()
    splits = [split for split in SPLITS if split in counts["documents"]]
    documents = sum(counts["documents"].values())
    vocabulary = vocabularies(layout.schema_dir)
    lines += _count_table("mentions per entity type", facts.values[("mentions", "entity_type")], splits,
                          list(vocabulary.get("entity_type", {})) or None) + [""]
    lines += _count_table("claims per source kind", facts.values[("claims", "source_kind")], splits,
                          list(vocabulary.get("source_kind", {})) or None) + [""]
    lines += _count_table("documents per genre", facts.values[("documents", "genre")], splits,
                          list(vocabulary.get("genre", {})) or None) + [""]
    lines += annotation_section(facts, vocabulary.get("annotation_status", {}), documents, readings_measured=bool(sections))
    lines += limitations_section(facts, counts, settings)
    lines += licence_section(facts, settings, documents)
    if counts.get("ner"):
        lines += ner_section(counts, label_counts)
    lines += ["## Fields", ""]
    for config in CONFIG_NAMES:
        lines += [f"### `{config}`", "", "| field | type | definition |", "|---|---|---|"]
        for name, (feature, description) in columns[config].items():
            lines.append(f"| `{name}` | {_feature_type(feature)} | {_cell(description)} |")
        lines.append("")
    lines += ["## Labels", "", "Every closed vocabulary, in the order of its ClassLabel ids (from `schema/`).", ""]
    for name, values in vocabularies(layout.schema_dir).items():
        lines += [f"### `{name}`", "", "| id | label | definition |", "|---|---|---|"]
        lines += [f"| {i} | `{value}` | {_cell(text)} |" for i, (value, text) in enumerate(values.items())]
        lines.append("")
    lines += list(sections)
    lines += ["## Versions", "", f"This is version {dataset['version']}. `manifest.json` lists the sha256 of every "
              "file (check a copy with `newsclaims verify`); `croissant.json` describes the files and fields in "
              "Croissant 1.1 (MLCommons); `CHANGELOG.md` lists each version's changes. Releases are "
              "git tags `vX.Y.Z`; on the Hub, pass the tag as `revision=` to `load_dataset`.", ""]
    lines += ["## Citation", "", f"Cite the version you used (here {dataset['version']}, the tag `v{dataset['version']}`). "
              "BibTeX:", "", "```bibtex", dataset["citation"].strip(), "```", "",
              "The repository also has a `CITATION.cff` (Citation File Format 1.2.0) generated from the same corpus.toml.", ""]
    if changelog:
        lines += [f"## Changes in {dataset['version']}", "", changelog.strip(), ""]
    return "\n".join(lines)
