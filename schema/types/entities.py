"""Nodes: the Node and Entity interfaces, a concrete type per kind, and sources."""

from __future__ import annotations

import functools
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ForwardRef

import strawberry

from graph.records import EntityRecord, SourceRecord
from resolvers import history as change_log
from resolvers.pagination import DEFAULT_PAGE
from schema.context import Info
from schema.execution import type_by_class
from schema.selection import relationships_window
from schema.types.common import DateRange, FuzzyDate, Identifier, Retraction, global_id
from schema.types.enums import Kind, RelationKind, values
from schema.types.history import ChangeConnection

if TYPE_CHECKING:
    from schema.types.relationships import RelationshipConnection

# Relationships refer to entities and entities to their relationships: this side of the
# cycle goes through Strawberry's lazy reference, so no module imports the other back.
_RELATIONSHIPS = strawberry.lazy("schema.types.relationships")
RelationshipConnectionRef = Annotated["RelationshipConnection", _RELATIONSHIPS]


@strawberry.interface(description="Anything that can be fetched again by its global id (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id, for `node(id:)`.")


@strawberry.type(description="A document the graph's facts come from.")
class Source(Node):
    key: str = strawberry.field(description="Readable id, e.g. src-001.")
    file: str | None = strawberry.field(description="The document's file name (null: known by its URL).")
    url: str | None = strawberry.field(description="Where the document is on the web.")
    language: str
    title: str | None = strawberry.field(description="The document's own headline, where it has one.")
    title_en: str
    summary: str | None
    published: FuzzyDate | None
    publisher_inferred: bool = strawberry.field(
        description="The document does not show who published it: `publisher` is inferred (the "
        "link to it, or the publisher itself)."
    )
    publisher_inferred_reason: str | None = strawberry.field(
        description="Why the publisher was inferred, in the curator's words."
    )
    publisher_key: strawberry.Private[str | None]

    @strawberry.field(
        description="Who published the document, where stated or (`publisherInferred`) inferred."
    )
    async def publisher(self, info: Info) -> Entity | None:
        if self.publisher_key is None:
            return None
        return entity_type(await info.context.loaders.entity.load(self.publisher_key))

    @classmethod
    def from_record(cls, record: SourceRecord) -> Source:
        return cls(
            id=global_id("Source", record.key),
            key=record.key,
            file=record.file,
            url=record.url,
            language=record.language,
            title=record.title,
            title_en=record.title_en,
            summary=record.summary,
            published=FuzzyDate.from_record(record.published),
            publisher_inferred=record.publisher_inferred,
            publisher_inferred_reason=record.publisher_inferred_reason,
            publisher_key=record.publisher,
        )


async def load_sources(info: Info, keys: list[str]) -> list[Source]:
    found = await info.context.loaders.source.load_many(keys)
    return [Source.from_record(s) for s in found if s is not None]


@strawberry.interface(description="A curated (or synthetic) thing in the graph: an actor, project, event…")
class Entity(Node):
    key: str = strawberry.field(description="Stable readable id, e.g. lv-viaa.")
    kind: Kind
    subtype: str | None
    name: str = strawberry.field(description="Name in the original language.")
    lang: str = strawberry.field(description="Language of `name`.")
    name_en: str
    aliases: list[str] = strawberry.field(description="Abbreviations and other forms used in sources.")
    country: str
    identifiers: list[Identifier]
    note: str | None = strawberry.field(description="Curator's note, in the curator's own words.")
    inferred: bool = strawberry.field(description="True when the sources imply this but do not state it.")
    inferred_reason: str | None
    identity_note: str | None = strawberry.field(
        description="Why mentions were judged to be this one entity."
    )
    synthetic: bool = strawberry.field(description="True for generated test data, never for curated facts.")
    revision: int = strawberry.field(
        description="How many times the API has changed this entity (0: never); an update names the "
        "revision it expects, so that it cannot undo a change it has not seen."
    )
    record: strawberry.Private[EntityRecord]

    # Strawberry's hook for an interface's runtime type: every entity is built as its kind's own
    # type (to_entity), whose name is the answer.
    resolve_type = staticmethod(type_by_class)

    @strawberry.field(
        description="Why and when this entity was retracted; null while it is live. Only "
        "`entity(key:, includeRetracted: true)` and the ends of retracted relationships show one."
    )
    def retraction(self) -> Retraction | None:
        record = self.record
        return Retraction.of(record.retracted_reason, record.retracted_at, record.merged_into)

    @strawberry.field(description="The sources that mention this entity.")
    async def sources(self, info: Info) -> list[Source]:
        return await load_sources(info, self.record.sources)

    @strawberry.field(description="This entity's relationships, oldest first, with their sources.")
    async def relationships(
        self,
        info: Info,
        kinds: list[RelationKind] | None = None,
        as_of: date | None = None,
        between: DateRange | None = None,
        first: int | None = DEFAULT_PAGE,
        after: str | None = None,
        include_retracted: Annotated[
            bool | None,
            strawberry.argument(
                description="true: retracted relationships of these kinds too (`retraction` says "
                "why), with their other ends, retracted or not."
            ),
        ] = False,
    ) -> RelationshipConnectionRef:
        period = (between.start, between.end) if between else (None, None)
        ask = relationships_window(
            info, values(kinds), as_of, period, first, after, include_retracted is True
        )
        return await _connection_type().of_entity(info, self.key, ask)

    @strawberry.field(
        description="Changes that touched this entity, oldest first (as `changes(entity:)`: those "
        "under its own key; a merged entity's stay under its key, not the survivor's)."
    )
    async def history(
        self, info: Info, first: int | None = DEFAULT_PAGE, after: str | None = None
    ) -> ChangeConnection:
        # Under a list, every entity of the level shares one statement (no query per entity).
        page = await info.context.loaders.history(change_log.history_window(first, after)).load(self.key)
        return ChangeConnection.from_page(page)


@functools.cache
def _connection_type() -> type[RelationshipConnection]:
    """The class behind the lazy reference, resolved once (resolving stats files each time)."""
    resolved: type[RelationshipConnection] = _RELATIONSHIPS.resolve_forward_ref(
        ForwardRef("RelationshipConnection")
    ).resolve_type()
    return resolved


@strawberry.interface(
    description="An entity that acts: an organisation, a unit, a council or network, a person."
)
class Actor(Entity):
    pass


def _common(record: EntityRecord) -> dict[str, Any]:
    return {
        "id": global_id("Entity", record.key),
        "key": record.key,
        "kind": Kind(record.kind),
        "subtype": record.subtype,
        "name": record.name,
        "lang": record.lang,
        "name_en": record.name_en,
        "aliases": record.aliases,
        "country": record.country,
        "identifiers": [Identifier(scheme=i.scheme, value=i.value) for i in record.identifiers],
        "note": record.note,
        "inferred": record.inferred,
        "inferred_reason": record.inferred_reason,
        "identity_note": record.identity_note,
        "synthetic": record.synthetic,
        "revision": record.revision,
        "record": record,
    }


@strawberry.type(description="A government ministry.")
class Ministry(Actor):
    pass


@strawberry.type(description="A state agency or public foundation.")
class Agency(Actor):
    pass


@strawberry.type(description="A department, centre or unit inside an organisation.")
class OrgUnit(Actor):
    pass


@strawberry.type(description="A local government: city, rural municipality or county-level municipality.")
class Municipality(Actor):
    pass


@strawberry.type(description="A county or region.")
class Region(Actor):
    pass


@strawberry.type(description="A school or vocational education provider.")
class School(Actor):
    students: int | None = strawberry.field(description="Number of students, where known.")


@strawberry.type(description="A university.")
class University(Actor):
    pass


@strawberry.type(description="An employer, umbrella organisation or association.")
class Organisation(Actor):
    pass


@strawberry.type(description="A council, network or working group.")
class Council(Actor):
    meets_per_year_min: int | None


@strawberry.type(description="A person, in an official capacity only.")
class Person(Actor):
    pass


@strawberry.type(description="A funded project.")
class Project(Entity):
    code: str | None = strawberry.field(description="The funding programme's project code, where stated.")
    budget_total: float | None
    grant: float | None
    own_contribution: float | None
    currency: str | None
    participating_institutions: int | None = strawberry.field(
        description="How many institutions take part, where a source states the count."
    )
    start: FuzzyDate | None = strawberry.field(description="Only when all sources agree; see relationships.")
    end: FuzzyDate | None


@strawberry.type(description="A funding programme, operational programme, measure or specific objective.")
class Programme(Entity):
    pass


@strawberry.type(description="A meeting, conference, seminar or information session.")
class Event(Entity):
    start: FuzzyDate | None
    end: FuzzyDate | None
    venue: str | None
    planned: bool = strawberry.field(description="Announced, not (yet) known to have taken place.")


@strawberry.type(description="A cooperation agreement.")
class Agreement(Entity):
    signed: FuzzyDate | None


@strawberry.type(description="A legal act.")
class Regulation(Entity):
    adopted: FuzzyDate | None
    number: str | None


@strawberry.type(description="A stated quantitative target or norm.")
class Target(Entity):
    metric: str
    value: float
    year: int | None


# Kinds whose type has no fields of its own.
_PLAIN_TYPES: dict[str, type[Entity]] = {
    "ministry": Ministry,
    "agency": Agency,
    "org_unit": OrgUnit,
    "municipality": Municipality,
    "region": Region,
    "university": University,
    "organisation": Organisation,
    "person": Person,
    "programme": Programme,
}


def entity_type(record: EntityRecord | None) -> Entity | None:
    return None if record is None else to_entity(record)


def to_entity(record: EntityRecord) -> Entity:  # noqa: PLR0911 - one branch per kind with own fields
    common = _common(record)
    plain = _PLAIN_TYPES.get(record.kind)
    if plain is not None:
        return plain(**common)
    match record.kind:
        case "school":
            return School(**common, students=record.students)
        case "council":
            return Council(**common, meets_per_year_min=record.meets_per_year_min)
        case "project":
            return Project(
                **common,
                code=record.identifier("project_code"),
                budget_total=record.budget_total,
                grant=record.grant,
                own_contribution=record.own_contribution,
                currency=record.currency,
                participating_institutions=record.participating_institutions,
                start=FuzzyDate.from_record(record.start),
                end=FuzzyDate.from_record(record.end),
            )
        case "event":
            return Event(
                **common,
                start=FuzzyDate.from_record(record.start),
                end=FuzzyDate.from_record(record.end),
                venue=record.venue,
                planned=record.planned,
            )
        case "agreement":
            return Agreement(**common, signed=FuzzyDate.from_record(record.signed))
        case "regulation":
            return Regulation(
                **common,
                adopted=FuzzyDate.from_record(record.adopted),
                number=record.identifier("regulation_number"),
            )
        case "target":
            return Target(**common, metric=record.metric or "", value=record.value or 0.0, year=record.year)
    raise ValueError(f"no GraphQL type for entity kind {record.kind!r}")


ENTITY_TYPES: list[type] = [
    Ministry,
    Agency,
    OrgUnit,
    Municipality,
    Region,
    School,
    University,
    Organisation,
    Council,
    Person,
    Project,
    Programme,
    Event,
    Agreement,
    Regulation,
    Target,
]

__all__ = ["Entity", "Node", "Source", "entity_type", "to_entity"]
