"""Load a built data/ folder the way a consumer does, in a process of its own, and report what it saw.

Run as `python load_check.py DATA_DIR`, with HF_DATASETS_OFFLINE=1 and a fresh HF_HOME: it loads every
config and split listed in the card with `datasets.load_dataset`, and prints JSON with, per config and
split, the row count, the features, and every span whose text differs from the document text at its
offsets (there must be none).
"""

from __future__ import annotations

import json
import sys

import yaml
from datasets import load_dataset


def card_configs(data_dir: str) -> dict[str, list[str]]:
    with open(f"{data_dir}/README.md", encoding="utf-8") as handle:
        front = handle.read().split("---\n")[1]
    return {c["config_name"]: [f["split"] for f in c["data_files"]] for c in yaml.safe_load(front)["configs"]}


def span_errors(config: str, ds, texts: dict[str, str]) -> list[str]:
    errors = []

    def check(doc_id, span, where):
        if span is not None and texts[doc_id][span["start"]:span["end"]] != span["text"]:
            errors.append(f"{where}: {span['text']!r} != {texts[doc_id][span['start']:span['end']]!r}")

    for row in ds:
        if config == "ner":
            for token, start, end in zip(row["tokens"], row["token_starts"], row["token_ends"]):
                if texts[row["doc_id"]][start:end] != token:
                    errors.append(f"{row['id']}: token {token!r} != {texts[row['doc_id']][start:end]!r}")
        elif config == "documents":
            for entity in row["entities"]:
                for mention in entity["mentions"]:
                    check(row["doc_id"], mention, f"{row['doc_id']}:{mention['id']}")
            for claim in row["claims"]:
                check(row["doc_id"], claim, f"{row['doc_id']}:{claim['id']}")
        elif config in ("mentions", "claims"):
            check(row["doc_id"], row, row["id"])
            if config == "claims":
                check(row["doc_id"], row["attribution_cue"], row["id"] + "/cue")
                check(row["doc_id"], row["attribution_source_span"], row["id"] + "/source_span")
                for cue in row["hedge_cues"]:
                    check(row["doc_id"], cue, row["id"] + "/hedge")
                start = row["start"] - row["context_start"]
                if row["context"][start:start + len(row["text"])] != row["text"]:
                    errors.append(f"{row['id']}: context does not hold the claim")
    return errors


def main(data_dir: str) -> None:
    configs = card_configs(data_dir)
    texts = {}
    for split in configs["documents"]:
        for row in load_dataset(data_dir, "documents", split=split):
            texts[row["doc_id"]] = row["text"]
    report = {}
    for config, splits in configs.items():
        report[config] = {}
        for split in splits:
            ds = load_dataset(data_dir, config, split=split)
            report[config][split] = {"rows": ds.num_rows, "features": ds.features.to_dict(),
                                     "span_errors": span_errors(config, ds, texts)}
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
