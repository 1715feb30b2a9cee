"""Per-request DataLoaders: what a query asks for at one level is fetched in one statement.

The batch functions are resolvers' (resolvers/nested.py); this module only keeps one loader
per kind of question for the life of a request, and files what a statement read along (the
far ends, sources, the next level's pages) where the fields below will look for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial

from strawberry.dataloader import DataLoader

from graph.records import ChangeRecord, EntityRecord, Page, RelationshipOf, SourceRecord
from resolvers import Database, nested
from resolvers.nested import HistoryWindow, RelationshipWindow


class Loaders:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.entity = DataLoader[str, EntityRecord | None](load_fn=partial(nested.entities, db))
        self.source = DataLoader[str, SourceRecord | None](load_fn=partial(nested.sources, db))
        # The ends of RETRACTED relationships that are retracted themselves (never live ones).
        self.retracted = DataLoader[str, EntityRecord | None](load_fn=partial(nested.retracted_entities, db))
        self._pages: dict[RelationshipWindow, DataLoader[str, Page[RelationshipOf]]] = {}
        self._counts: dict[RelationshipWindow, DataLoader[str, int]] = {}
        self._histories: dict[HistoryWindow, DataLoader[str, Page[ChangeRecord]]] = {}
        # The window of each `relationships` field of the request, by its path of response keys
        # (schema.selection.relationships_window).
        self.windows: dict[tuple[tuple[str, str | None], ...], RelationshipWindow] = {}

    def remember(self, records: Sequence[EntityRecord]) -> None:
        """Entities already fetched need no second trip for nested fields."""
        for record in records:
            self.entity.prime(record.key, record)

    def relationships(self, ask: RelationshipWindow) -> DataLoader[str, Page[RelationshipOf]]:
        loader = self._pages.get(ask)
        if loader is None:

            async def load(keys: Sequence[str]) -> list[Page[RelationshipOf]]:
                pages = await nested.relationship_pages(self.db, ask, keys)
                self._file_below(ask, dict(zip(keys, pages, strict=True)))
                return pages

            loader = self._pages[ask] = DataLoader(load_fn=load)
        return loader

    def file(self, ask: RelationshipWindow, pages: Mapping[str, Page[RelationshipOf]]) -> None:
        """Pages read ahead of their field (by a parent's statement): the field finds them here."""
        self.relationships(ask).prime_many(pages)
        self._file_below(ask, pages)

    def _file_below(self, ask: RelationshipWindow, pages: Mapping[str, Page[RelationshipOf]]) -> None:
        below: dict[str, Page[RelationshipOf]] = {}
        for page in pages.values():
            for item in page.items:
                if ask.other is None:  # a lean far end is part of an entity: not one to reuse
                    self.entity.prime(item.other.key, item.other)
                for source in item.sources or ():
                    self.source.prime(source.key, source)
                if item.below is not None:
                    below[item.other.key] = item.below
        if below and ask.then is not None:
            self.file(ask.then, below)

    def relationship_counts(self, ask: RelationshipWindow) -> DataLoader[str, int]:
        # A count ignores the page and what is read of each relationship.
        ask = replace(ask, skip=0, limit=0, other=None, bare=False, sources=False, then=None)
        loader = self._counts.get(ask)
        if loader is None:
            loader = self._counts[ask] = DataLoader(load_fn=partial(nested.relationship_counts, self.db, ask))
        return loader

    def history(self, ask: HistoryWindow) -> DataLoader[str, Page[ChangeRecord]]:
        """Entities' `history` pages: one statement for every entity of a level asking the same window."""
        loader = self._histories.get(ask)
        if loader is None:
            loader = self._histories[ask] = DataLoader(load_fn=partial(nested.histories, self.db, ask))
        return loader
