"""Creating, updating and retracting an entity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.curation.edit import Edit
from graph.curation.errors import Conflict, Invalid
from graph.curation.lookup import check_sources, entity_data, in_load_order, key_taken, live_entity, revision
from graph.curation.transaction import Written, now, rows, write
from graph.cypher import curation as cypher
from graph.cypher import entities as entity_cypher
from graph.database import Database
from graph.entities import term_rows
from graph.ontology import RELATION_TYPES
from graph.validation import add_search_names, validate_entity

Row = dict[str, Any]

# Kept by the graph, not stated by a curator: carried over when an entity's fields are replaced.
_MAINTAINED = ("degree", "members")


def validated(data: Row, sources: Sequence[str]) -> Row:
    """The properties to store for an entity table's fields, or Invalid naming each bad field."""
    row, problems = validate_entity(data, sources)
    if row is None or problems:
        raise Invalid(problems)
    add_search_names(row)
    return row


async def link_names(tx: AsyncManagedTransaction, props: Row) -> None:
    """Links the entity's search terms again: after its names changed, or to unlink (retracted)."""
    old = await rows(tx, cypher.UNLINK_NAMES, key=props["id"])
    if props.get("search_names"):
        terms, names = term_rows([props])
        await rows(tx, entity_cypher.LINK_TERMS, terms=terms)
        await rows(tx, entity_cypher.LINK_NAMES, rows=names)
    if old and old[0]["terms"]:
        await rows(tx, cypher.DELETE_UNUSED_TERMS, terms=old[0]["terms"])


async def create_entity(
    db: Database,
    author: str,
    data: Row,
    sources: Sequence[str],
    *,
    reason: str | None = None,
    client_id: str | None = None,
) -> Written:
    """A new entity (`data`: a seed file's entity fields) citing `sources`."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        props = validated(data, sources)
        edit.subject = props["id"]
        props["sources"] = await check_sources(tx, sources)
        if await key_taken(tx, props["id"]):
            raise Conflict(f"an entity with the key {props['id']!r} exists already; update it instead", "id")
        props["revision"] = 1
        await rows(tx, cypher.CREATE_ENTITY[props["kind"]], props=props)
        await rows(tx, cypher.REFRESH_COUNTS, ids=[props["id"]])
        await link_names(tx, props)
        edit.compare("entity", props["id"], None, props)

    return await write(
        db, author=author, action="create_entity", reason=reason, client_id=client_id, work=work
    )


async def update_entity(
    db: Database,
    author: str,
    key: str,
    expected_revision: int,
    changes: Row,
    *,
    clear: Sequence[str] = (),
    add_sources: Sequence[str] = (),
    reason: str | None = None,
    client_id: str | None = None,
) -> Written:
    """Sets `changes` and removes `clear` (seed file field names) on entity `key`, if it is still at
    `expected_revision` (Conflict otherwise). Its kind and key stay."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        before = await live_entity(tx, key, "key", follow=False)
        edit.subject = before["id"]
        if revision(before) != expected_revision:
            raise Conflict(
                f"entity {before['id']!r} is at revision {revision(before)}, not {expected_revision}: "
                "it changed since you read it; read it again",
                "expectedRevision",
            )
        data = entity_data(before)
        data.update(changes)
        for name in clear:
            data.pop(name, None)
        if add_sources:
            await check_sources(tx, add_sources, "addSources")
        sources = await in_load_order(tx, [*before.get("sources", []), *add_sources])
        after = validated(data, sources)
        after.update({name: before[name] for name in _MAINTAINED if name in before})
        if not edit.compare("entity", after["id"], before, after):
            return
        after["revision"] = revision(before) + 1
        await rows(tx, cypher.REPLACE_ENTITY, key=after["id"], props=after)
        if after["search_names"] != before.get("search_names"):
            await link_names(tx, after)

    return await write(
        db, author=author, action="update_entity", reason=reason, client_id=client_id, work=work
    )


async def retract_relationships_of(
    tx: AsyncManagedTransaction, edit: Edit, key: str, because: str, at: str
) -> list[Row]:
    """Retracts every live relationship of entity `key`; returns them as they were."""
    found = await rows(tx, cypher.RELATIONSHIPS_OF_ENTITY, key=key, types=list(RELATION_TYPES.values()))
    by_kind: dict[str, list[Row]] = {}
    for row in found:
        props = row["props"]
        by_kind.setdefault(props["kind"], []).append(
            {"from": row["from"], "to": row["to"], "id": props["id"], "reason": because}
        )
        edit.compare_claim(
            props["id"], (row["from"], row["to"]), {"retracted_reason": None}, {"retracted_reason": because}
        )
    for kind, batch in sorted(by_kind.items()):
        await rows(tx, cypher.RETRACT_RELATIONSHIP[kind], rows=batch, at=at)
    return found


async def retract(
    tx: AsyncManagedTransaction, edit: Edit, entity: Row, reason: str, merged_into: str | None = None
) -> list[Row]:
    """Retracts the entity (its relationships first); returns the relationships as they were."""
    at = now()
    key = entity["id"]
    because = f"{key} merged into {merged_into}: {reason}" if merged_into else f"{key} retracted: {reason}"
    found = await retract_relationships_of(tx, edit, key, because, at)
    await link_names(tx, {"id": key})
    await rows(
        tx, cypher.RETRACT_ENTITY[entity["kind"]], key=key, reason=reason, at=at, merged_into=merged_into
    )
    edit.compare(
        "entity",
        key,
        {"retracted_reason": None, "merged_into": None},
        {"retracted_reason": reason, "merged_into": merged_into},
    )
    others = sorted({row["from"] for row in found} | {row["to"] for row in found} - {key})
    await rows(tx, cypher.REFRESH_COUNTS, ids=others)
    return found


def check_reason(reason: str) -> str:
    if not reason.strip():
        raise Invalid([("reason", "say why: a retraction or a merge needs a reason")])
    return reason.strip()


async def retract_entity(
    db: Database, author: str, key: str, reason: str, *, client_id: str | None = None
) -> Written:
    """Retracts entity `key` and its relationships; nothing is deleted (graph/curation/__init__.py)."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        entity = await live_entity(tx, key, "key", follow=False)
        edit.subject = entity["id"]
        await retract(tx, edit, entity, check_reason(reason))

    return await write(
        db, author=author, action="retract_entity", reason=reason, client_id=client_id, work=work
    )
