"""spaCy `DocBin` out (`corpus.spacy`): one Doc per document, tokenised by `spacy.blank(language)` (no
model download). Mentions become `doc.ents` (label: the entity type, `kb_id_`: the Wikidata id; entities
cannot overlap in spaCy, so the outermost mention is kept and the others reported); claims become the
span group `doc.spans["claims"]` (label: the claim type), their other fields stored in
`doc.user_data["newsclaims"]` (the DocBin is written with user data). A span whose ends fall inside a
token is widened to whole tokens ("expand"), reported as `export-not-carried`. Needs the extra:
pip install 'newsclaims[spacy]'.
"""

from __future__ import annotations

from pathlib import Path

from ..problems.record import problem
from .base import CorpusDocument, Plugin, WriteOptions, WriteResult, requires


def write(documents: list[CorpusDocument], out: Path, options: WriteOptions) -> WriteResult:
    spacy = requires("spacy", "spacy", "export spacy")
    tokens = requires("spacy.tokens", "spacy", "export spacy")
    result = WriteResult()
    out.mkdir(parents=True, exist_ok=True)
    blanks = {}
    docbin = tokens.DocBin(store_user_data=True)
    for document in documents:
        annotation = document.annotation
        language = annotation["metadata"]["language"].split("-")[0]
        if language not in blanks:
            try:
                blanks[language] = spacy.blank(language)
            except (ImportError, KeyError, ValueError):  # a language spaCy has no tokenizer for
                blanks[language] = spacy.blank("xx")
        doc = blanks[language](document.text)
        ents, taken = [], []
        mentions = sorted(((m, e) for e in annotation["entities"] for m in e["mentions"]), key=lambda p: (p[0]["start"], -p[0]["end"]))
        for mention, entity in mentions:
            span = doc.char_span(mention["start"], mention["end"], label=entity["type"], kb_id=entity.get("wikidata", ""),
                                 alignment_mode="expand")
            if span is None:
                continue
            if (span.start_char, span.end_char) != (mention["start"], mention["end"]):
                result.problems.append(problem("export-not-carried", document.doc_id, f"mention {mention['id']} {mention['text']!r} "
                                               "does not fall on token boundaries: widened to whole tokens"))
            if any(span.start < end and start < span.end for start, end in taken):
                result.problems.append(problem("export-not-carried", document.doc_id, f"mention {mention['id']} {mention['text']!r} "
                                               "overlaps another: spaCy entities cannot overlap, left out"))
                result.counts["mentions left out (overlap)"] += 1
                continue
            taken.append((span.start, span.end))
            ents.append(span)
        doc.ents = sorted(ents, key=lambda s: s.start)
        claims = []
        for claim in annotation["claims"]:
            span = doc.char_span(claim["start"], claim["end"], label=claim["claim_type"], alignment_mode="expand")
            if span is not None:
                claims.append(span)
        doc.spans["claims"] = claims
        doc.user_data["newsclaims"] = {"doc_id": document.doc_id, "claims": [{k: v for k, v in c.items() if k not in ("start", "end", "text")}
                                                                              for c in annotation["claims"]],
                                       "entities": [{"id": e["id"], "name": e["name"], "type": e["type"]} for e in annotation["entities"]]}
        docbin.add(doc)
        result.counts["documents"] += 1
        result.counts["entities (doc.ents)"] += len(ents)
        result.counts["claims (doc.spans['claims'])"] += len(claims)
    path = out / "corpus.spacy"
    docbin.to_disk(path)
    result.files.append(path)
    return result


PLUGIN = Plugin("spacy", "spaCy DocBin (doc.ents, doc.spans['claims']); needs newsclaims[spacy]", write=write, extras=(("spacy", "spacy"),))
