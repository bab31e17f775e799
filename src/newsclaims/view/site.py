"""The static site: a page per document (doc/<doc_id>.html), the overview (index.html) with its search
index in chunks (index/docs-NNNN.js, loaded by a script tag each, so the site works from file:// with no
server), and the CSS and script (static/). Everything the pages need is inside the folder: no network,
no CDN.

`write_site(folder, documents, info)` renders documents one at a time (an iterable: the caller may read
them lazily) and returns what it wrote; it writes into `folder`, which the caller made (the workflow
writes into a new folder and swaps it in).
"""

from __future__ import annotations

import importlib.resources
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..problems.record import Problem
from .charts import bar_chart
from .placing import Placed, place_problems
from .spans import Span, annotation_spans, render_text, why_unshown

PACKAGE = "newsclaims.view"
CHUNK_ROWS = 1000  # documents per search-index file
PAGE_ROWS = 50  # documents per page of the overview's table
SNIPPET = 160  # characters of a claim's text in the side list
AUTHOR = "author"
MARKER = ".newsclaims-view"  # in every folder this module wrote: only such a folder is ever replaced


@dataclass
class ViewDocument:
    """One document as the site shows it: its text (None when the text file is missing or unreadable),
    its annotation (None when the file cannot be parsed; any shape when it is invalid), its validation
    problems and its split."""

    doc_id: str
    text: str | None
    annotation: dict | None
    problems: list[Problem] = field(default_factory=list)
    split: str | None = None


@dataclass
class SiteInfo:
    name: str  # the dataset's name
    version: str | None
    origin: str  # "corpus" or "data": what the site was made from
    origin_path: str
    sources: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # problems of no document (sources.json, splits.json...)
    entity_types: list[str] = field(default_factory=list)  # the schema's order, for the legends
    claim_types: list[str] = field(default_factory=list)
    attribution_modes: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=lambda: ["train", "validation", "test"])


@dataclass
class SiteResult:
    folder: Path
    documents: int = 0
    with_problems: list[str] = field(default_factory=list)  # doc_ids of the documents that have problems
    problems: int = 0  # problems of documents, in all
    index_files: int = 0
    corpus_problems: int = 0  # problems of no document, listed on the overview


def environment():
    """The Jinja2 environment over the templates shipped in the package (autoescaping HTML)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader(PACKAGE, "templates"), autoescape=jinja2.select_autoescape(["html"]),
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["json_script"] = json_script
    return env


def json_script(value) -> str:
    """JSON safe inside <script type="application/json">: no `</script>` can end it early."""
    from markupsafe import Markup

    return Markup(orjson.dumps(value).decode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _short(text: str, limit: int = SNIPPET) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _problem(found: Problem) -> dict:
    return {"code": found.code, "message": found.message, "hint": found.hint, "severity": found.severity,
            "where": found.file + (f":{found.line}" if found.line is not None else "") + (f" (at {found.pointer})" if found.pointer else "")}


@dataclass
class Tally:
    """What the overview counts and lists, over the documents rendered so far; tallies of batches
    rendered in other processes add up with merge()."""

    entity_types: Counter = field(default_factory=Counter)  # (split, type) -> entities
    mention_types: Counter = field(default_factory=Counter)
    claim_types: Counter = field(default_factory=Counter)
    check_worthy: Counter = field(default_factory=Counter)
    hedged: Counter = field(default_factory=Counter)
    modes: Counter = field(default_factory=Counter)
    source_claims: Counter = field(default_factory=Counter)  # source id -> claims
    source_documents: Counter = field(default_factory=Counter)
    splits: Counter = field(default_factory=Counter)
    totals: Counter = field(default_factory=Counter)
    rows: list[list] = field(default_factory=list)  # the search index: a row per document
    with_problems: list[str] = field(default_factory=list)

    def merge(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, Counter):
                mine.update(value)
            else:
                mine.extend(value)


class Site:
    """Renders the pages of one site (the templates are compiled once)."""

    def __init__(self, folder: Path, info: SiteInfo):
        self.folder, self.info = Path(folder), info
        self.env = environment()
        self.document_template = self.env.get_template("document.html")
        self.sources = {_text(s.get("id")): s for s in info.sources if isinstance(s, dict)}
        self.tally = Tally()

    def take(self) -> Tally:
        """The tally so far, and a new one from here on."""
        tally, self.tally = self.tally, Tally()
        return tally

    # --- a document page ---------------------------------------------------------------------------

    def document(self, doc: ViewDocument) -> None:
        annotation = _dict(doc.annotation)
        text = doc.text or ""
        spans = annotation_spans(annotation) if doc.annotation is not None else []
        drawn = {span.span_id for span in spans if doc.text is not None and why_unshown(span, len(text)) is None}
        entities = [_dict(entity) for entity in _list(annotation.get("entities"))]
        entity_ids = [_text(entity.get("id")) or f"entity{i + 1}" for i, entity in enumerate(entities)]
        placed = place_problems(doc.problems, spans, drawn, entity_ids)
        marks = {span_id: " ".join(sorted({p.code for p in found})) for span_id, found in placed.at_span.items()}
        page = self._document_context(doc, annotation, text, spans, drawn, entities, entity_ids, placed, marks)
        html = self.document_template.render(page)
        (self.folder / "doc" / f"{doc.doc_id}.html").write_text(html, encoding="utf-8")
        self._count(doc, annotation, entities, page["claims"], len(doc.problems))

    def _document_context(self, doc, annotation, text, spans, drawn, entities, entity_ids, placed: Placed, marks) -> dict:
        metadata = _dict(annotation.get("metadata"))
        info = _dict(annotation.get("annotation"))
        names = {entity_id: _text(entity.get("name")) for entity_id, entity in zip(entity_ids, entities)}
        entity_rows, entity_data = [], {}
        for entity_id, entity in zip(entity_ids, entities):
            mentions = [_dict(m) for m in _list(entity.get("mentions"))]
            row = {"id": entity_id, "type": _text(entity.get("type")), "name": names[entity_id], "wikidata": _text(entity.get("wikidata")),
                   "mentions": len(mentions), "problems": [_problem(p) for p in placed.at_entity.get(entity_id, [])]}
            entity_rows.append(row)
            entity_data[entity_id] = {"name": row["name"], "type": row["type"], "wikidata": row["wikidata"], "mentions": row["mentions"]}
        claim_rows, claim_data = [], {}
        for c, claim in enumerate(_list(annotation.get("claims"))):
            claim = _dict(claim)
            claim_id = _text(claim.get("id")) or f"claim{c + 1}"
            attribution = _dict(claim.get("attribution"))
            source_id = _text(claim.get("source_id"))
            source = _dict(self.sources.get(source_id))
            hedges = [_text(_dict(h).get("text")) for h in _list(claim.get("hedge_cues"))]
            about = [a for a in _list(claim.get("about")) if isinstance(a, str)]
            verdict = _dict(claim.get("verdict"))
            row = {"id": claim_id, "type": _text(claim.get("claim_type")), "check_worthy": claim.get("check_worthy") is True,
                   "hedged": claim.get("hedged") is True, "text": _short(_text(claim.get("text"))), "source_id": source_id,
                   "source": _text(source.get("name")) or source_id or "?", "source_kind": _text(source.get("kind")),
                   "mode": _text(attribution.get("mode")), "cue": _text(_dict(attribution.get("cue")).get("text")),
                   "source_span": _text(_dict(attribution.get("source_span")).get("text")), "hedges": hedges,
                   "about": [{"id": a, "name": names.get(a) or f"{a} (no such entity)"} for a in about],
                   "verdict": _text(verdict.get("label")), "drawn": claim_id in drawn,
                   "problems": sorted({p.code for span_id, found in placed.at_span.items()
                                       if span_id == claim_id or span_id.startswith(claim_id + ".") for p in found})}
            claim_rows.append(row)
            claim_data[claim_id] = {key: row[key] for key in ("type", "check_worthy", "hedged", "source", "source_kind", "mode", "cue",
                                                             "source_span", "hedges", "verdict")}
            claim_data[claim_id]["about"] = [a["id"] for a in row["about"]]
        spanless = [{"span": None, **_problem(p)} for p in placed.unplaced]
        at_spans = [{"span": span_id, **_problem(p)} for span_id, found in placed.at_span.items() for p in found]
        at_entities = [{"span": None, "entity": entity_id, **_problem(p)} for entity_id, found in placed.at_entity.items() for p in found]
        types_here = {row["type"] for row in entity_rows}
        legend = [t for t in self.info.entity_types if t in types_here] + sorted(types_here - set(self.info.entity_types))
        return {
            "root": "../", "doc_id": doc.doc_id, "title": _text(metadata.get("title")) or doc.doc_id, "metadata": metadata,
            "info": info, "split": doc.split, "language": _text(metadata.get("language")) or "und",
            "text_html": _markup(render_text(text, spans, marks)) if doc.text is not None else None,
            "entities": entity_rows, "claims": claim_rows, "legend": legend, "site": self.info,
            "spanless": spanless, "at_spans": at_spans, "at_entities": at_entities, "problem_count": len(doc.problems),
            "data": {"doc_id": doc.doc_id, "entities": entity_data, "claims": claim_data,
                     "problems": {span_id: [_problem(p) for p in found] for span_id, found in placed.at_span.items()},
                     "quotes": {span.span_id: _text(span.quote) for span in spans if span.span_id in placed.at_span}},
        }

    def _count(self, doc: ViewDocument, annotation: dict, entities: list[dict], claims: list[dict], problems: int) -> None:
        stats, split = self.tally, doc.split or "unassigned"
        stats.splits[split] += 1
        mentions = 0
        for entity in entities:
            kind = _text(entity.get("type"))
            count = len(_list(entity.get("mentions")))
            mentions += count
            stats.entity_types[(split, kind)] += 1
            stats.mention_types[(split, kind)] += count
        sources_here = set()
        for claim in claims:
            stats.claim_types[(split, claim["type"])] += 1
            stats.check_worthy[(split, "check-worthy" if claim["check_worthy"] else "not check-worthy")] += 1
            stats.hedged[(split, "hedged" if claim["hedged"] else "not hedged")] += 1
            stats.modes[(split, claim["mode"])] += 1
            stats.source_claims[claim["source_id"]] += 1
            sources_here.add(claim["source_id"])
        for source_id in sources_here:
            stats.source_documents[source_id] += 1
        stats.totals.update(documents=1, entities=len(entities), mentions=mentions, claims=len(claims), problems=problems)
        title = _text(_dict(annotation.get("metadata")).get("title"))
        names = sorted({_text(entity.get("name")) for entity in entities if entity.get("name")})
        stats.rows.append([doc.doc_id, title, doc.split or "", len(entities), mentions, len(claims), problems,
                           "\u001f".join(names), "\u001f".join(sorted(sources_here))])
        if problems:
            stats.with_problems.append(doc.doc_id)

    # --- the overview, the index and the static files ----------------------------------------------

    def finish(self) -> SiteResult:
        stats, info = self.tally, self.info
        rows = sorted(stats.rows, key=lambda row: row[0])
        stats.with_problems.sort()
        index = self.folder / "index"
        chunks = [rows[at:at + CHUNK_ROWS] for at in range(0, len(rows), CHUNK_ROWS)]
        for number, chunk in enumerate(chunks):
            payload = orjson.dumps(chunk).decode().replace("</", "<\\/")
            (index / f"docs-{number:04d}.js").write_text(f"NC_INDEX.add({number}, {payload});\n", encoding="utf-8")
        splits = [s for s in info.splits if stats.splits[s]] + sorted(set(stats.splits) - set(info.splits))

        def ordered(counter: Counter, known: list[str]) -> list[str]:
            seen = {value for _, value in counter}
            return [v for v in known if v in seen] + sorted(seen - set(known))

        charts = [(title, bar_chart(chart_id, title, values, splits, counter)) for chart_id, title, values, counter in (
            ("chart-entities", "Entities by type, per split", ordered(stats.entity_types, info.entity_types), stats.entity_types),
            ("chart-mentions", "Mentions by entity type, per split", ordered(stats.mention_types, info.entity_types), stats.mention_types),
            ("chart-claims", "Claims by claim type, per split", ordered(stats.claim_types, info.claim_types), stats.claim_types),
            ("chart-checkworthy", "Claims by check-worthiness, per split", ["check-worthy", "not check-worthy"], stats.check_worthy),
            ("chart-hedged", "Claims by hedging, per split", ["hedged", "not hedged"], stats.hedged),
            ("chart-modes", "Claims by attribution mode, per split", ordered(stats.modes, info.attribution_modes), stats.modes))]
        known = set(self.sources)
        sources = [{"id": source_id, "name": _text(_dict(self.sources.get(source_id)).get("name")) or source_id,
                    "kind": _text(_dict(self.sources.get(source_id)).get("kind")), "claims": stats.source_claims[source_id],
                    "documents": stats.source_documents[source_id], "registered": source_id in known}
                   for source_id in sorted(known | set(stats.source_claims), key=lambda s: (-stats.source_claims[s], s))]
        overview = self.env.get_template("overview.html").render(
            root="", site=info, totals=stats.totals, splits=[(s, stats.splits[s]) for s in splits], charts=[(title, _markup(chart)) for title, chart in charts],
            sources=sources, first_rows=rows[:PAGE_ROWS], page_rows=PAGE_ROWS, chunks=len(chunks),
            with_problems=len(stats.with_problems), corpus_problems=[_problem(p) for p in info.problems])
        (self.folder / "index.html").write_text(overview, encoding="utf-8")
        copy_static(self.folder / "static")
        (self.folder / MARKER).write_text("written by `newsclaims view`; the whole folder is replaced by the next run\n", encoding="utf-8")
        return SiteResult(self.folder, stats.totals["documents"], stats.with_problems, stats.totals["problems"], len(chunks), len(info.problems))


def _markup(html: str):
    from markupsafe import Markup

    return Markup(html)


def copy_static(target: Path) -> None:
    """The CSS and scripts shipped in the package, copied into the site."""
    target.mkdir(parents=True, exist_ok=True)
    for item in importlib.resources.files(PACKAGE).joinpath("static").iterdir():
        if item.is_file() and not item.name.startswith("."):
            (target / item.name).write_bytes(item.read_bytes())


def write_site(folder: Path, documents: Iterable[ViewDocument], info: SiteInfo) -> SiteResult:
    """Every page of the site into folder (which must exist and be empty)."""
    site = start_site(folder, info)
    for doc in documents:
        site.document(doc)
    return site.finish()


def start_site(folder: Path, info: SiteInfo) -> Site:
    """A site whose documents are rendered elsewhere too (Site(folder, info) in worker processes, their
    take() merged into this one's tally); finish() writes the overview."""
    folder = Path(folder)
    for sub in ("doc", "index", "static"):
        os.makedirs(folder / sub, exist_ok=True)
    return Site(folder, info)


__all__ = ["MARKER", "Site", "SiteInfo", "SiteResult", "Span", "Tally", "ViewDocument", "start_site", "write_site"]
