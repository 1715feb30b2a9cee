"""Finding things: lookup, filtered listings, search."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from graph import entities as reads
from graph.database import Database
from graph.filters import EntityFilter
from graph.records import EntityRecord, Page, SourceRecord
from graph.text import fold
from resolvers.arguments import search_text
from resolvers.errors import BadInput, NotFound
from resolvers.pagination import window

# What entity listings sort by (the GraphQL enum EntitySort is made from it).
SORT_FIELDS: tuple[str, ...] = ("name", "name_en", "key", "country", "kind")


async def entity(db: Database, key: str, include_retracted: bool = False) -> EntityRecord:
    found = await reads.entities_by_keys(db, [key])
    if key in found:
        return found[key]
    return await not_live(db, key, include_retracted)


async def not_live(db: Database, key: str, include_retracted: bool) -> EntityRecord:
    """The entity a key names that no live entity has: the retracted one itself when asked for
    (merged or not), otherwise the survivor it was merged into; NOT_FOUND when there is none.

    Only after a read of the live entity found nothing: keys of live entities, nearly all, cost
    nothing more."""
    if include_retracted:
        retracted = await reads.retracted_by_keys(db, [key])
        if key in retracted:
            return retracted[key]
    found = await survivor(db, key)
    if found is None:
        raise NotFound(f"no entity with key {key!r}", argument="key")
    return found


async def survivor(db: Database, key: str) -> EntityRecord | None:
    """The live entity a merged key now names (merges followed), or None."""
    return (await reads.live_entities(db, [key])).get(key)


async def sources(db: Database, text: str | None = None) -> list[SourceRecord]:
    """Every source document, or those whose headline (original or English) or file name has a
    word starting with `text`, matched as search matches names (case and diacritics folded). The
    documents are few: they are filtered here, not in the database."""
    found = await reads.all_sources(db)
    if text is None:
        return found
    wanted = f" {search_text(text)}"
    return [
        source
        for source in found
        if any(
            wanted in f" {fold(part)}"
            for part in (source.title or "", source.title_en, source.file or "", source.url or "")
        )
    ]


async def require(db: Database, arguments: dict[str, str]) -> dict[str, str]:
    """The live entity each key names: the key itself, or the survivor of a merged entity (the one
    place where the API's entity keys are resolved). NOT_FOUND for the first key that names none
    (unknown, or retracted without a survivor), naming its argument; one round trip for all keys.

    `arguments` maps each key to the name of the argument that gave it. Root fields call it when
    their answer is empty, and answer again for the survivors when a key was merged: a merged key
    matches no live entity, so its answer is always empty, and live keys pay nothing.
    """
    found = await reads.live_keys(db, list(arguments))
    for key, argument in arguments.items():
        if key not in found:
            raise NotFound(f"no entity with key {key!r}", argument=argument)
    return found


async def survivors(db: Database, keys: list[str | None]) -> dict[str, str]:
    """For keys given in filters (a project, a network): those that a merge moved, to their
    survivor. Unknown keys are not errors there (the answer is empty), so none is raised."""
    given = [key for key in keys if key is not None]
    if not given:
        return {}
    found = await reads.live_keys(db, given)
    return {key: live for key, live in found.items() if live != key}


async def list_entities(
    db: Database,
    *,
    kinds: list[str] | None,
    countries: list[str] | None,
    participates_in: str | None,
    member_of: str | None,
    valid_at: date | None,
    synthetic: bool | None,
    sort: str,
    descending: bool,
    first: int | None,
    after: str | None,
    with_total: bool,
) -> Page[EntityRecord]:
    if sort not in SORT_FIELDS:
        raise BadInput(f"cannot sort by {sort!r}", argument="orderBy")
    where = EntityFilter(
        kinds=kinds,
        countries=countries,
        project=participates_in,
        network=member_of,
        valid_at=valid_at,
        synthetic=synthetic,
    )
    skip, limit = window(first, after)
    items = await reads.list_entities(db, where, sort, descending, skip, limit + 1)
    if not items and (moved := await survivors(db, [participates_in, member_of])):
        where = replace(
            where,
            project=moved.get(participates_in or "", participates_in),
            network=moved.get(member_of or "", member_of),
        )
        items = await reads.list_entities(db, where, sort, descending, skip, limit + 1)
    total = await reads.count_entities(db, where) if with_total else None
    return Page(items[:limit], skip, len(items) > limit, total)


async def search(
    db: Database,
    text: str,
    kinds: list[str] | None,
    countries: list[str] | None,
    first: int | None,
    after: str | None,
    with_total: bool,
) -> Page[tuple[EntityRecord, int]]:
    folded = search_text(text)
    skip, limit = window(first, after)
    hits = await reads.search_entities(db, folded, kinds, countries, skip, limit + 1)
    total = await reads.count_search(db, folded, kinds, countries) if with_total else None
    return Page(hits[:limit], skip, len(hits) > limit, total)
