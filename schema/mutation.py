"""The root Mutation: curators' writes (resolvers/curation.py), each one transaction with its history.

Every field needs a curator token (schema/auth.py); the token's name is the change's author.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers import curation
from resolvers.errors import NotFound
from schema.auth import CuratorOnly, require
from schema.context import Info
from schema.types.common import parse_global_id
from schema.types.curation import (
    EntityInput,
    EntityPatch,
    EntityPayload,
    RelationshipInput,
    RelationshipPayload,
    SourceInput,
    SourcePayload,
)

ClientId = Annotated[
    str | None,
    strawberry.argument(
        description="Any string of yours: the same write sent again with it is not done twice."
    ),
]
Reason = Annotated[str, strawberry.argument(description="Why: kept in the history.")]
Why = Annotated[str | None, strawberry.argument(description="Why, if worth saying: kept in the history.")]


def _author(info: Info) -> str:
    return require(info, "curator").name


def _relationship_id(value: str) -> str:
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != "Relationship":
        raise NotFound(f"{value!r} is not a relationship's id", argument="id")
    return parsed[1]


@strawberry.type(description="Curators' writes. Each needs a token with the curator role.")
class Mutation:
    @strawberry.mutation(
        description="Add a source document; the same one again changes nothing.",
        permission_classes=[CuratorOnly],
    )
    async def add_source(
        self, info: Info, input: SourceInput, reason: Why = None, client_mutation_id: ClientId = None
    ) -> SourcePayload:
        outcome = await curation.add_source(
            info.context.db, _author(info), input.seed_fields(), reason, client_mutation_id
        )
        return SourcePayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Create an entity, citing the sources that name it.", permission_classes=[CuratorOnly]
    )
    async def create_entity(
        self, info: Info, input: EntityInput, reason: Why = None, client_mutation_id: ClientId = None
    ) -> EntityPayload:
        outcome = await curation.create_entity(
            info.context.db, _author(info), input.seed_fields(), input.sources, reason, client_mutation_id
        )
        return EntityPayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Change an entity's fields if it is still at the revision you read (else CONFLICT).",
        permission_classes=[CuratorOnly],
    )
    async def update_entity(
        self,
        info: Info,
        key: str,
        expected_revision: Annotated[
            int, strawberry.argument(description="The entity's `revision` when you read it.")
        ],
        set: EntityPatch,
        add_sources: list[str] | None = None,
        reason: Why = None,
        client_mutation_id: ClientId = None,
    ) -> EntityPayload:
        outcome = await curation.update_entity(
            info.context.db,
            _author(info),
            key,
            expected_revision,
            set.seed_fields(),
            add_sources or [],
            reason,
            client_mutation_id,
        )
        return EntityPayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Assert a relationship with its sources. The same claim from another source adds "
        "that source to it; a claim that differs (dates, role, amount) is kept beside the other.",
        permission_classes=[CuratorOnly],
    )
    async def assert_relationship(
        self, info: Info, input: RelationshipInput, reason: Why = None, client_mutation_id: ClientId = None
    ) -> RelationshipPayload:
        outcome = await curation.assert_relationship(
            info.context.db, _author(info), input.seed_fields(), input.sources, reason, client_mutation_id
        )
        return RelationshipPayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Retract a relationship: it leaves every answer (unless includeRetracted) and "
        "stays in the history; nothing is deleted.",
        permission_classes=[CuratorOnly],
    )
    async def retract_relationship(
        self, info: Info, id: strawberry.ID, reason: Reason, client_mutation_id: ClientId = None
    ) -> RelationshipPayload:
        outcome = await curation.retract_relationship(
            info.context.db, _author(info), _relationship_id(id), reason, client_mutation_id
        )
        return RelationshipPayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Retract an entity and its relationships; nothing is deleted.",
        permission_classes=[CuratorOnly],
    )
    async def retract_entity(
        self, info: Info, key: str, reason: Reason, client_mutation_id: ClientId = None
    ) -> EntityPayload:
        outcome = await curation.retract_entity(
            info.context.db, _author(info), key, reason, client_mutation_id
        )
        return EntityPayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Merge two entities that are one: relationships, names and sources move to the "
        "survivor, and the merged key keeps resolving to it.",
        permission_classes=[CuratorOnly],
    )
    async def merge_entities(
        self, info: Info, survivor: str, merged: str, reason: Reason, client_mutation_id: ClientId = None
    ) -> EntityPayload:
        outcome = await curation.merge_entities(
            info.context.db, _author(info), survivor, merged, reason, client_mutation_id
        )
        return EntityPayload.of(outcome, client_mutation_id)

    @strawberry.mutation(
        description="Record that two similar entities are different ones (a DISTINCT_FROM relationship).",
        permission_classes=[CuratorOnly],
    )
    async def record_distinct(
        self,
        info: Info,
        first: str,
        second: str,
        reason: Reason,
        sources: list[str],
        client_mutation_id: ClientId = None,
    ) -> RelationshipPayload:
        outcome = await curation.record_distinct(
            info.context.db, _author(info), first, second, reason, sources, client_mutation_id
        )
        return RelationshipPayload.of(outcome, client_mutation_id)
