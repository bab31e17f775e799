"""data/README.md, the dataset card: YAML front matter for the Hub and `datasets`, prose for people.

Everything is generated from corpus.toml, schema/ and the built rows, so the card cannot drift from
the data. The front matter is written with the libraries' own serialisers (`MetadataConfigs`,
`DatasetInfosDict`, `DatasetCardData`), so `load_dataset` reads back exactly the features we wrote,
ClassLabel names included.
"""

from __future__ import annotations

from collections import Counter
from datasets import ClassLabel, DatasetInfo, List, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData

from ..schema.configs import BY_NAME, CONFIG_NAMES, SPLITS
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
                label_counts: Counter) -> str:
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
    lines += ["## Versions", "", f"This is version {dataset['version']}. `manifest.json` lists the sha256 of every "
              "file (check a copy with `newsclaims verify`); `croissant.json` describes the files and fields in "
              "Croissant 1.1 (MLCommons); `CHANGELOG.md` lists each version's changes. Releases are "
              "git tags `vX.Y.Z`; on the Hub, pass the tag as `revision=` to `load_dataset`.", ""]
    lines += ["## Citation", "", "```bibtex", dataset["citation"].strip(), "```", ""]
    return "\n".join(lines)
