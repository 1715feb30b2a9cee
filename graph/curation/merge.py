"""Merging two entities that turn out to be one, and recording that two similar ones are distinct.

A merge moves the merged entity's claims to the survivor (each asserted there with its sources,
so a claim the survivor already has gains them), gives the survivor its names as aliases, its
identifiers and its sources, moves the sources it published, and retracts it with
`merged_into`: its old claims stay, retracted, with the merge as their reason, and its key
keeps resolving to the survivor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.curation.edit import Edit
from graph.curation.entities import check_reason, link_names, retract, validated
from graph.curation.errors import Invalid
from graph.curation.lookup import entity_data, in_load_order, live_entity, revision
from graph.curation.relationships import put_claim
from graph.curation.transaction import Written, rows, write
from graph.cypher import curation as cypher
from graph.database import Database
from graph.validation import RELATION_FIELDS

Row = dict[str, Any]
# What of a relationship's properties is a seed file's relation field (the rest is derived).
_CLAIM_FIELDS = frozenset(RELATION_FIELDS) - {"type", "from", "to", "retracted_reason"}


def _survivor_data(survivor: Row, merged: Row) -> Row:
    data = entity_data(survivor)
    own = {survivor["name"], survivor["name_en"]}
    names = [*survivor.get("aliases", []), merged["name"], merged["name_en"], *merged.get("aliases", [])]
    aliases = [a for a in dict.fromkeys(names) if a not in own]
    if aliases:
        data["aliases"] = aliases
    identifiers = dict(data.get("identifiers", {}))
    for scheme, value in entity_data(merged).get("identifiers", {}).items():
        if identifiers.setdefault(scheme, value) != value:
            raise Invalid(
                [
                    (
                        "merged",
                        f"the two have different {scheme!r} identifiers: {identifiers[scheme]!r}, {value!r}",
                    )
                ]
            )
    if identifiers:
        data["identifiers"] = identifiers
    return data


def _claim_data(row: Row, merged: str, survivor: str) -> Row:
    props = row["props"]
    data = {name: props[name] for name in _CLAIM_FIELDS if props.get(name) is not None}
    data["type"] = props["kind"]
    data["from"] = survivor if row["from"] == merged else row["from"]
    data["to"] = survivor if row["to"] == merged else row["to"]
    return data


async def merge_entities(
    db: Database,
    author: str,
    survivor_key: str,
    merged_key: str,
    reason: str,
    *,
    client_id: str | None = None,
) -> Written:
    """Merges entity `merged_key` into `survivor_key` (both live, of the same kind)."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        because = check_reason(reason)
        survivor = await live_entity(tx, survivor_key, "survivor", follow=False)
        merged = await live_entity(tx, merged_key, "merged", follow=False)
        edit.subject = survivor["id"]
        if survivor["id"] == merged["id"]:
            raise Invalid([("merged", "an entity cannot be merged into itself")])
        if survivor["kind"] != merged["kind"]:
            raise Invalid(
                [
                    (
                        "merged",
                        f"a {merged['kind']} cannot be merged into a {survivor['kind']}: a kind does not "
                        "change; retract the wrong one and create it anew with the right kind",
                    )
                ]
            )
        sources = await in_load_order(tx, [*survivor.get("sources", []), *merged.get("sources", [])])
        after = validated(_survivor_data(survivor, merged), sources)
        after.update({name: survivor[name] for name in ("degree", "members") if name in survivor})
        after["revision"] = revision(survivor) + 1
        edit.compare("entity", survivor["id"], survivor, after)
        await rows(tx, cypher.REPLACE_ENTITY, key=survivor["id"], props=after)
        await link_names(tx, after)
        for moved in await rows(tx, cypher.MOVE_PUBLISHED, merged=merged["id"], survivor=survivor["id"]):
            edit.compare(
                "source", moved["source"], {"publisher": merged["id"]}, {"publisher": survivor["id"]}
            )
        claims = await retract(tx, edit, merged, because, merged_into=survivor["id"])
        for row in claims:
            data = _claim_data(row, merged["id"], survivor["id"])
            if data["from"] != data["to"]:  # a claim between the two says nothing once they are one
                # A claim the survivor has retracted stays retracted: a merge brings no new evidence.
                await put_claim(tx, edit, data, row["props"].get("sources", []), restore=False)
        edit.subject = survivor["id"]

    return await write(
        db, author=author, action="merge_entities", reason=reason, client_id=client_id, work=work
    )


async def record_distinct(
    db: Database,
    author: str,
    first: str,
    second: str,
    reason: str,
    sources: Sequence[str],
    *,
    client_id: str | None = None,
) -> Written:
    """Records that two similar entities are different ones (a distinct_from claim with its reason)."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        data = {"type": "distinct_from", "from": first, "to": second, "note": check_reason(reason)}
        await put_claim(tx, edit, data, sources)

    return await write(
        db, author=author, action="assert_relationship", reason=reason, client_id=client_id, work=work
    )
