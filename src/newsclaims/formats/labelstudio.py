"""Label Studio (https://labelstud.io): JSON exports (a list of tasks, one task object, or JSON-MIN) in,
tasks with predictions (or annotations) and the labeling config XML that matches them out.

Reading, per task: the text is `data.text` (else the only string of `data`); a text that is a URL
(s3://, gs://, azure-blob://, http(s)://) is skipped with `import-text-url`. The most recent annotation
that is not cancelled is imported (cancelled ones are counted); a task without annotation falls back on
its most recent prediction, imported with status `machine` unless --status says otherwise.
- `labels` results become mentions, claims or claim spans (cue, source, hedge) by label (the mapping);
- per-region `choices` (and per-task ones, applied to every claim of the task) become claim attributes
  through the mapping's [attributes]; per-region `textarea` named `entity` / `wikidata` set an entity's
  name / Wikidata id, and mentions with the same type and entity name form one entity;
- `relation` results link a claim to its source, cue or hedge span and to the entities it is about (the
  relation's label through [relations], else the role of the span it points to); "same" joins mentions.
Label Studio counts offsets in UTF-16 code units (JavaScript strings): they are converted to code points
when the text has characters beyond U+FFFF and the recorded quote says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import orjson

from ..problems.record import json_pointer, problem, shown_path
from .base import (
    CorpusDocument,
    Plugin,
    RawClaim,
    RawDocument,
    RawEntity,
    RawSpan,
    ReadOptions,
    ReadResult,
    WriteOptions,
    WriteResult,
)
from .mapping import CLAIM_TYPES, ENTITY_TYPES, mapping_line

_URL = re.compile(r"^(?:s3|gs|azure-blob|https?|file)://", re.IGNORECASE)
_SPAN_TYPES = {"labels", "choices", "textarea", "relation"}
_JSON_MIN_META = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement"}


def read(source: Path, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    shown = shown_path(source)
    try:
        data = orjson.loads(source.read_bytes())
    except OSError as error:
        result.problems.append(problem("import-unreadable", shown, f"cannot be read: {error.strerror or error}"))
        return result
    except orjson.JSONDecodeError as error:
        result.problems.append(problem("import-unreadable", shown, f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno))
        return result
    tasks = data if isinstance(data, list) else [data] if isinstance(data, dict) else None
    if tasks is None:
        result.problems.append(problem("import-shape", shown, "a Label Studio export is a list of tasks or one task object"))
        return result
    unmapped: dict[str, list[str]] = {}
    for index, task in enumerate(tasks):
        pointer = json_pointer([index]) if isinstance(data, list) else ""
        if not isinstance(task, dict):
            result.problems.append(problem("import-shape", shown, "a task is a JSON object", pointer=pointer))
            continue
        document = _read_task(task, pointer, shown, options, result, unmapped)
        if document is not None:
            result.documents.append(document)
    for label, pointers in sorted(unmapped.items()):
        result.problems.append(problem("import-label-unmapped", shown, f"label {label!r} ({len(pointers)} region{'s' if len(pointers) != 1 else ''}) "
                                       "has no mapping to an entity type, claim type or span role", pointer=pointers[0],
                                       hint=f"add {mapping_line(label)} (or a [claims] or [spans] line) to a mapping file and "
                                       "pass --mapping FILE, or pass --unmapped skip"))
    return result


def _task_text(task: dict) -> tuple[str | None, str]:
    data = task.get("data") if isinstance(task.get("data"), dict) else None
    if data is None:  # JSON-MIN: the data fields are at the top level
        data = {k: v for k, v in task.items() if k not in _JSON_MIN_META}
    if isinstance(data.get("text"), str):
        return data["text"], "text"
    strings = [(k, v) for k, v in data.items() if isinstance(v, str) and k != "doc_id"]
    return (strings[0][1], strings[0][0]) if len(strings) == 1 else (None, "")


def _json_min_results(task: dict, key: str) -> list[dict]:
    """JSON-MIN keeps, per control, the regions' values (start, end, text, labels / choices) only."""
    results = []
    for name, value in task.items():
        if name in _JSON_MIN_META or name == key:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "labels" in item:
                results.append({"type": "labels", "from_name": name, "value": item})
            elif isinstance(item, dict) and "choices" in item:
                results.append({"type": "choices", "from_name": name, "value": item})
            elif isinstance(item, str) and name != "annotator":
                results.append({"type": "choices", "from_name": name, "value": {"choices": [item]}})
    return results


def _read_task(task: dict, pointer: str, shown: str, options: ReadOptions, result: ReadResult, unmapped) -> RawDocument | None:
    text, key = _task_text(task)
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    # the doc_id: data.doc_id when the task has one (our export writes it), else the task id
    name = str(data.get("doc_id") if isinstance(data.get("doc_id"), str) else task.get("id", pointer.strip("/") or "task"))
    if text is None:
        result.problems.append(problem("import-no-text", shown, f"task {name}: no text in its data (one string field, or `text`): skipped", pointer=pointer))
        result.counts["tasks skipped (no text)"] += 1
        return None
    if _URL.match(text.strip()):
        result.problems.append(problem("import-text-url", shown, f"task {name}: its text is a URL ({text.strip()[:60]}): skipped", pointer=pointer))
        result.counts["tasks skipped (text is a URL)"] += 1
        return None
    status, annotators = None, []
    if "data" not in task:  # JSON-MIN
        results, base = _json_min_results(task, key), pointer
        if task.get("annotator") is not None:
            annotators = [str(task["annotator"])]
    else:
        chosen, base, status, annotators = _choose(task, pointer, shown, result)
        results = chosen
    return _regions(name, shown, text, results, base, options, result, unmapped, status, annotators, pointer)


def _choose(task: dict, pointer: str, shown: str, result: ReadResult):
    annotations = task.get("annotations") or task.get("completions") or []
    field = "annotations" if task.get("annotations") else "completions"
    live = [(i, a) for i, a in enumerate(annotations) if isinstance(a, dict) and not a.get("was_cancelled") and not a.get("skipped")]
    result.counts["annotations cancelled (skipped)"] += len(annotations) - len(live)
    if live:
        index, annotation = max(live, key=lambda pair: (str(pair[1].get("updated_at") or pair[1].get("created_at") or ""), pair[0]))
        result.counts["older annotations not imported"] += len(live) - 1
        who = annotation.get("completed_by")
        if isinstance(who, dict):
            who = who.get("email") and who["email"].split("@")[0] or who.get("id")
        annotators = [f"labelstudio-{who}"] if who is not None else []
        return annotation.get("result") or [], f"{pointer}/{field}/{index}/result", None, annotators
    predictions = [(i, p) for i, p in enumerate(task.get("predictions") or []) if isinstance(p, dict)]
    if predictions:
        index, prediction = max(predictions, key=lambda pair: (str(pair[1].get("created_at") or ""), pair[0]))
        return prediction.get("result") or [], f"{pointer}/predictions/{index}/result", "machine", []
    return [], pointer, None, []


def _utf16_to_code_points(text: str, offset: int) -> int:
    units = 0
    for index, char in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def _regions(name, shown, text, results, base, options: ReadOptions, result: ReadResult, unmapped, status, annotators, task_pointer):
    mapping = options.mapping
    astral = any(ord(c) > 0xFFFF for c in text)
    regions: dict[str, dict] = {}   # region id -> {"span", "labels"}
    attributes = defaultdict(list)  # region id (or None: the task) -> [(field, value, pointer)]
    textareas = defaultdict(dict)   # region id -> {"entity"|"wikidata": value}
    relations = []
    for index, item in enumerate(results):
        pointer = f"{base}/{index}"
        if not isinstance(item, dict):
            result.problems.append(problem("import-shape", shown, "a result is a JSON object", pointer=pointer))
            continue
        kind = str(item.get("type", "")).lower()
        value = item.get("value") if isinstance(item.get("value"), dict) else {}
        region = item.get("id")
        if kind not in _SPAN_TYPES:
            result.problems.append(problem("import-result-type", shown, f"result type {kind or '(none)'!r} has no place in our schema: skipped",
                                           pointer=pointer))
            result.counts["results skipped (type)"] += 1
            continue
        if kind == "relation":
            labels = item.get("labels") or []
            relations.append((item.get("from_id"), item.get("to_id"), labels[0] if labels else None, pointer))
            continue
        has_offsets = isinstance(value.get("start"), int) and isinstance(value.get("end"), int)
        if kind == "labels":
            if not has_offsets or not isinstance(value.get("text"), str):
                result.problems.append(problem("import-no-text", shown, "a labels result without start, end and value.text: skipped", pointer=pointer))
                result.counts["results skipped (no text)"] += 1
                continue
            start, end = value["start"], value["end"]
            if astral and text[start:end] != value["text"]:
                start, end = _utf16_to_code_points(text, start), _utf16_to_code_points(text, end)
            span = RawSpan(start, end, value["text"], pointer=pointer)
            key = region if region is not None else f"#{index}"
            regions.setdefault(key, {"span": span, "labels": []})["labels"] += [str(v) for v in value.get("labels") or []]
        elif kind == "choices":
            field = mapping.attribute(str(item.get("from_name", "")))
            if field == "ignore":
                continue
            if field is None:
                result.problems.append(problem("import-attribute-dropped", shown, f"choices {item.get('from_name')!r} have no target in our schema: skipped",
                                               pointer=pointer))
                result.counts["attributes skipped"] += 1
                continue
            for choice in value.get("choices") or []:
                attributes[region if has_offsets or region in regions else None].append((field, str(choice), pointer))
        else:  # textarea
            name_ = str(item.get("from_name", ""))
            texts = value.get("text") or []
            if name_ in ("entity", "name", "wikidata") and region is not None and texts:
                textareas[region]["wikidata" if name_ == "wikidata" else "name"] = str(texts[0]).strip()
            else:
                result.problems.append(problem("import-attribute-dropped", shown, f"textarea {name_!r} has no target in our schema: skipped", pointer=pointer))
                result.counts["attributes skipped"] += 1
    # classify regions by label
    mentions, claims, roles = [], {}, {}
    for key, region in regions.items():
        for label in region["labels"] or [""]:
            if mapping.entity(label):
                mentions.append((key, mapping.entity(label), region["span"]))
            elif mapping.claim(label):
                claims[key] = RawClaim(span=region["span"], claim_type=mapping.claim(label))
            elif mapping.role(label):
                roles[key] = (mapping.role(label), region["span"])
            elif options.skip_unmapped:
                result.skipped_labels[label] += 1
                result.problems.append(problem("import-label-skipped", shown, f"label {label!r} has no mapping: skipped", pointer=region["span"].pointer))
            else:
                unmapped.setdefault(label, []).append(region["span"].pointer)
    # entities: mentions with the same (type, entity name) are one entity; "same" relations join too
    parent = {key: key for key, _, _ in mentions}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    by_name = {}
    for key, kind, _ in mentions:
        entity_name = textareas.get(key, {}).get("name")
        if entity_name:
            first = by_name.setdefault((kind, entity_name), key)
            parent[find(key)] = find(first)
    about = defaultdict(list)
    for from_id, to_id, label, pointer in relations:
        meaning = mapping.relation(label) if label else None
        if meaning == "same" and from_id in parent and to_id in parent:
            parent[find(to_id)] = find(from_id)
            continue
        claim_id, other = (from_id, to_id) if from_id in claims else (to_id, from_id) if to_id in claims else (None, None)
        if claim_id is not None and meaning is None:
            meaning = roles[other][0] if other in roles else "about" if other in parent else None
        if claim_id is None or meaning in (None, "same") or (meaning == "about" and other not in parent) or \
                (meaning != "about" and other not in roles and other not in regions):
            result.problems.append(problem("import-relation-dropped", shown, f"relation {label or '(no label)'!r} {from_id} -> {to_id} is not a claim's "
                                           "source, cue, hedge or entity: skipped", pointer=pointer))
            result.counts["relations skipped"] += 1
            continue
        claim = claims[claim_id]
        span = roles[other][1] if other in roles else regions[other]["span"] if other in regions else None
        if meaning == "about":
            about[claim_id].append(other)
        elif meaning == "source":
            claim.source_span = span
        elif meaning == "cue":
            claim.cue = span
        else:
            claim.hedge_cues.append(span)
    for region_key, items in attributes.items():
        targets = [claims[region_key]] if region_key in claims else list(claims.values()) if region_key is None else []
        for field, value, pointer in items:
            if not targets:
                result.problems.append(problem("import-attribute-dropped", shown, f"{field} = {value!r} is on a region that is not a claim: skipped",
                                               pointer=pointer))
                continue
            for claim in targets:
                _set(claim, field, value, shown, pointer, result)
    groups = defaultdict(list)
    for key, kind, span in mentions:
        groups[find(key)].append((key, kind, span))
    entities, entity_of = [], {}
    for members in groups.values():
        keys = [k for k, _, _ in members]
        info = {}
        for k in keys:
            info = {**textareas.get(k, {}), **info}
        for k in keys:
            entity_of[k] = len(entities)
        entities.append(RawEntity(type=members[0][1], mentions=[s for _, _, s in members], name=info.get("name"), wikidata=info.get("wikidata")))
    for claim_id, claim in claims.items():
        claim.about = sorted({entity_of[k] for k in about[claim_id] if k in entity_of})
    return RawDocument(name=name, file=shown, text=text, entities=entities, claims=list(claims.values()), annotators=annotators,
                       status=status, pointer=task_pointer)


def _set(claim: RawClaim, field: str, value: str, shown: str, pointer: str, result: ReadResult) -> None:
    truth = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    if field in ("check_worthy", "hedged") and value.lower() in truth:
        setattr(claim, field, truth[value.lower()])
    elif field == "claim_type" and value in CLAIM_TYPES:
        claim.claim_type = value
    elif field == "attribution_mode" and value in ("direct_quote", "indirect", "mixed", "authorial"):
        claim.mode = value
    elif field == "source_id":
        claim.source_id = value
    else:
        result.problems.append(problem("import-attribute-dropped", shown, f"{field} value {value!r} is not one of ours: skipped", pointer=pointer))


# --- writing ---------------------------------------------------------------------------------------

ENTITY_CONTROL, CLAIM_CONTROL = "label", "claim"


def labeling_config(sources: dict) -> str:
    """The labeling config XML matching `export labelstudio` (entities first: converters that read one
    Labels control, as Label Studio's CONLL2003 export, read the entity tags)."""
    def choices(name: str, values, when: str = "") -> str:
        return (f'  <Choices name="{name}" toName="text" perRegion="true" choice="single"{when}>\n'
                + "".join(f'    <Choice value="{v}"/>\n' for v in values) + "  </Choices>\n")

    from xml.sax.saxutils import quoteattr

    return ("<View>\n"
            f'  <Labels name="{ENTITY_CONTROL}" toName="text">\n' + "".join(f'    <Label value="{t}"/>\n' for t in ENTITY_TYPES) + "  </Labels>\n"
            f'  <Labels name="{CLAIM_CONTROL}" toName="text">\n' + "".join(f'    <Label value="{t}"/>\n' for t in (*CLAIM_TYPES, "Cue", "Source", "Hedge"))
            + "  </Labels>\n"
            '  <Text name="text" value="$text"/>\n'
            '  <Relations>\n' + "".join(f'    <Relation value="{r}"/>\n' for r in ("source", "cue", "hedge", "about")) + "  </Relations>\n"
            + choices("check_worthy", ("true", "false")) + choices("attribution_mode", ("direct_quote", "indirect", "mixed", "authorial"))
            + choices("source_id", [quoteattr(s)[1:-1] for s in sorted(sources)])
            + '  <TextArea name="entity" toName="text" perRegion="true" maxSubmissions="1"/>\n'
            '  <TextArea name="wikidata" toName="text" perRegion="true" maxSubmissions="1"/>\n'
            "</View>\n")


def _region(rid: str, control: str, label: str, span: dict) -> dict:
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels",
            "value": {"start": span["start"], "end": span["end"], "text": span["text"], "labels": [label]}}


def _per_region(rid: str, control: str, kind: str, span: dict, values: list[str]) -> dict:
    key = "choices" if kind == "choices" else "text"
    return {"id": rid, "from_name": control, "to_name": "text", "type": kind,
            "value": {"start": span["start"], "end": span["end"], "text": span["text"], key: values}}


def task_of(document: CorpusDocument, number: int, as_annotations: bool, result: WriteResult) -> dict:
    annotation, regions = document.annotation, []
    entity_results, claim_results = [], []
    first_region = {}
    for entity in annotation["entities"]:
        for mention in entity["mentions"]:
            rid = f"{entity['id']}-{mention['id']}"
            first_region.setdefault(entity["id"], rid)
            entity_results.append(_region(rid, ENTITY_CONTROL, entity["type"], mention))
            entity_results.append(_per_region(rid, "entity", "textarea", mention, [entity["name"]]))
            if "wikidata" in entity:
                entity_results.append(_per_region(rid, "wikidata", "textarea", mention, [entity["wikidata"]]))
    for index, claim in enumerate(annotation["claims"]):
        rid = claim["id"]
        claim_results.append(_region(rid, CLAIM_CONTROL, claim["claim_type"], claim))
        claim_results.append(_per_region(rid, "check_worthy", "choices", claim, ["true" if claim["check_worthy"] else "false"]))
        claim_results.append(_per_region(rid, "attribution_mode", "choices", claim, [claim["attribution"]["mode"]]))
        claim_results.append(_per_region(rid, "source_id", "choices", claim, [claim["source_id"]]))
        spans = [("cue", "Cue", claim["attribution"]["cue"]), ("source", "Source", claim["attribution"]["source_span"])]
        spans += [("hedge", "Hedge", cue) for cue in claim["hedge_cues"]]
        for number_, (role, label, span) in enumerate(s for s in spans if s[2] is not None):
            span_id = f"{rid}-{role}{number_}"
            claim_results.append(_region(span_id, CLAIM_CONTROL, label, span))
            claim_results.append({"from_id": rid, "to_id": span_id, "type": "relation", "direction": "right", "labels": [role]})
        for entity_id in claim["about"]:
            claim_results.append({"from_id": rid, "to_id": first_region[entity_id], "type": "relation", "direction": "right", "labels": ["about"]})
        if claim["verdict"] is not None:
            result.problems.append(problem("export-not-carried", document.doc_id, f"claim {claim['id']}: its verdict (the labeling config has no place for it)",
                                           pointer=f"/claims/{index}/verdict"))
    regions = entity_results + claim_results
    metadata = {k: v for k, v in annotation["metadata"].items() if v not in (None, [])}
    task = {"id": number, "data": {"text": document.text, "doc_id": document.doc_id, "meta": metadata}}
    who = annotation["annotation"]["annotators"]
    if as_annotations:
        task["annotations"] = [{"id": number, "result": regions, "was_cancelled": False, "ground_truth": annotation["annotation"]["status"] == "gold",
                                "completed_by": {"email": f"{who[0]}@newsclaims" if who else "newsclaims@newsclaims"}}]
    else:
        task["predictions"] = [{"id": number, "model_version": f"newsclaims-{annotation['annotation']['status']}", "result": regions}]
    return task


def write(documents: list[CorpusDocument], out: Path, options: WriteOptions) -> WriteResult:
    result = WriteResult()
    out.mkdir(parents=True, exist_ok=True)
    tasks = [task_of(document, number, options.as_annotations, result) for number, document in enumerate(documents, 1)]
    result.counts["tasks"] = len(tasks)
    tasks_path, config_path = out / "tasks.json", out / "labeling-config.xml"
    tasks_path.write_bytes(orjson.dumps(tasks, option=orjson.OPT_INDENT_2) + b"\n")
    config_path.write_text(labeling_config(options.sources), encoding="utf-8")
    result.files += [tasks_path, config_path]
    return result


PLUGIN = Plugin("labelstudio", "Label Studio JSON export (tasks list, one task, or JSON-MIN); exports tasks + labeling config",
                read=read, write=write, source_kind="file")
