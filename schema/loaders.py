"""Per-request DataLoaders: what a query asks for at one level is fetched in one statement.

The batch functions are resolvers' (resolvers/nested.py); this module only keeps one loader
per kind of question for the life of a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from strawberry.dataloader import DataLoader

from graph.records import EntityRecord, Page, RelationshipOf, SourceRecord
from resolvers import Database, nested
from resolvers.nested import RelationshipWindow


class Loaders:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.entity = DataLoader[str, EntityRecord | None](load_fn=partial(nested.entities, db))
        self.source = DataLoader[str, SourceRecord | None](load_fn=partial(nested.sources, db))
        self._pages: dict[RelationshipWindow, DataLoader[str, Page[RelationshipOf]]] = {}
        self._counts: dict[RelationshipWindow, DataLoader[str, int]] = {}

    def remember(self, records: Sequence[EntityRecord]) -> None:
        """Entities already fetched need no second trip for nested fields."""
        for record in records:
            self.entity.prime(record.key, record)

    def relationships(self, ask: RelationshipWindow) -> DataLoader[str, Page[RelationshipOf]]:
        loader = self._pages.get(ask)
        if loader is None:

            async def load(keys: Sequence[str]) -> list[Page[RelationshipOf]]:
                pages = await nested.relationship_pages(self.db, ask, keys)
                # The far ends came with the page: their own nested fields need no lookup.
                self.remember([item.other for page in pages for item in page.items])
                return pages

            loader = self._pages[ask] = DataLoader(load_fn=load)
        return loader

    def relationship_counts(self, ask: RelationshipWindow) -> DataLoader[str, int]:
        loader = self._counts.get(ask)
        if loader is None:
            loader = self._counts[ask] = DataLoader(load_fn=partial(nested.relationship_counts, self.db, ask))
        return loader
