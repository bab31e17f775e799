"""Level 3, references: ids unique, `about` and source ids resolve, the file name equals doc_id.

It works on an annotation that passed the schema level, so fields exist and have the right types.
"""

from __future__ import annotations

from ..problems.codes import CATALOGUE
from ..problems.record import Problem, problem, shown_path
from ..problems.suggest import FEW, did_you_mean, near_matches

AUTHOR_SOURCE = "author"


def entity_number(entity_id: str) -> int:
    """e12 -> 12: `about` is ordered by entity id, as numbers (e2 before e10)."""
    return int(entity_id[1:]) if entity_id[1:].isdigit() else 0


def check_references(annotation: dict, path, file_stem: str | None, source_ids: set[str] | None) -> list[Problem]:
    """Ids unique, `about` and source ids resolve, file name equals doc_id.

    source_ids is None when sources.json itself is invalid: source links are then not checked here
    (sources.json's own problems are reported on it).
    """
    shown, problems = shown_path(path), []
    doc_id = annotation["doc_id"]
    if file_stem is not None and file_stem != doc_id:
        problems.append(
            problem(
                "doc-id-mismatch",
                shown,
                f"the file is named {file_stem!r} but its doc_id is {doc_id!r}",
                pointer="/doc_id",
                hint=f"Rename the file to {doc_id}.json, or set doc_id to {file_stem!r}.",
            )
        )

    seen: dict[str, str] = {}

    def check_id(local_id: str | None, pointer: str) -> None:
        if local_id is None:  # left out for `newsclaims anchor` to fill (check_anchoring reports it)
            return
        if local_id in seen:
            problems.append(problem("duplicate-id", shown, f"id {local_id!r} is used twice (first at {seen[local_id]})", pointer=pointer + "/id"))
        else:
            seen[local_id] = pointer

    for e, entity in enumerate(annotation["entities"]):
        check_id(entity.get("id"), f"/entities/{e}")
        for m, mention in enumerate(entity["mentions"]):
            check_id(mention.get("id"), f"/entities/{e}/mentions/{m}")
    for c, claim in enumerate(annotation["claims"]):
        check_id(claim.get("id"), f"/claims/{c}")

    for u, item in enumerate(annotation.get("unresolved") or ()):
        problems.append(problem("adjudication-unresolved", shown, f"unresolved {item['label']}: {item['message']}", pointer=f"/unresolved/{u}"))

    entity_ids = {entity["id"] for entity in annotation["entities"] if "id" in entity}
    names = {entity["id"]: entity["name"] for entity in annotation["entities"] if "id" in entity}
    # An entity left without an id gets one from `anchor`: `about` can be checked once it has.
    all_named = all("id" in entity for entity in annotation["entities"])
    for c, claim in enumerate(annotation["claims"] if all_named else ()):
        for a, entity_id in enumerate(claim["about"]):
            if entity_id not in entity_ids:
                problems.append(
                    problem(
                        "unknown-entity",
                        shown,
                        f"claim {claim.get('id', '#' + str(c + 1))!r} is about {entity_id!r}, which no entity of this file has as id",
                        pointer=f"/claims/{c}/about/{a}",
                        hint=_entity_hint(entity_id, names, claim["about"]),
                    )
                )

    if source_ids is not None:

        def check_source(source_id: str | None, pointer: str) -> None:
            if source_id is not None and source_id not in source_ids:
                near = did_you_mean(source_id, sorted(source_ids), "source id")
                problems.append(
                    problem(
                        "unknown-source",
                        shown,
                        f"source {source_id!r} is not in corpus/sources.json",
                        pointer=pointer,
                        hint=f"{CATALOGUE['unknown-source'].hint} {near}" if near else None,
                    )
                )

        metadata = annotation["metadata"]
        check_source(metadata["publisher_source_id"], "/metadata/publisher_source_id")
        for a, source_id in enumerate(metadata["author_source_ids"]):
            check_source(source_id, f"/metadata/author_source_ids/{a}")
        for c, claim in enumerate(annotation["claims"]):
            check_source(claim["source_id"], f"/claims/{c}/source_id")
    return problems


def _entity_hint(entity_id: str, names: dict[str, str], about: list[str]) -> str | None:
    """Near entity ids (not already in `about`: the hint must not cause schema-unique-items), with names."""
    free = [i for i in names if i not in about]
    near = near_matches(entity_id, free)
    parts = []
    if near:
        parts.append("Did you mean " + " or ".join(f"`{i}` ({names[i]})" for i in near) + "?")
        fixed = sorted([near[0] if i == entity_id else i for i in about], key=entity_number)  # in id order: no about-order after it
        parts.append('Then about is: [' + ", ".join(f'"{i}"' for i in fixed) + "].")
    if 0 < len(names) <= FEW:
        parts.append("The entities are: " + ", ".join(f"`{i}` ({name})" for i, name in names.items()) + ".")
    return f"{CATALOGUE['unknown-entity'].hint} {' '.join(parts)}" if parts else None
