"""Per-request DataLoaders: whatever a query asks for at one level is fetched in one statement."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from graph import entities, relationships
from graph.database import Database
from graph.records import EntityRecord, RelationshipRecord, SourceRecord
from graph.relationships import TimeFilter


class Loaders:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.entity = DataLoader[str, EntityRecord | None](load_fn=self._entities)
        self.source = DataLoader[str, SourceRecord | None](load_fn=self._sources)
        self._by_arguments: dict[Hashable, DataLoader[str, Any]] = {}

    async def _entities(self, keys: Sequence[str]) -> list[EntityRecord | None]:
        found = await entities.entities_by_keys(self.db, keys)
        return [found.get(key) for key in keys]

    async def _sources(self, keys: Sequence[str]) -> list[SourceRecord | None]:
        found = await entities.sources_by_keys(self.db, keys)
        return [found.get(key) for key in keys]

    def remember(self, records: Sequence[EntityRecord]) -> None:
        """Entities already fetched by a list query need no second trip for nested fields."""
        for record in records:
            self.entity.prime(record.key, record)

    def relationships(
        self, kinds: tuple[str, ...] | None, when: TimeFilter, skip: int, limit: int
    ) -> DataLoader[str, list[RelationshipRecord]]:
        key = ("relationships", kinds, when, skip, limit)

        async def load(keys: Sequence[str]) -> list[list[RelationshipRecord]]:
            found = await relationships.relationships_of(
                self.db, keys, list(kinds) if kinds else None, when, skip, limit
            )
            return [found[k] for k in keys]

        loader: DataLoader[str, list[RelationshipRecord]] = self._by_arguments.setdefault(
            key, DataLoader(load_fn=load)
        )
        return loader

    def relationship_counts(self, kinds: tuple[str, ...] | None, when: TimeFilter) -> DataLoader[str, int]:
        key = ("relationship_counts", kinds, when)

        async def load(keys: Sequence[str]) -> list[int]:
            found = await relationships.relationship_counts(
                self.db, keys, list(kinds) if kinds else None, when
            )
            return [found.get(k, 0) for k in keys]

        loader: DataLoader[str, int] = self._by_arguments.setdefault(key, DataLoader(load_fn=load))
        return loader
