"""Curators' writes: arguments in (as seed file fields), one graph/curation write, what it changed out.

The graph's refusals become the API's errors here: invalid fields BAD_USER_INPUT naming the
argument (`input.nameEn`), an unknown key NOT_FOUND, a stale revision or a taken key CONFLICT, a
maintenance run in progress SERVICE_UNAVAILABLE. Nothing is written with any of them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.curation import entities, merge, relationships, sources
from graph.curation.errors import Conflict as ConflictInGraph
from graph.curation.errors import Contended, CurationError, Invalid, Missing
from graph.curation.transaction import Written
from graph.database import Database
from graph.ingest.runs import MaintenanceBusy
from graph.records import ChangeRecord, EntityRecord, RelationshipRecord, SourceRecord
from graph.text import fold
from resolvers import entities as entity_reads
from resolvers import nested
from resolvers import relationships as relationship_reads
from resolvers.errors import BadInput, Busy, Conflict, NotFound

Row = dict[str, Any]
# Seed file field names that the API calls otherwise.
_ARGUMENT_NAMES = {"id": "key", "type": "kind"}
# What graph/curation names by the mutation's own argument, not by a field of its input.
_ARGUMENTS = frozenset(
    {"key", "expectedRevision", "addSources", "reason", "survivor", "merged", "clientMutationId"}
)
CLIENT_ID_MAX = 200


@dataclass(frozen=True)
class Outcome:
    """A write's answer: the change it recorded (None when it changed nothing), the data version
    after it, and whether a repeated clientMutationId found it done already."""

    change: ChangeRecord | None
    version: str
    replayed: bool


@dataclass(frozen=True)
class EntityOutcome(Outcome):
    entity: EntityRecord


@dataclass(frozen=True)
class RelationshipOutcome(Outcome):
    relationship: RelationshipRecord | None


@dataclass(frozen=True)
class SourceOutcome(Outcome):
    source: SourceRecord | None


def argument_name(field: str, prefix: str = "input") -> str:
    """A seed file field's name as the API's argument path: name_en -> input.nameEn."""
    name = _ARGUMENT_NAMES.get(field, field)
    head, *rest = name.split("_")
    camel = head + "".join(part.title() for part in rest)
    return f"{prefix}.{camel}" if prefix else camel


def _client_id(value: str | None) -> str | None:
    if value is not None and not 0 < len(value) <= CLIENT_ID_MAX:
        raise BadInput(
            f"clientMutationId must be 1 to {CLIENT_ID_MAX} characters", argument="clientMutationId"
        )
    return value


async def _written(work: Awaitable[Written], prefix: str, renames: dict[str, str] | None = None) -> Written:
    def named(field: str) -> str:
        if renames and field in renames:
            return renames[field]
        return field if field in _ARGUMENTS else argument_name(field, prefix)

    try:
        return await work
    except Invalid as exc:
        message = "; ".join(f"{named(field)}: {problem}" for field, problem in exc.problems)
        raise BadInput(message, argument=named(exc.problems[0][0]) if exc.problems else None) from exc
    except Missing as exc:
        raise NotFound(str(exc), argument=named(exc.field)) from exc
    except ConflictInGraph as exc:
        raise Conflict(str(exc), argument=named(exc.field) if exc.field else None) from exc
    except MaintenanceBusy as exc:
        raise Busy(f"{exc}; writes wait until it ends") from exc
    except Contended as exc:
        raise Busy(str(exc)) from exc
    except CurationError as exc:  # pragma: no cover - every subclass is above
        raise BadInput(str(exc)) from exc


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def source_key(data: Row) -> str:
    """A new source's key when none is given: from its file or URL, the same for the same one."""
    where = str(data.get("url") or data.get("file") or "")
    return "src-" + hashlib.sha1(where.encode(), usedforsecurity=False).hexdigest()[:10]


def entity_key(data: Row) -> str:
    """A new entity's key when none is given: its country and English name (ee-innove-foundation)."""
    return f"{str(data.get('country', '')).lower()}-{_slug(str(data.get('name_en', '')))}"


def _outcome(written: Written) -> dict[str, Any]:
    """What every outcome holds, from the write."""
    return {"change": written.change, "version": written.version, "replayed": written.replayed}


async def add_source(
    db: Database, author: str, data: Row, reason: str | None, client_id: str | None
) -> SourceOutcome:
    data = {"id": source_key(data), **{k: v for k, v in data.items() if v is not None}}
    work = sources.add_source(db, author, data, reason=reason, client_id=_client_id(client_id))
    written = await _written(work, "input")
    found = await nested.sources(db, [written.subject])
    return SourceOutcome(**_outcome(written), source=found[0])


async def _entity_outcome(db: Database, written: Written) -> EntityOutcome:
    record = await entity_reads.entity(db, written.subject, include_retracted=True)
    return EntityOutcome(**_outcome(written), entity=record)


async def create_entity(
    db: Database, author: str, data: Row, cited: Sequence[str], reason: str | None, client_id: str | None
) -> EntityOutcome:
    data = {k: v for k, v in data.items() if v is not None}
    data.setdefault("id", entity_key(data))
    work = entities.create_entity(
        db, author, data, list(cited), reason=reason, client_id=_client_id(client_id)
    )
    return await _entity_outcome(db, await _written(work, "input"))


async def update_entity(
    db: Database,
    author: str,
    key: str,
    expected_revision: int,
    changes: Row,
    add_sources: Sequence[str],
    reason: str | None,
    client_id: str | None,
) -> EntityOutcome:
    """`changes`: the fields to set; a field given as None is removed."""
    setting = {name: value for name, value in changes.items() if value is not None}
    clearing = [name for name, value in changes.items() if value is None]
    work = entities.update_entity(
        db,
        author,
        key,
        expected_revision,
        setting,
        clear=clearing,
        add_sources=list(add_sources),
        reason=reason,
        client_id=_client_id(client_id),
    )
    return await _entity_outcome(db, await _written(work, "set"))


async def retract_entity(
    db: Database, author: str, key: str, reason: str, client_id: str | None
) -> EntityOutcome:
    work = entities.retract_entity(db, author, key, reason, client_id=_client_id(client_id))
    return await _entity_outcome(db, await _written(work, ""))


async def merge_entities(
    db: Database, author: str, survivor: str, merged: str, reason: str, client_id: str | None
) -> EntityOutcome:
    work = merge.merge_entities(db, author, survivor, merged, reason, client_id=_client_id(client_id))
    return await _entity_outcome(db, await _written(work, ""))


async def _relationship_outcome(db: Database, written: Written) -> RelationshipOutcome:
    if written.record is not None:  # the write returned it as it left it: no second read
        record: RelationshipRecord | None = RelationshipRecord.from_row(written.record)
    else:
        start, end, key = written.subject.split("\n")
        record = await relationship_reads.relationship(db, start, end, key, include_retracted=True)
    return RelationshipOutcome(**_outcome(written), relationship=record)


async def assert_relationship(
    db: Database, author: str, data: Row, cited: Sequence[str], reason: str | None, client_id: str | None
) -> RelationshipOutcome:
    data = {k: v for k, v in data.items() if v is not None}
    work = relationships.assert_relationship(
        db, author, data, list(cited), reason=reason, client_id=_client_id(client_id)
    )
    return await _relationship_outcome(db, await _written(work, "input"))


def relationship_ends(inner_id: str) -> tuple[str, str, str]:
    """A relationship's global id's content: from, to and key (schema/types/common.py)."""
    parts = inner_id.split("\n")
    if len(parts) != 3:
        raise NotFound("no relationship with this id", argument="id")
    return parts[0], parts[1], parts[2]


async def retract_relationship(
    db: Database, author: str, inner_id: str, reason: str, client_id: str | None
) -> RelationshipOutcome:
    start, end, key = relationship_ends(inner_id)
    work = relationships.retract_relationship(
        db, author, start, end, key, reason, client_id=_client_id(client_id)
    )
    return await _relationship_outcome(db, await _written(work, ""))


async def record_distinct(
    db: Database,
    author: str,
    first: str,
    second: str,
    reason: str,
    cited: Sequence[str],
    client_id: str | None,
) -> RelationshipOutcome:
    work = merge.record_distinct(
        db, author, first, second, reason, list(cited), client_id=_client_id(client_id)
    )
    renames = {"from": "first", "to": "second", "note": "reason", "sources": "sources"}
    return await _relationship_outcome(db, await _written(work, "", renames))
