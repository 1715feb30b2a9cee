"""Asserting and retracting a relationship: a claim, with the sources that state it.

A claim is identified as in the seed files (RELATION_KEY: kind, ends, role, dates, amount,
workload, title): the same claim from another source adds that source to the one edge; a claim
that differs in any of those is a claim of its own, kept beside the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.curation.edit import Edit
from graph.curation.entities import check_reason
from graph.curation.errors import Conflict, Invalid, Missing
from graph.curation.lookup import checked_sources, claim, in_load_order, live_entities, ordered, revision
from graph.curation.transaction import Written, now, rows, write
from graph.cypher import curation as cypher
from graph.database import Database
from graph.ontology import RELATION_TYPES, RETRACTED_TYPE
from graph.validation import relation_id, relation_key, relation_link_problems, validate_relation

Row = dict[str, Any]
_RETRACTION = ("retracted_reason", "retracted_at")
_NUMBERS = frozenset({"amount", "workload"})


def subject(start: str, end: str, rel_id: str) -> str:
    """How a change names a relationship: its ends and id, as in its global id."""
    return f"{start}\n{end}\n{rel_id}"


def joined_note(old: str | None, new: str | None) -> str | None:
    """A claim's note when the same claim comes again with a note: both, as the seed loader joins
    the notes of one claim in two files; a note it holds already (on its own or joined) is not
    added again, so that asserting or importing twice changes nothing."""
    if not new or (old is not None and new in old.split(" / ")):
        return old
    return " / ".join(filter(None, [old, new]))


def _whole(data: Row) -> Row:
    # 24990.0 from a GraphQL Float is the 24990 a seed file states: the same claim, the same id.
    return {
        name: int(value) if name in _NUMBERS and isinstance(value, float) and value.is_integer() else value
        for name, value in data.items()
    }


async def put_claim(
    tx: AsyncManagedTransaction, edit: Edit, data: Row, sources: Sequence[str], *, restore: bool = True
) -> str:
    """Asserts the claim `data` (a seed file's relation fields) citing `sources`; returns its id.
    A retracted claim is made live again, unless not `restore` (a merge moving claims)."""
    data = _whole(data)
    relation, problems = validate_relation(data, sources)
    if relation is None or problems:
        raise Invalid(problems)
    kind, given_id = data["type"], relation_id(relation_key(data))
    inputs = (
        await rows(
            tx,
            cypher.CLAIM_INPUTS,
            ids=list(dict.fromkeys(sources)),
            keys=[data["from"], data["to"]],
            id=given_id,
            types=[RELATION_TYPES[kind]],
            **{"from": data["from"], "to": data["to"]},
        )
    )[0]
    cited = checked_sources(inputs["sources"], sources, "sources")
    named = await live_entities(
        tx, {"from": data["from"], "to": data["to"]}, resolved={row["key"]: row for row in inputs["ends"]}
    )
    start, end = named["from"], named["to"]
    if start["id"] == end["id"]:
        raise Invalid([("to", f"{data['from']!r} and {data['to']!r} are one entity (merged)")])
    problems = relation_link_problems(relation, start, end)
    if problems:
        raise Invalid(problems)
    # A merged key stands for its survivor: the claim is about the survivor.
    data = {**data, "from": start["id"], "to": end["id"]}
    props = relation["props"]
    rel_id = relation_id(relation_key(data))
    edit.subject = subject(start["id"], end["id"], rel_id)
    ends = {"from": start["id"], "to": end["id"], "id": rel_id}
    if rel_id != given_id:  # a merged key was followed: the claim is another one
        found = await claim(tx, kind, start["id"], end["id"], rel_id)
    else:
        found = (
            {"type": inputs["type"], "props": inputs["props"], "held": inputs["held"]}
            if inputs["type"] is not None
            else None
        )
    if found is None:
        props.update(id=rel_id, revision=1, sources=cited)
        created = await rows(
            tx, cypher.CREATE_CLAIM[kind], props=props, **{"from": start["id"], "to": end["id"]}
        )
        edit.written = created[0]["rel"]
        edit.compare_claim(rel_id, (start["id"], end["id"]), None, props)
        return rel_id
    before: Row = found["props"]
    held = found.get("held")
    after = {
        **before,
        "sources": (
            ordered([*held, *inputs["sources"]])
            if held is not None
            else await in_load_order(tx, [*before.get("sources", []), *sources])
        ),
        "note": joined_note(before.get("note"), props.get("note")),
    }
    if found["type"] == RETRACTED_TYPE and not restore:
        return rel_id
    if found["type"] == RETRACTED_TYPE:
        # Asserted again, with evidence: the claim is live again.
        for name in _RETRACTION:
            after.pop(name, None)
        after["revision"] = revision(before) + 1
        edit.compare_claim(rel_id, (start["id"], end["id"]), before, after)
        edit.written = (await rows(tx, cypher.RESTORE_RELATIONSHIP[kind], props=after, **ends))[0]["rel"]
        await rows(tx, cypher.REFRESH_COUNTS, ids=[start["id"], end["id"]])
    elif edit.compare_claim(rel_id, (start["id"], end["id"]), before, after):
        after["revision"] = revision(before) + 1
        changes = {name: after[name] for name in ("sources", "note", "revision")}
        edit.written = (await rows(tx, cypher.UPDATE_CLAIM, changes=changes, type=found["type"], **ends))[0][
            "rel"
        ]
    return rel_id


async def assert_relationship(
    db: Database,
    author: str,
    data: Row,
    sources: Sequence[str],
    *,
    reason: str | None = None,
    client_id: str | None = None,
) -> Written:
    """A claim (`data`: a seed file's relation fields) citing `sources`: a new relationship, or a
    source added to the same claim (restoring it if it was retracted)."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        await put_claim(tx, edit, data, sources)

    return await write(
        db, author=author, action="assert_relationship", reason=reason, client_id=client_id, work=work
    )


async def retract_relationship(
    db: Database, author: str, start: str, end: str, rel_id: str, reason: str, *, client_id: str | None = None
) -> Written:
    """Retracts one relationship, found by its ends and id (its global id holds all three)."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        because = check_reason(reason)
        edit.subject = subject(start, end, rel_id)
        found = await rows(tx, cypher.CLAIM_ANY_KIND, id=rel_id, **{"from": start, "to": end})
        if not found:
            raise Missing(f"no relationship {rel_id!r} from {start!r} to {end!r}", "id")
        props = found[0]["props"]
        if found[0]["type"] == RETRACTED_TYPE:
            raise Conflict(f"relationship {rel_id!r} is retracted already", "id")
        batch = [{"from": start, "to": end, "id": rel_id, "reason": because}]
        await rows(tx, cypher.RETRACT_RELATIONSHIP[props["kind"]], rows=batch, at=now())
        await rows(tx, cypher.REFRESH_COUNTS, ids=[start, end])
        edit.compare_claim(rel_id, (start, end), {"retracted_reason": None}, {"retracted_reason": because})

    return await write(
        db, author=author, action="retract_relationship", reason=reason, client_id=client_id, work=work
    )
