"""data/croissant.json: Croissant 1.1 (MLCommons) metadata of the built dataset folder.

Croissant describes the same folder as the card, for tools other than `datasets` (dataset search,
mlcroissant, TFDS): the dataset's identity (name, description, licence, version, citation,
languages), every Parquet file with its sha256 (`distribution`), and one RecordSet per config whose
Fields mirror the Hugging Face features (`recordSet`). Everything comes from corpus.toml, schema/
(through the features and their descriptions) and the list of built files, so the metadata cannot
drift from the data. Nothing depends on time (no date is written: corpus.toml has none, and none is
invented) or on the order of `files`, so the same inputs give the same bytes.

Version 1.1 (`conformsTo` http://mlcommons.org/croissant/1.1): mlcroissant >= 1.1 validates and
reads it, and 1.1 has `isArray` for list columns (1.0 only had the now-deprecated `repeated`).

Encoding, checked against mlcroissant 1.1.1 (validation and offline reading):

- one `cr:FileObject` per Parquet file (relative `contentUrl`, sha256), and per config one
  `cr:FileSet` (`includes` "<config>/*.parquet", relative to the folder of croissant.json) that
  the config's Fields read: a Field has a single source, and a config has a file per split.
  (Making the file set `containedIn` its file objects would tie the hashes to the reading, but
  mlcroissant then fails to read any record: it treats `containedIn` as archive extraction.)
- a `splits` RecordSet (`dataType` `cr:Split`, the split names and Croissant split classes
  embedded as `data`) and a first `split` Field in every config, taken from the file path and
  `references`-ing it: the Hub's convention, which lets mlcroissant and TFDS select a split
  (`ds.records("claims", filters={"claims/split": "train"})`).
- a ClassLabel becomes an `sc:Integer` Field (the id stored in the Parquet) whose description
  lists `id = name` for every label and names an `sc:Enumeration` RecordSet holding the ids,
  names and (with `vocabularies`) definitions: Croissant's categorical data. The Field does not
  `references` that RecordSet, although the spec allows it: mlcroissant 1.1.1 joins only one
  reference per RecordSet and, with a second one present, split filtering fails (GenerationError
  in Join), which would break split selection in mlcroissant and TFDS.
- a List -> `isArray: true` with `arrayShape` "-1"; a struct -> `subField`s, each reading the
  column and stepping into it with one `jsonPath` transform per nesting level (the Hub's
  generator does the same).
- inside an item of a list (documents' `entities`, `claims`), mlcroissant 1.1.1 reads one level
  of sub-fields only: a struct there becomes its leaves, each a sub-field `<struct>_<leaf>` read
  with one dotted jsonPath (`attribution.mode`); a list of structs there (`entities[].mentions`,
  `claims[].hedge_cues`) is left out, and the field's description says which record set holds
  those rows (`mentions`, `claims`, by id). So every record set, `documents` included, reads
  whole. (A `references` join from `entities.doc_id` to `documents` would be the other way, but
  with the split field's reference it is a second one, and split filtering fails, as above.)
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datasets import ClassLabel, Features, List, Value

from ..schema.configs import SHARD_PATH, split_order


CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"

# The JSON-LD @context of Croissant 1.1, exactly as mlcroissant (the reference implementation)
# writes it; mlcroissant warns about a context that lacks any of these keys.
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

PARQUET = "application/x-parquet"
SPLITS_RECORD_SET = "splits"
SPLIT_FIELD = "split"
# The Croissant class of each conventional split name (Croissant spec, "Splits").
CR = "http://mlcommons.org/croissant/"
SPLIT_CLASSES = {"train": CR + "TrainingSplit", "validation": CR + "ValidationSplit", "test": CR + "TestSplit"}

# SPDX identifiers (https://spdx.org/licenses/) of the licences a dataset card commonly names, in
# their canonical spelling; a card's id matches one case-insensitively ("cc-by-4.0" -> "CC-BY-4.0").
SPDX_IDS = (
    "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0",
    "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
    "CC-BY-NC-1.0", "CC-BY-NC-2.0", "CC-BY-NC-2.5", "CC-BY-NC-3.0", "CC-BY-NC-4.0",
    "CC-BY-ND-1.0", "CC-BY-ND-2.0", "CC-BY-ND-2.5", "CC-BY-ND-3.0", "CC-BY-ND-4.0",
    "CC-BY-NC-SA-1.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-2.5", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
    "CC-BY-NC-ND-1.0", "CC-BY-NC-ND-2.0", "CC-BY-NC-ND-2.5", "CC-BY-NC-ND-3.0", "CC-BY-NC-ND-4.0",
    "CC0-1.0", "CC-PDDC", "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Zlib", "Unlicense",
    "MPL-2.0", "EPL-2.0", "Artistic-2.0", "BSL-1.0", "WTFPL", "AFL-3.0", "ECL-2.0", "OSL-3.0",
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "AGPL-3.0-only", "AGPL-3.0-or-later",
    "ODbL-1.0", "ODC-By-1.0", "PDDL-1.0", "CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0",
    "OFL-1.1", "LPPL-1.3c", "EUPL-1.1", "EUPL-1.2",
)
# Hugging Face licence ids whose SPDX identifier is spelled differently. The Hub's bare "gpl-3.0",
# "lgpl-3.0", "agpl-3.0" ... do not say "only" or "or later", so they are not mapped (the id is kept).
LICENSE_ALIASES = {"odbl": "ODbL-1.0", "odc-by": "ODC-By-1.0", "pddl": "PDDL-1.0", "bsl-1.0": "BSL-1.0"}
_SPDX_BY_LOWER = {spdx.lower(): spdx for spdx in SPDX_IDS} | LICENSE_ALIASES


def license_url(license_id: str) -> str:
    """The SPDX licence page of a card licence id ("cc-by-4.0" -> https://spdx.org/licenses/CC-BY-4.0.html).

    A URL is kept as it is; an id that is not a known SPDX licence is returned unchanged rather than
    turned into a link that may not exist.
    """
    text = license_id.strip()
    if re.match(r"^https?://", text):
        return text
    spdx = spdx_id(text)
    return f"https://spdx.org/licenses/{spdx}.html" if spdx else text


def spdx_id(license_id: str) -> str | None:
    """The SPDX identifier of a card licence id ("cc-by-4.0" -> "CC-BY-4.0"); None when not a known one."""
    return _SPDX_BY_LOWER.get(license_id.strip().lower())


def _file_set_id(config: str) -> str:
    return f"parquet-files-for-config-{config}"


def _leaf_type(feature) -> str:
    if isinstance(feature, ClassLabel):
        return "sc:Integer"
    if isinstance(feature, Value):
        dtype = feature.dtype
        if dtype in ("string", "large_string"):
            return "sc:Text"
        if dtype == "bool":
            return "sc:Boolean"
        if re.fullmatch(r"u?int(8|16|32|64)", dtype):
            return "sc:Integer"
        if re.fullmatch(r"float(16|32|64)|double|halffloat|float", dtype):
            return "sc:Float"
        raise ValueError(f"no Croissant dataType for the feature dtype {dtype!r}")
    raise ValueError(f"no Croissant dataType for the feature {feature!r}")


class _Enumerations:
    """The sc:Enumeration RecordSets of the ClassLabels, one per distinct list of names, in first-use order."""

    def __init__(self, vocabularies: dict[str, dict[str, str]] | None, taken_ids: set[str]):
        self.by_names: dict[tuple[str, ...], str] = {}
        self.record_sets: list[dict] = []
        self.vocabularies = vocabularies or {}
        self.taken_ids = taken_ids

    def record_set_of(self, feature: ClassLabel, path: list[str]) -> str:
        """The @id of the enumeration RecordSet of `feature`'s names (made on first use)."""
        names = tuple(feature.names)
        if names not in self.by_names:
            definitions = {}
            for vocabulary, values in self.vocabularies.items():
                if tuple(values) == names:
                    name, definitions = vocabulary, values
                    break
            else:
                name = "_".join(path)
            record_set_id = name if name not in self.taken_ids else f"{name}_labels"
            if record_set_id in self.taken_ids:
                raise ValueError(f"two Croissant RecordSets would have the @id {record_set_id!r}")
            self.taken_ids.add(record_set_id)
            self.by_names[names] = record_set_id
            self.record_sets.append(self._record_set(record_set_id, names, definitions))
        return self.by_names[names]

    @staticmethod
    def _record_set(record_set_id: str, names: tuple[str, ...], definitions: dict[str, str]) -> dict:
        fields = [("id", "sc:Integer", "The label id stored in the data (the ClassLabel id)."),
                  ("name", "sc:Text", "The label name.")]
        if any(definitions.values()):
            fields.append(("description", "sc:Text", "What the label means (from schema/)."))
        data = []
        for index, name in enumerate(names):
            record = {f"{record_set_id}/id": index, f"{record_set_id}/name": name}
            if len(fields) == 3:
                record[f"{record_set_id}/description"] = definitions.get(name, "")
            data.append(record)
        return {
            "@type": "cr:RecordSet",
            "@id": record_set_id,
            "name": record_set_id,
            "description": f"The labels of `{record_set_id}`: the ids stored in the data and their names, in ClassLabel order.",
            "dataType": "sc:Enumeration",
            "key": {"@id": f"{record_set_id}/id"},
            "field": [{"@type": "cr:Field", "@id": f"{record_set_id}/{name}", "name": name, "description": text, "dataType": data_type}
                      for name, data_type, text in fields],
            "data": data,
        }


def _field(field_id: str, name: str, feature, description: str, source: dict, json_path: list[str],
           enumerations: _Enumerations, label_path: list[str], in_item: bool = False) -> dict:
    """The cr:Field of one feature. `json_path` steps (already JSONPath) from the column into nested
    structs and lists; `in_item`: the feature is inside an item of a list."""
    field: dict = {"@type": "cr:Field", "@id": field_id, "name": name}
    depth = 0
    while isinstance(feature, List):  # a list of lists is one array with a dimension per level
        depth += 1
        feature = feature.feature
    if isinstance(feature, ClassLabel):
        labels = ", ".join(f"{index} = {label}" for index, label in enumerate(feature.names))
        enumeration = enumerations.record_set_of(feature, label_path)
        description = f"{description} ClassLabel id; the labels (RecordSet `{enumeration}`): {labels}.".strip()
    if isinstance(feature, dict):
        item = in_item or depth > 0
        sub_fields, left_out = [], []
        for sub_name, sub_feature in feature.items():
            if item and not _readable_in_item(sub_feature):
                left_out.append(sub_name)
            elif item and isinstance(sub_feature, dict):  # a struct in a list item: its leaves, one dotted jsonPath each
                sub_fields += _flattened(field_id, [sub_name], sub_feature, source, json_path, enumerations, label_path, left_out)
            else:
                sub_fields.append(_field(f"{field_id}/{sub_name}", sub_name, sub_feature, "", source,
                                         json_path + [_json_path_step(sub_name)], enumerations, label_path + [sub_name], item))
        if left_out:
            description = (f"{description} Not repeated here: {', '.join(f'`{n}`' for n in left_out)}, lists of structs inside "
                           "each item, which the reference implementation (mlcroissant 1.1.1) cannot read at that depth: "
                           "they are the rows of their own record sets, with the same ids.").strip()
            if name == "entities":
                description += " Each entity's mentions: the `mentions` record set, by `entity_id` (`<doc_id>:<id>`)."
            elif name == "claims":
                description += " Each claim's hedge cues and verdict evidence: the `claims` record set, by `id` (`<doc_id>:<id>`)."
        field["subField"] = sub_fields
    else:
        field["dataType"] = _leaf_type(feature)
        field_source = dict(source)
        if json_path:
            transforms = [{"jsonPath": step} for step in json_path]
            field_source["transform"] = transforms[0] if len(transforms) == 1 else transforms
        field["source"] = field_source
    if description:
        field = {**{k: field[k] for k in ("@type", "@id", "name")}, "description": description,
                 **{k: v for k, v in field.items() if k not in ("@type", "@id", "name")}}
    if depth:
        field["isArray"] = True
        field["arrayShape"] = ",".join(["-1"] * depth)
    return field


def _readable_in_item(feature) -> bool:
    """Whether mlcroissant reads the feature inside a list item: scalars, lists of scalars, and structs
    whose leaves are (a list inside a list item, holding structs, is not)."""
    depth = 0
    while isinstance(feature, List):
        depth += 1
        feature = feature.feature
    if isinstance(feature, dict):
        return depth == 0
    return True


def _flattened(parent_id: str, keys: list[str], feature: dict, source: dict, json_path: list[str], enumerations: _Enumerations,
               label_path: list[str], left_out: list[str]) -> list[dict]:
    """The leaves of a struct inside a list item (`keys`: its path from the item), each a Field named
    `<key>_<key>...` and read with one dotted jsonPath: mlcroissant 1.1.1 applies one jsonPath per
    level, and does not render a sub-field of an item's sub-field."""
    fields = []
    for sub_name, sub_feature in feature.items():
        path = keys + [sub_name]
        if not _readable_in_item(sub_feature):
            left_out.append(".".join(path))
        elif isinstance(sub_feature, dict):
            fields += _flattened(parent_id, path, sub_feature, source, json_path, enumerations, label_path, left_out)
        else:
            flat, step = "_".join(path), ".".join(_json_path_step(key) for key in path)
            fields.append(_field(f"{parent_id}/{flat}", flat, sub_feature, "", source, json_path + [step], enumerations,
                                 label_path + path, True))
    return fields


def _json_path_step(key: str) -> str:
    """A struct key as one JSONPath step (bracket-quoted unless a plain name)."""
    if re.fullmatch(r"[A-Za-z0-9_]+", key):
        return key
    return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"


def _files_by_config(files: list[tuple[str, str]]) -> dict[str, list[tuple[str, str, str]]]:
    """config -> [(path, split, sha256)], sorted by path."""
    by_config: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for path, sha256 in sorted(files):
        match = SHARD_PATH.match(path)
        if not match:
            raise ValueError(f"not a Parquet file path <config>/<split>-NNNNN-of-NNNNN.parquet: {path!r}")
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError(f"not a lowercase sha256 hex digest for {path}: {sha256!r}")
        by_config[match["config"]].append((path, match["split"], sha256))
    return by_config


def _description(value) -> str:
    """A column description; a config_columns (feature, description) pair is accepted as well."""
    return value[1] if isinstance(value, tuple) else (value or "")


def _splits_record_set(split_names: list[str]) -> dict:
    fields = [("name", "sc:Text", "The split name, as in the Parquet file names.")]
    with_classes = all(split in SPLIT_CLASSES for split in split_names)
    if with_classes:
        fields.append(("url", ["sc:URL", "cr:Split"], "The Croissant class of the split."))
    data = []
    for split in split_names:
        record = {f"{SPLITS_RECORD_SET}/name": split}
        if with_classes:
            record[f"{SPLITS_RECORD_SET}/url"] = SPLIT_CLASSES[split]
        data.append(record)
    return {
        "@type": "cr:RecordSet",
        "@id": SPLITS_RECORD_SET,
        "name": SPLITS_RECORD_SET,
        "description": "The splits. A document's split is a function of hash(salt, story_id or doc_id), so related "
                       "documents never straddle splits and adding documents never moves one.",
        "dataType": "cr:Split",
        "key": {"@id": f"{SPLITS_RECORD_SET}/name"},
        "field": [{"@type": "cr:Field", "@id": f"{SPLITS_RECORD_SET}/{name}", "name": name, "description": text,
                   "dataType": data_type} for name, data_type, text in fields],
        "data": data,
    }


def render_croissant(settings: dict, features: dict[str, Features], column_descriptions: dict[str, dict[str, str]],
                     files: list[tuple[str, str]], counts: dict[str, dict[str, int]],
                     vocabularies: dict[str, dict[str, str]] | None = None) -> dict:
    """The Croissant 1.1 JSON-LD of a built data/ folder, as a dict (its key order is the output order).

    settings: corpus.toml, parsed. features: config -> Features (`features.config_features`).
    column_descriptions: config -> column -> description (`features.config_columns`' descriptions;
    its (feature, description) pairs are accepted too). files: (path relative to data/, sha256 hex)
    of every Parquet file. counts: config -> split -> rows. vocabularies (optional,
    `vocabularies(schema_dir)`): names each label enumeration after its vocabulary
    (`claim_type`) and adds each label's definition; without it an enumeration is named after the
    first column that uses it. Raises ValueError when files, features and counts disagree.
    """
    dataset = settings["dataset"]
    by_config = _files_by_config(files)
    # Splits with rows, in the conventional order (train, validation, test, then others by name).
    counts = {config: {split: by_split[split] for split in sorted(by_split, key=split_order) if by_split[split]}
              for config, by_split in counts.items()}
    configs = list(features)
    if set(configs) != set(counts) or set(configs) != set(by_config):
        raise ValueError(f"configs differ: features {sorted(configs)}, counts {sorted(counts)}, "
                         f"Parquet files {sorted(by_config)}")
    for config in configs:
        file_splits = {split for _, split, _ in by_config[config]}
        if file_splits != set(counts[config]):
            raise ValueError(f"{config}: Parquet files for splits {sorted(file_splits)}, rows for {sorted(counts[config])}")
        if SPLIT_FIELD in features[config]:
            raise ValueError(f"{config}: a column may not be named {SPLIT_FIELD!r} (the Croissant split field)")
    if SPLITS_RECORD_SET in configs:
        raise ValueError(f"a config may not be named {SPLITS_RECORD_SET!r} (the Croissant splits RecordSet)")
    split_names = sorted({split for config in configs for split in counts[config]}, key=split_order)

    distribution = []
    for config in configs:
        distribution += [{"@type": "cr:FileObject", "@id": path, "name": path, "contentUrl": path,
                          "encodingFormat": PARQUET, "sha256": sha256} for path, _, sha256 in by_config[config]]
    for config in configs:
        distribution.append({
            "@type": "cr:FileSet",
            "@id": _file_set_id(config),
            "name": _file_set_id(config),
            "description": f"The Parquet files of the `{config}` config, one or more per split.",
            "encodingFormat": PARQUET,
            "includes": f"{config}/*.parquet",
        })

    enumerations = _Enumerations(vocabularies, {SPLITS_RECORD_SET, *configs})
    record_sets = []
    for config in configs:
        file_set = {"fileSet": {"@id": _file_set_id(config)}}
        splits_pattern = "|".join(re.escape(split) for split in counts[config])
        fields = [{
            "@type": "cr:Field",
            "@id": f"{config}/{SPLIT_FIELD}",
            "name": SPLIT_FIELD,
            "description": "The split of the record, from the name of its Parquet file.",
            "dataType": "sc:Text",
            "source": {**file_set, "extract": {"fileProperty": "fullpath"},
                       "transform": {"regex": rf"^{re.escape(config)}/({splits_pattern})-.+\.parquet$"}},
            "references": {"field": {"@id": f"{SPLITS_RECORD_SET}/name"}},
        }]
        descriptions = column_descriptions.get(config, {})
        for column, feature in features[config].items():
            fields.append(_field(f"{config}/{column}", column, feature, _description(descriptions.get(column)),
                                 {**file_set, "extract": {"column": column}}, [], enumerations, [column]))
        rows = ", ".join(f"{split} {n}" for split, n in counts[config].items())
        record_sets.append({
            "@type": "cr:RecordSet",
            "@id": config,
            "name": config,
            "description": f"The `{config}` config, one record per Parquet row: {sum(counts[config].values())} rows ({rows}).",
            "field": fields,
        })

    metadata = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_VERSION,
        "name": dataset["name"],
        "alternateName": dataset["pretty_name"],
        "description": dataset["description"].strip(),
        "license": license_url(dataset["license"]),
    }
    if dataset.get("homepage"):
        metadata["url"] = dataset["homepage"]
    metadata["version"] = dataset["version"]
    metadata["citeAs"] = dataset["citation"].strip()
    metadata["inLanguage"] = list(dataset["language"])
    metadata["distribution"] = distribution
    metadata["recordSet"] = [*record_sets, _splits_record_set(split_names), *enumerations.record_sets]
    return metadata


def croissant_json(settings: dict, features: dict[str, Features], column_descriptions: dict[str, dict[str, str]],
                   files: list[tuple[str, str]], counts: dict[str, dict[str, int]],
                   vocabularies: dict[str, dict[str, str]] | None = None) -> bytes:
    """render_croissant(...) serialised: UTF-8, 2-space indent, keys in insertion order, final newline."""
    metadata = render_croissant(settings, features, column_descriptions, files, counts, vocabularies)
    return (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
