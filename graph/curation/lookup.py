"""What a write reads before it writes, inside its transaction: entities by key, sources, claims."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.curation.errors import Invalid, Missing
from graph.curation.transaction import rows
from graph.cypher import curation as cypher
from graph.ingest.export import seed_file_name
from graph.ontology import KIND_FIELDS, RELATION_TYPES
from graph.validation import ENTITY_COMMON

Row = dict[str, Any]

# How many merges a key is followed through to its survivor.
MERGE_HOPS = 8
# Generated data is replaced whole by every `coopgraph synth`, and no seed file holds it.
_NOT_SYNTHETIC = "curated facts cannot refer to it"


async def live_entity(tx: AsyncManagedTransaction, key: str, field: str, *, follow: bool = True) -> Row:
    """The properties of the live entity `key` names, or Missing. A merged key names its survivor
    when `follow`: a claim about the merged entity is one about the survivor; but an update or a
    retraction must name what it changes."""
    return (await live_entities(tx, {field: key}, follow=follow))[field]


async def live_entities(
    tx: AsyncManagedTransaction,
    keys: dict[str, str],
    *,
    follow: bool = True,
    resolved: dict[str, Row] | None = None,
) -> dict[str, Row]:
    """live_entity for several keys (by the field that names each) in one round trip, none when
    `resolved` already holds RESOLVE's rows for them, more only to follow a merged key."""
    asked, found = dict(keys), {}
    current = dict(keys)
    for _ in range(MERGE_HOPS + 1):
        if resolved is None:
            resolved = {
                row["key"]: row for row in await rows(tx, cypher.RESOLVE, keys=list(set(current.values())))
            }
        following: dict[str, str] = {}
        for field, key in current.items():
            row = resolved[key]
            if row["live"] is not None:
                found[field] = _curated(row["live"], asked[field], field)
            elif row["merged_into"] is not None and follow:
                following[field] = str(row["merged_into"])
            else:
                raise Missing(f"entity {asked[field]!r} {_absence(row)}", field)
        if not following:
            return found
        current, resolved = following, None
    field = next(iter(current))
    raise Missing(f"entity {asked[field]!r} is merged more than {MERGE_HOPS} times over", field)


def _curated(props: Row, asked: str, field: str) -> Row:
    if props.get("synthetic"):
        raise Invalid([(field, f"{asked!r} is synthetic test data (coopgraph synth): {_NOT_SYNTHETIC}")])
    return props


def _absence(row: Row) -> str:
    if row["merged_into"] is not None:
        return f"was merged into {row['merged_into']!r}"
    return "is retracted" if row["retracted"] is not None else "does not exist"


async def key_taken(tx: AsyncManagedTransaction, key: str) -> bool:
    found = (await rows(tx, cypher.RESOLVE, keys=[key]))[0]
    return found["live"] is not None or found["retracted"] is not None


async def check_sources(tx: AsyncManagedTransaction, ids: Sequence[str], field: str = "sources") -> list[str]:
    """The sources cited, checked (they exist and are curated), in load order (in_load_order)."""
    if not ids:
        raise Missing("at least one source is required: the document that states it", field)
    return checked_sources(await rows(tx, cypher.SOURCES_FOUND, ids=list(dict.fromkeys(ids))), ids, field)


def checked_sources(rows_found: Iterable[Row], ids: Sequence[str], field: str) -> list[str]:
    """check_sources on SOURCES_FOUND's rows (id, file, synthetic), read already."""
    if not ids:
        raise Missing("at least one source is required: the document that states it", field)
    found = {row["id"]: row for row in rows_found}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise Missing(f"no source {', '.join(map(repr, unknown))}; add it first (addSource)", field)
    generated = [i for i in ids if found[i]["synthetic"]]
    if generated:
        raise Invalid([(field, f"{', '.join(map(repr, generated))} is synthetic: {_NOT_SYNTHETIC}")])
    return ordered(found.values())


async def in_load_order(tx: AsyncManagedTransaction, ids: Sequence[str]) -> list[str]:
    """Sources, once each, in the order a load of the exported seed files lists them (the order
    of their files' names): so that a round trip through the files gives the same lists."""
    return ordered(await rows(tx, cypher.SOURCES_FOUND, ids=list(dict.fromkeys(ids))))


def ordered(found: Iterable[Row]) -> list[str]:
    """in_load_order on rows read already (id and file of each source)."""
    files = {row["id"]: row["file"] for row in found}
    return sorted(files, key=lambda source: (seed_file_name(source, files[source]), source))


async def claim(tx: AsyncManagedTransaction, kind: str, start: str, end: str, rel_id: str) -> Row | None:
    """The relationship `rel_id` from `start` to `end`, live (of `kind`) or retracted: type and props."""
    found = await rows(
        tx, cypher.CLAIM, types=[RELATION_TYPES[kind]], id=rel_id, **{"from": start, "to": end}
    )
    return found[0] if found else None


def entity_data(props: Row) -> Row:
    """An entity's stored properties as the fields of a seed file's entity table."""
    kind = str(props["kind"])
    names = set(ENTITY_COMMON) | set(KIND_FIELDS.get(kind, {}))
    data = {name: value for name, value in props.items() if name in names and value is not None}
    identifiers = data.pop("identifiers", None) or []
    if identifiers:
        data["identifiers"] = dict(str(i).partition(":")[::2] for i in identifiers)
    if not data.get("aliases"):
        data.pop("aliases", None)
    return data


def revision(props: Row) -> int:
    return int(props.get("revision") or 0)
