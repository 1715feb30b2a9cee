"""Reads for nested fields, batched: each call serves every parent of one level of a query.

The schema's DataLoaders (schema/loaders.py) collect the keys a level asks for and call
these once, so a nested selection costs one statement per level, however many parents; a
window that names its next level (`then`) has both levels read in that one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph import entities as entity_reads
from graph import history as history_reads
from graph import relationships as relationship_reads
from graph.database import Database
from graph.filters import RelationshipWindow
from graph.history import HistoryWindow
from graph.records import ChangeRecord, EntityRecord, Page, RelationshipOf, SourceRecord
from resolvers.arguments import time_filter
from resolvers.entities import not_live
from resolvers.pagination import window


def relationship_window(
    kinds: list[str] | None,
    as_of: date | None,
    between: tuple[date | None, date | None],
    first: int | None,
    after: str | None,
    *,
    other: tuple[str, ...] | None = None,
    bare: bool = False,
    sources: bool = False,
    then: RelationshipWindow | None = None,
    retracted: bool = False,
) -> RelationshipWindow:
    """The validated window of a `relationships` field; see graph.filters.RelationshipWindow."""
    skip, limit = window(first, after)
    return RelationshipWindow(
        tuple(kinds) if kinds else None,
        time_filter(as_of, *between),
        skip,
        limit,
        other,
        bare,
        sources,
        then,
        retracted=retracted,
    )


async def entities(db: Database, keys: Sequence[str]) -> list[EntityRecord | None]:
    found = await entity_reads.entities_by_keys(db, keys)
    return [found.get(key) for key in keys]


async def retracted_entities(db: Database, keys: Sequence[str]) -> list[EntityRecord | None]:
    """Retracted entities by key: the ends of RETRACTED relationships that left the graph."""
    found = await entity_reads.retracted_by_keys(db, keys)
    return [found.get(key) for key in keys]


async def sources(db: Database, keys: Sequence[str]) -> list[SourceRecord | None]:
    found = await entity_reads.sources_by_keys(db, keys)
    return [found.get(key) for key in keys]


async def relationship_pages(
    db: Database, ask: RelationshipWindow, keys: Sequence[str]
) -> list[Page[RelationshipOf]]:
    """Each entity's page, with the entity at the other end of each relationship (and the
    deeper levels `ask.then` names, read in the same statement)."""
    found, _ = await relationship_reads.relationship_pages(db, keys, ask)
    return [found.get(key) or Page([], ask.skip, False) for key in keys]


async def entity_with_relationships(
    db: Database, key: str, ask: RelationshipWindow, include_retracted: bool = False
) -> tuple[EntityRecord, Page[RelationshipOf] | None]:
    """An entity and its page of relationships in one statement (a root field that selects them).

    A key no live entity has is looked up as `entities.entity` does (a retracted entity when asked
    for, a merge's survivor); its page is then left to the field's own loader (None)."""
    pages, found = await relationship_reads.relationship_pages(db, [key], ask, with_entities=True)
    record = found.get(key)
    if record is None or (record.retracted and not include_retracted):
        return await not_live(db, key, include_retracted), None
    return record, pages[key]


async def histories(db: Database, ask: HistoryWindow, keys: Sequence[str]) -> list[Page[ChangeRecord]]:
    """Each entity's page of its own changes, for every entity of a level in one statement."""
    found = await history_reads.history_pages(db, keys, ask)
    return [found.get(key) or Page([], ask.after_seq or 0, False) for key in keys]


async def relationship_counts(db: Database, ask: RelationshipWindow, keys: Sequence[str]) -> list[int]:
    # Counts ignore the window's shape: the same question without `then`, `other`, `bare` or `sources`.
    found = await relationship_reads.relationship_counts(
        db, keys, ask.kinds, ask.when, include_retracted=ask.retracted
    )
    return [found.get(key, 0) for key in keys]


__all__ = [
    "HistoryWindow",
    "RelationshipWindow",
    "entity_with_relationships",
    "histories",
    "relationship_pages",
    "relationship_window",
]
