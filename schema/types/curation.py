"""What curators send (inputs, named as the seed files' fields are) and what they get back (payloads)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from resolvers.curation import EntityOutcome, Outcome, RelationshipOutcome, SourceOutcome
from resolvers.errors import BadInput
from schema.types.entities import Entity, Source, to_entity
from schema.types.enums import Country, Kind, RelationKind
from schema.types.history import Change
from schema.types.relationships import Relationship

Row = dict[str, Any]


def _seed_fields(values: dict[str, Any], *, relation: bool = False, argument: str = "input") -> Row:
    """An input's values as a seed file's fields: enums by value, identifiers as a table, unset
    fields left out (None stays None: in a patch it removes the field)."""
    data: Row = {}
    for name, given in values.items():
        if given is strawberry.UNSET:
            continue
        value = given
        if name == "identifiers" and given is not None:
            value = _identifiers(given, f"{argument}.identifiers")
        elif isinstance(given, Enum):
            value = given.value
        data["id" if name == "key" else "type" if relation and name == "kind" else name] = value
    return data


def _identifiers(items: list[IdentifierInput], argument: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for item in items:
        if item.scheme in table:
            raise BadInput(f"two identifiers of scheme {item.scheme!r}", argument=argument)
        table[item.scheme] = item.value
    return table


@strawberry.input(description="An external identifier: a register code, a project number.")
class IdentifierInput:
    scheme: str = strawberry.field(description="What kind of identifier, e.g. registry_code.")
    value: str


@strawberry.input(description="A source document: the evidence that facts cite.")
class SourceInput:
    key: str | None = strawberry.field(
        default=None, description="e.g. src-2024-report; by default derived from the URL or file."
    )
    file: str | None = strawberry.field(default=None, description="The document's file name.")
    url: str | None = strawberry.field(default=None, description="Where the document is (http or https).")
    language: str = strawberry.field(description="Its language: et, lv, fi, en or ru.")
    title: str | None = strawberry.field(default=None, description="Its title in its own language.")
    title_en: str = strawberry.field(description="Its title in English.")
    published: str | None = strawberry.field(
        default=None, description="When it was published, as precisely as it says: 2019, 2019-10, 2019-10-23."
    )
    publisher: str | None = strawberry.field(
        default=None, description="The key of the entity that published it."
    )
    summary: str | None = strawberry.field(default=None, description="What it is about, in your own words.")

    def seed_fields(self) -> Row:
        return _seed_fields(vars(self))


@strawberry.input(description="A new entity, as a seed file states one, and the sources that name it.")
class EntityInput:
    key: str | None = strawberry.field(
        default=None, description="Readable key, e.g. ee-innove; by default country and English name."
    )
    kind: Kind
    subtype: str | None = None
    name: str = strawberry.field(description="The name in the original language.")
    lang: str = strawberry.field(description="The language of `name`: et, lv, fi, en or ru.")
    name_en: str
    country: Country
    sources: list[str] = strawberry.field(description="Keys of the sources that name it (at least one).")
    aliases: list[str] | None = None
    identifiers: list[IdentifierInput] | None = None
    note: str | None = None
    inferred: bool | None = None
    inferred_reason: str | None = None
    identity_note: str | None = None
    start: str | None = None
    end: str | None = None
    signed: str | None = None
    adopted: str | None = None
    venue: str | None = None
    planned: bool | None = None
    budget_total: float | None = None
    grant: float | None = None
    own_contribution: float | None = None
    currency: str | None = None
    participating_institutions: int | None = None
    metric: str | None = None
    value: float | None = None
    year: int | None = None
    students: int | None = None
    meets_per_year_min: int | None = None

    def seed_fields(self) -> Row:
        return _seed_fields({k: v for k, v in vars(self).items() if k != "sources"})


@strawberry.input(
    description="Fields to change on an entity: a field left out stays, a field given as null is removed."
)
class EntityPatch:
    subtype: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    lang: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    country: Country | None = strawberry.UNSET
    aliases: list[str] | None = strawberry.UNSET
    identifiers: list[IdentifierInput] | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    inferred: bool | None = strawberry.UNSET
    inferred_reason: str | None = strawberry.UNSET
    identity_note: str | None = strawberry.UNSET
    start: str | None = strawberry.UNSET
    end: str | None = strawberry.UNSET
    signed: str | None = strawberry.UNSET
    adopted: str | None = strawberry.UNSET
    venue: str | None = strawberry.UNSET
    planned: bool | None = strawberry.UNSET
    budget_total: float | None = strawberry.UNSET
    grant: float | None = strawberry.UNSET
    own_contribution: float | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    participating_institutions: int | None = strawberry.UNSET
    metric: str | None = strawberry.UNSET
    value: float | None = strawberry.UNSET
    year: int | None = strawberry.UNSET
    students: int | None = strawberry.UNSET
    meets_per_year_min: int | None = strawberry.UNSET

    def seed_fields(self) -> Row:
        return _seed_fields(vars(self), argument="set")


@strawberry.input(description="A claim that two entities are related, and the sources that state it.")
class RelationshipInput:
    kind: RelationKind
    from_: str = strawberry.field(name="from", description="The key of the entity it starts from.")
    to: str = strawberry.field(description="The key of the entity it points to.")
    sources: list[str] = strawberry.field(description="Keys of the sources that state it (at least one).")
    role: str | None = None
    start: str | None = strawberry.field(default=None, description="Since when, as precisely as stated.")
    end: str | None = strawberry.field(default=None, description="Until when, as precisely as stated.")
    amount: float | None = None
    currency: str | None = None
    workload: float | None = None
    title: str | None = None
    title_en: str | None = None
    note: str | None = None
    inferred: bool | None = None
    inferred_reason: str | None = None

    def seed_fields(self) -> Row:
        values = {("from" if k == "from_" else k): v for k, v in vars(self).items() if k != "sources"}
        return _seed_fields(values, relation=True)


def _common(outcome: Outcome, client_mutation_id: str | None) -> dict[str, Any]:
    return {
        "change": Change.from_record(outcome.change) if outcome.change is not None else None,
        "data_version": outcome.version,
        "replayed": outcome.replayed,
        "client_mutation_id": client_mutation_id,
    }


@strawberry.interface(description="What every write answers.")
class Payload:
    change: Change | None = strawberry.field(
        description="The change recorded; null when the write changed nothing (it was true already)."
    )
    data_version: str = strawberry.field(description="The graph's data version after the write.")
    replayed: bool = strawberry.field(
        description="True when this clientMutationId was used before: nothing was written again."
    )
    client_mutation_id: str | None


@strawberry.type
class SourcePayload(Payload):
    source: Source | None

    @classmethod
    def of(cls, outcome: SourceOutcome, client_mutation_id: str | None) -> SourcePayload:
        source = Source.from_record(outcome.source) if outcome.source is not None else None
        return cls(source=source, **_common(outcome, client_mutation_id))


@strawberry.type
class EntityPayload(Payload):
    entity: Entity = strawberry.field(description="The entity as it is now (retracted, after a retraction).")

    @classmethod
    def of(cls, outcome: EntityOutcome, client_mutation_id: str | None) -> EntityPayload:
        return cls(entity=to_entity(outcome.entity), **_common(outcome, client_mutation_id))


@strawberry.type
class RelationshipPayload(Payload):
    relationship: Relationship | None

    @classmethod
    def of(cls, outcome: RelationshipOutcome, client_mutation_id: str | None) -> RelationshipPayload:
        found = outcome.relationship
        return cls(
            relationship=Relationship.from_record(found) if found is not None else None,
            **_common(outcome, client_mutation_id),
        )
