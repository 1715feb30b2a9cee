"""Relationship questions: partners, common partners, paths."""

from __future__ import annotations

from graph import relationships as reads
from graph.database import Database
from graph.filters import TimeFilter
from graph.records import CommonPartner, Page, Partner, PathRecord, RelationshipRecord
from resolvers.arguments import bounded, distinct_keys
from resolvers.entities import require
from resolvers.errors import BadInput
from resolvers.pagination import window

MAX_PATH_LENGTH = 6
MAX_PATHS = 10
# Largest project, council or event through which two actors still count as partners.
MAX_GROUP = 100_000


async def partners(
    db: Database,
    key: str,
    via: list[str] | None,
    kinds: list[str] | None,
    when: TimeFilter,
    max_group: int,
    first: int | None,
    after: str | None,
    *,
    with_relationships: bool = True,
    include_inferred: bool = True,
) -> Page[Partner]:
    skip, limit = window(first, after)
    bounded(max_group, "maxGroupSize", 2, MAX_GROUP)
    total, page = await reads.partners(
        db,
        key,
        via,
        kinds,
        when,
        max_group,
        skip,
        limit,
        with_relationships=with_relationships,
        include_inferred=include_inferred,
    )
    if total == 0 and (live := (await require(db, {key: "key"}))[key]) != key:
        return await partners(
            db,
            live,
            via,
            kinds,
            when,
            max_group,
            first,
            after,
            with_relationships=with_relationships,
            include_inferred=include_inferred,
        )
    return Page(page, skip, skip + len(page) < total, total)


async def relationship(
    db: Database, from_key: str, to_key: str, key: str, *, include_retracted: bool = False
) -> RelationshipRecord | None:
    return await reads.relationship_by_ends(db, from_key, to_key, key, include_retracted=include_retracted)


async def common_partners(
    db: Database,
    keys: list[str],
    via: list[str] | None,
    kinds: list[str] | None,
    when: TimeFilter,
    max_group: int,
    first: int,
    *,
    with_relationships: bool = True,
    include_inferred: bool = True,
) -> list[CommonPartner]:
    unique = distinct_keys(keys, "keys")
    limit = bounded(first, "first", 1, 100)
    bounded(max_group, "maxGroupSize", 2, MAX_GROUP)
    found = await reads.common_partners(
        db,
        unique,
        via,
        kinds,
        when,
        max_group,
        limit,
        with_relationships=with_relationships,
        include_inferred=include_inferred,
    )
    if not found:
        live = await require(db, dict.fromkeys(unique, "keys"))
        if any(live[key] != key for key in unique):
            return await common_partners(
                db,
                [live[key] for key in unique],
                via,
                kinds,
                when,
                max_group,
                first,
                with_relationships=with_relationships,
                include_inferred=include_inferred,
            )
    return found


async def paths(
    db: Database,
    from_key: str,
    to_key: str,
    max_length: int,
    kinds: list[str] | None,
    first: int,
    include_inferred: bool = True,
) -> list[PathRecord]:
    bounded(max_length, "maxLength", 1, MAX_PATH_LENGTH)
    bounded(first, "first", 1, MAX_PATHS)
    if kinds is not None and not set(kinds) - {"distinct_from"}:
        raise BadInput("`kinds` must name a relationship a path can follow", argument="kinds")
    if from_key == to_key:
        raise BadInput("`from` and `to` must be different entities", argument="to")
    found = await reads.paths(db, from_key, to_key, max_length, kinds, first, include_inferred)
    if not found:
        live = await require(db, {from_key: "from", to_key: "to"})
        if (live[from_key], live[to_key]) != (from_key, to_key):
            return await paths(db, live[from_key], live[to_key], max_length, kinds, first, include_inferred)
    return found
