"""ClaimReview JSON-LD (https://schema.org/ClaimReview) out, for the claims that carry a verdict: one
`ClaimReview` each, its `claimReviewed` the claim's text, `itemReviewed` a `Claim` (with its source as
`author` and the document's URL and date as its `appearance`), `reviewRating` the verdict label (our
four labels in order as ratings 1-4: refuted=1, conflicting_evidence=2, not_enough_evidence=3,
supported=4, `alternateName` the label), `reviewBody` the justification, and the evidence URLs as
`citation`. Claims without a verdict are not fact-checks and are left out (counted).
"""

from __future__ import annotations

from pathlib import Path

import orjson

from .base import CorpusDocument, Plugin, WriteOptions, WriteResult

RATINGS = {"refuted": 1, "conflicting_evidence": 2, "not_enough_evidence": 3, "supported": 4}


def review(document: CorpusDocument, claim: dict, sources: dict) -> dict:
    metadata = document.annotation["metadata"]
    source = sources.get(claim["source_id"], {})
    verdict = claim["verdict"]
    appearance = {"@type": "CreativeWork", "headline": metadata["title"]}
    if metadata["url"]:
        appearance["url"] = metadata["url"]
    if metadata["published_at"]:
        appearance["datePublished"] = metadata["published_at"]
    author_type = "Person" if source.get("kind") == "person" else "Organization"
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": f"{document.doc_id}:{claim['id']}",
        "claimReviewed": claim["text"],
        "itemReviewed": {"@type": "Claim", "author": {"@type": author_type, "name": source.get("name", claim["source_id"])},
                         "appearance": appearance},
        "reviewRating": {"@type": "Rating", "ratingValue": RATINGS[verdict["label"]], "bestRating": 4, "worstRating": 1,
                         "alternateName": verdict["label"]},
        "reviewBody": verdict["justification"],
        "citation": [{"@type": "CreativeWork", "url": e["url"], "text": e["quote"]} for e in verdict["evidence"]],
    }


def write(documents: list[CorpusDocument], out: Path, options: WriteOptions) -> WriteResult:
    result = WriteResult()
    out.mkdir(parents=True, exist_ok=True)
    reviews = []
    for document in documents:
        for claim in document.annotation["claims"]:
            if claim["verdict"] is None:
                result.counts["claims without a verdict (left out)"] += 1
                continue
            reviews.append(review(document, claim, options.sources))
    result.counts["claim reviews"] = len(reviews)
    path = out / "claimreview.jsonld"
    path.write_bytes(orjson.dumps(reviews, option=orjson.OPT_INDENT_2) + b"\n")
    result.files.append(path)
    return result


PLUGIN = Plugin("claimreview", "schema.org ClaimReview JSON-LD for claims with a verdict", write=write)
