"""Reading entities and sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graph.cypher import entities as cypher
from graph.database import Database
from graph.filters import EntityFilter
from graph.records import EntityRecord, SourceRecord
from graph.text import lookup_term, search_terms


async def entities_by_keys(db: Database, keys: Sequence[str]) -> dict[str, EntityRecord]:
    rows = await db.read(cypher.ENTITIES_BY_KEYS, {"keys": list(keys)})
    records = (EntityRecord.from_props(row["n"]) for row in rows)
    return {record.key: record for record in records}


async def retracted_by_keys(db: Database, keys: Sequence[str]) -> dict[str, EntityRecord]:
    """Retracted entities (merged or not) by their own keys; keys of anything else are absent."""
    rows = await db.read(cypher.RETRACTED_BY_KEYS, {"keys": list(keys)})
    records = (EntityRecord.from_props(row["n"]) for row in rows)
    return {record.key: record for record in records}


async def live_keys(db: Database, keys: Sequence[str]) -> dict[str, str]:
    """The live entity each key names, in one statement: the key itself, or for a merged entity the
    survivor its `merged_into` chain ends at (up to cypher.MERGE_HOPS). Keys that name no live
    entity (unknown, retracted without a survivor, a chain too long or broken) are absent."""
    rows = await db.read(cypher.LIVE_KEYS, {"keys": list(keys)})
    return {str(row["key"]): str(row["live"]) for row in rows}


async def live_entities(db: Database, keys: Sequence[str]) -> dict[str, EntityRecord]:
    """The same as live_keys, with the live entities read along (keyed by the keys asked for)."""
    rows = await db.read(cypher.LIVE_ENTITIES, {"keys": list(keys)})
    return {str(row["key"]): EntityRecord.from_props(row["n"]) for row in rows}


async def sources_by_keys(db: Database, keys: Sequence[str]) -> dict[str, SourceRecord]:
    rows = await db.read(cypher.SOURCES_BY_KEYS, {"keys": list(keys)})
    records = (SourceRecord.from_row(row) for row in rows)
    return {record.key: record for record in records}


async def all_sources(db: Database) -> list[SourceRecord]:
    rows = await db.read(cypher.ALL_SOURCES)
    return [SourceRecord.from_row(row) for row in rows]


async def list_entities(
    db: Database, where: EntityFilter, sort: str, descending: bool, skip: int, limit: int
) -> list[EntityRecord]:
    statement = cypher.LIST_ENTITIES["DESC" if descending else "ASC"]
    rows = await db.read(statement, {**where.params(), "sort": sort, "skip": skip, "limit": limit})
    return [EntityRecord.from_props(row["n"]) for row in rows]


async def count_entities(db: Database, where: EntityFilter) -> int:
    rows = await db.read(cypher.COUNT_ENTITIES, where.params())
    return int(rows[0]["total"])


# Matches ranked together; a page inside the first SEARCH_WINDOW matches is ranked exactly.
SEARCH_WINDOW = 100


async def search_entities(
    db: Database, text: str, kinds: list[str] | None, countries: list[str] | None, skip: int, limit: int
) -> list[tuple[EntityRecord, int]]:
    """Entities with a name or alias containing `text` (already folded) at a word start."""
    term = lookup_term(text)
    params = {
        "text": text,
        "term": term,
        "kinds": kinds,
        "countries": countries,
        "skip": skip,
        "limit": limit,
        "window": max(SEARCH_WINDOW, skip + limit),
    }
    rows = await db.read(cypher.SEARCH if term else cypher.SEARCH_SCAN, params)
    return [(EntityRecord.from_props(row["n"]), int(row["rank"])) for row in rows]


async def count_search(db: Database, text: str, kinds: list[str] | None, countries: list[str] | None) -> int:
    term = lookup_term(text)
    params = {"text": text, "term": term, "kinds": kinds, "countries": countries}
    rows = await db.read(cypher.SEARCH_COUNT if term else cypher.SEARCH_SCAN_COUNT, params)
    return int(rows[0]["total"])


def term_rows(entities: Iterable[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Distinct search terms and, per entity, the terms that name it (for LINK_* statements)."""
    rows = [{"id": e["id"], "terms": search_terms(e["search_names"])} for e in entities]
    return sorted({t for row in rows for t in row["terms"]}), rows
