"""CoNLL-2003-style columns in: one token a line (`token ... tag`, the tag in the last column), a blank
line between sentences, `-DOCSTART-` lines between documents; IOB1 and IOB2 tags both read (an `I-X`
after `O` or after another type starts a mention, as IOB1 says). Label Studio's own CONLL2003 export
(`token -X- _ tag`) is one such file.

The text is rebuilt by a fixed rule, since the columns do not keep the spacing: the tokens of a sentence
joined by one space, the sentences by one line break ("\\n"). Each tagged chunk is a mention of an entity
of its own (CoNLL has no coreference). Documents are named `<file stem>-<n>` (n from 1, in file order).

CoNLL out (`corpus.conll`): the very tokens, sentences and IOB2 tags of the `ner` config (one rule,
dataset/tokens.py), as Label Studio writes CONLL2003: `token -X- _ tag`, a blank line after each
sentence, `-DOCSTART- -X- O` before each document. Nested and overlapping mentions (not tagged), the
entity clustering, names, Wikidata ids, claims and metadata are not carried: `export-not-carried`.
"""

from __future__ import annotations

from pathlib import Path

from ..problems.record import problem, shown_path
from .base import CorpusDocument, Plugin, RawDocument, RawEntity, RawSpan, ReadOptions, ReadResult, WriteOptions, WriteResult
from .mapping import mapping_line


def read(source: Path, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in (".conll", ".txt", ".iob", ".bio")) if source.is_dir() else [source]
    unmapped: dict[str, list] = {}
    for path in files:
        shown = shown_path(path)
        try:
            lines = path.read_bytes().decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            result.problems.append(problem("import-unreadable", shown, f"cannot be read as UTF-8: {error}"))
            continue
        documents: list[list[list[tuple[str, str, int]]]] = [[[]]]  # documents -> sentences -> (token, tag, line)
        for number, line in enumerate(lines, 1):
            fields = line.split()
            if not fields:
                if documents[-1][-1]:
                    documents[-1].append([])
                continue
            if fields[0] == "-DOCSTART-":
                if any(documents[-1]):
                    documents.append([[]])
                continue
            if len(fields) < 2:
                result.problems.append(problem("import-shape", shown, f"a token line needs at least a token and a tag: {line[:80]!r}", line=number))
                continue
            documents[-1][-1].append((fields[0], fields[-1], number))
        count = 0
        for sentences in documents:
            sentences = [s for s in sentences if s]
            if not sentences:
                continue
            count += 1
            result.documents.append(_document(f"{path.stem}-{count}", shown, sentences, options, result, unmapped))
    for label, places in sorted(unmapped.items()):
        file, line = places[0]
        result.problems.append(problem("import-label-unmapped", file, f"tag type {label!r} ({len(places)} mention{'s' if len(places) != 1 else ''}) "
                                       "has no mapping to an entity type", line=line,
                                       hint=f"add {mapping_line(label)} to a mapping file and pass --mapping FILE, or pass --unmapped skip"))
    return result


def _document(name, shown, sentences, options: ReadOptions, result: ReadResult, unmapped) -> RawDocument:
    parts, entities, offset = [], [], 0
    for sentence_number, sentence in enumerate(sentences):
        if sentence_number:
            parts.append("\n")
            offset += 1
        chunk = None  # (type, start, end, first line)
        for index, (token, tag, line) in enumerate(sentence):
            if index:
                parts.append(" ")
                offset += 1
            start, end = offset, offset + len(token)
            parts.append(token)
            offset = end
            prefix, _, kind = tag.partition("-")
            if tag == "O" or not kind or prefix not in ("B", "I"):
                if tag != "O" and not kind:
                    result.problems.append(problem("import-shape", shown, f"tag {tag!r} is not O, B-X or I-X: read as O", line=line))
                _close(chunk, parts, entities, name, shown, options, result, unmapped)
                chunk = None
            elif prefix == "I" and chunk is not None and chunk[0] == kind:
                chunk = (kind, chunk[1], end, chunk[3])
            else:
                _close(chunk, parts, entities, name, shown, options, result, unmapped)
                chunk = (kind, start, end, line)
        _close(chunk, parts, entities, name, shown, options, result, unmapped)
    text = "".join(parts)
    for entity in entities:
        entity.mentions[0].text = text[entity.mentions[0].start:entity.mentions[0].end]
    return RawDocument(name=name, file=shown, text=text, entities=entities)


def _close(chunk, parts, entities, name, shown, options: ReadOptions, result: ReadResult, unmapped) -> None:
    if chunk is None:
        return
    kind, start, end, line = chunk
    entity_type = options.mapping.entity(kind)
    if entity_type is None:
        if options.skip_unmapped:
            result.skipped_labels[kind] += 1
            result.problems.append(problem("import-label-skipped", shown, f"{kind!r} mention has no mapping: skipped", line=line))
        else:
            unmapped.setdefault(kind, []).append((shown, line))
        return
    entities.append(RawEntity(type=entity_type, mentions=[RawSpan(start, end, None, line=line)]))


def write(documents: list[CorpusDocument], out: Path, options: WriteOptions) -> WriteResult:
    # the ner tokenizer (numpy, pyarrow, datasets): imported when a CoNLL file is written, so that listing
    # the plugins (the CLI's choices) stays light
    from ..dataset.tokens import NESTED, OVERLAPPING, tag_document

    result = WriteResult()
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for document in documents:
        annotation = document.annotation
        mentions = [(m["start"], m["end"], e["type"]) for e in annotation["entities"] for m in e["mentions"]]
        types = sorted({kind for _, _, kind in mentions})
        sentences, tagging = tag_document(document.text, mentions, types)
        lines += ["-DOCSTART- -X- O", ""]
        for sentence in sentences:
            lines += [f"{token} -X- _ {tag}" for token, tag in zip(sentence["tokens"], sentence["tags"])] + [""]
        result.counts["sentences"] += len(sentences)
        result.counts["mentions tagged"] += tagging.count("tagged")
        untagged = {kind: tagging.count(kind) for kind in (NESTED, OVERLAPPING) if tagging.count(kind)}
        if untagged:
            result.problems.append(problem("export-not-carried", document.doc_id, ", ".join(f"{n} {kind} mention{'s' if n != 1 else ''}"
                                           for kind, n in untagged.items()) + " (the outermost mention is tagged)", pointer="/entities"))
        result.counts["claims not carried"] += len(annotation["claims"])
    path = out / "corpus.conll"
    if result.counts["claims not carried"]:  # one warning for the corpus: every document has claims
        result.problems.append(problem("export-not-carried", shown_path(path), f"{result.counts['claims not carried']} claims, and the entity "
                                       "clustering, names and Wikidata ids (CoNLL has entity tags only)"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result.files.append(path)
    return result


PLUGIN = Plugin("conll", "CoNLL-2003-style token/tag columns (IOB1 or IOB2, -DOCSTART- breaks)", read=read, write=write, source_kind="either")
