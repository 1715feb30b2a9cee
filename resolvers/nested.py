"""Reads for nested fields, batched: each call serves every parent of one level of a query.

The schema's DataLoaders (schema/loaders.py) collect the keys a level asks for and call
these once, so a nested selection costs one statement per level, however many parents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graph import entities as entity_reads
from graph import relationships as relationship_reads
from graph.database import Database
from graph.filters import TimeFilter
from graph.records import EntityRecord, Page, RelationshipOf, SourceRecord
from resolvers.arguments import time_filter
from resolvers.pagination import window


@dataclass(frozen=True)
class RelationshipWindow:
    """Which of an entity's relationships a nested `relationships` field asks for: validated
    arguments, hashable, so that parents asking the same share one batch."""

    kinds: tuple[str, ...] | None
    when: TimeFilter
    skip: int
    limit: int


def relationship_window(
    kinds: list[str] | None,
    as_of: date | None,
    between: tuple[date | None, date | None],
    first: int | None,
    after: str | None,
) -> RelationshipWindow:
    skip, limit = window(first, after)
    return RelationshipWindow(tuple(kinds) if kinds else None, time_filter(as_of, *between), skip, limit)


async def entities(db: Database, keys: Sequence[str]) -> list[EntityRecord | None]:
    found = await entity_reads.entities_by_keys(db, keys)
    return [found.get(key) for key in keys]


async def sources(db: Database, keys: Sequence[str]) -> list[SourceRecord | None]:
    found = await entity_reads.sources_by_keys(db, keys)
    return [found.get(key) for key in keys]


async def relationship_pages(
    db: Database, ask: RelationshipWindow, keys: Sequence[str]
) -> list[Page[RelationshipOf]]:
    """Each entity's page, with the entity at the other end of each relationship."""
    # One more than the page tells whether there is a next one.
    found = await relationship_reads.relationships_of(db, keys, ask.kinds, ask.when, ask.skip, ask.limit + 1)
    return [Page(items[: ask.limit], ask.skip, len(items) > ask.limit) for items in (found[k] for k in keys)]


async def relationship_counts(db: Database, ask: RelationshipWindow, keys: Sequence[str]) -> list[int]:
    found = await relationship_reads.relationship_counts(db, keys, ask.kinds, ask.when)
    return [found.get(key, 0) for key in keys]
