"""Reading entities and sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from graph.cypher import entities as cypher
from graph.database import Database
from graph.records import EntityRecord, SourceRecord, native_map


@dataclass(frozen=True)
class EntityFilter:
    kinds: list[str] | None = None
    countries: list[str] | None = None
    project: str | None = None
    network: str | None = None
    valid_at: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    synthetic: bool | None = None

    def params(self) -> dict[str, object]:
        return {
            "kinds": self.kinds,
            "countries": self.countries,
            "project": self.project,
            "network": self.network,
            "asOf": self.valid_at,
            "from": self.period_from,
            "to": self.period_to,
            "synthetic": self.synthetic,
        }


async def entities_by_keys(db: Database, keys: Sequence[str]) -> dict[str, EntityRecord]:
    rows = await db.read(cypher.ENTITIES_BY_KEYS, {"keys": list(keys)})
    records = (EntityRecord.from_props(row["n"]) for row in rows)
    return {record.key: record for record in records}


async def sources_by_keys(db: Database, keys: Sequence[str]) -> dict[str, SourceRecord]:
    rows = await db.read(cypher.SOURCES_BY_KEYS, {"keys": list(keys)})
    return {
        row["s"]["id"]: SourceRecord(row["s"]["id"], native_map(row["s"]), row["publisher"]) for row in rows
    }


async def all_sources(db: Database) -> list[SourceRecord]:
    rows = await db.read(cypher.ALL_SOURCES)
    return [SourceRecord(row["s"]["id"], native_map(row["s"]), row["publisher"]) for row in rows]


async def list_entities(
    db: Database, where: EntityFilter, sort: str, descending: bool, skip: int, limit: int
) -> list[EntityRecord]:
    statement = cypher.LIST_ENTITIES["DESC" if descending else "ASC"]
    rows = await db.read(statement, {**where.params(), "sort": sort, "skip": skip, "limit": limit})
    return [EntityRecord.from_props(row["n"]) for row in rows]


async def count_entities(db: Database, where: EntityFilter) -> int:
    rows = await db.read(cypher.COUNT_ENTITIES, where.params())
    return int(rows[0]["total"])


async def search_entities(
    db: Database, text: str, kinds: list[str] | None, countries: list[str] | None, skip: int, limit: int
) -> list[tuple[EntityRecord, int]]:
    params = {"text": text, "kinds": kinds, "countries": countries, "skip": skip, "limit": limit}
    rows = await db.read(cypher.SEARCH, params)
    return [(EntityRecord.from_props(row["n"]), int(row["rank"])) for row in rows]


async def count_search(db: Database, text: str, kinds: list[str] | None, countries: list[str] | None) -> int:
    rows = await db.read(cypher.SEARCH_COUNT, {"text": text, "kinds": kinds, "countries": countries})
    return int(rows[0]["total"])
