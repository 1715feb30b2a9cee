"""The typed records graph/ returns: real fields, dates parsed, no driver objects.

Database property names stop here: each record is built from a row by its `from_props`
constructor, and the layers above read fields, never properties by name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, NamedTuple, TypeVar

from graph.dates import FuzzyDate, fuzzy_date

T = TypeVar("T")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


class Identifier(NamedTuple):
    """An external identifier a source states: ('project_code', '8.3.5.0/16/I/001')."""

    scheme: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Identifier:
        scheme, _, value = text.partition(":")
        return cls(scheme, value)


# Slotted, unfrozen dataclasses: a partners page or a network builds hundreds of these per
# request, and a frozen dataclass sets each of ~30 fields through object.__setattr__.
@dataclass(slots=True)
class EntityRecord:
    """An entity with the fields of every kind; those a kind does not have stay None."""

    # The fields a lean read (`lean` below) can hold beside the key and kind.
    LEAN: ClassVar[tuple[str, ...]] = (
        "name",
        "lang",
        "name_en",
        "subtype",
        "country",
        "inferred",
        "synthetic",
    )

    key: str
    kind: str
    name: str = ""
    lang: str = ""
    name_en: str = ""
    subtype: str | None = None
    aliases: list[str] = field(default_factory=list)
    country: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    note: str | None = None
    inferred: bool = False
    inferred_reason: str | None = None
    identity_note: str | None = None
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)
    degree: int = 0
    # school, council
    students: int | None = None
    meets_per_year_min: int | None = None
    # project
    budget_total: float | None = None
    grant: float | None = None
    own_contribution: float | None = None
    currency: str | None = None
    participating_institutions: int | None = None
    # project, event
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    venue: str | None = None
    planned: bool = False
    # agreement, regulation
    signed: FuzzyDate | None = None
    adopted: FuzzyDate | None = None
    # target
    metric: str | None = None
    value: float | None = None
    year: int | None = None
    # Changed by the API this many times (optimistic concurrency).
    revision: int = 0
    # Set only on a retracted entity (graph.ontology.RETRACTED_LABEL); merged_into: the survivor.
    retracted_reason: str | None = None
    retracted_at: str | None = None
    merged_into: str | None = None

    @property
    def retracted(self) -> bool:
        return self.retracted_reason is not None

    def identifier(self, scheme: str) -> str | None:
        return next((i.value for i in self.identifiers if i.scheme == scheme), None)

    @classmethod
    def lean(cls, p: Mapping[str, Any]) -> EntityRecord:
        """From graph.cypher.relationships' lean read: key, kind and those of LEAN asked for; the
        rest stays unset."""
        get = p.get
        return cls(
            key=str(p["id"]),
            kind=str(p["kind"] or ""),
            name=str(get("name") or ""),
            lang=str(get("lang") or ""),
            name_en=str(get("name_en") or ""),
            subtype=_text(get("subtype")),
            country=str(get("country") or ""),
            inferred=bool(get("inferred")),
            synthetic=bool(get("synthetic")),
        )

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> EntityRecord:
        return cls(
            key=str(p["id"]),
            kind=str(p.get("kind") or ""),
            name=str(p.get("name") or ""),
            lang=str(p.get("lang") or ""),
            name_en=str(p.get("name_en") or ""),
            subtype=_text(p.get("subtype")),
            aliases=list(p.get("aliases") or ()),
            country=str(p.get("country") or ""),
            identifiers=[Identifier.parse(i) for i in p.get("identifiers") or ()],
            note=_text(p.get("note")),
            inferred=bool(p.get("inferred")),
            inferred_reason=_text(p.get("inferred_reason")),
            identity_note=_text(p.get("identity_note")),
            synthetic=bool(p.get("synthetic")),
            sources=list(p.get("sources") or ()),
            degree=int(p.get("degree") or 0),
            students=p.get("students"),
            meets_per_year_min=p.get("meets_per_year_min"),
            budget_total=_number(p.get("budget_total")),
            grant=_number(p.get("grant")),
            own_contribution=_number(p.get("own_contribution")),
            currency=_text(p.get("currency")),
            participating_institutions=p.get("participating_institutions"),
            start=fuzzy_date(p.get("start")),
            end=fuzzy_date(p.get("end")),
            venue=_text(p.get("venue")),
            planned=bool(p.get("planned")),
            signed=fuzzy_date(p.get("signed")),
            adopted=fuzzy_date(p.get("adopted")),
            metric=_text(p.get("metric")),
            value=_number(p.get("value")),
            year=p.get("year"),
            revision=int(p.get("revision") or 0),
            retracted_reason=_text(p.get("retracted_reason")),
            retracted_at=_text(p.get("retracted_at")),
            merged_into=_text(p.get("merged_into")),
        )


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A document the graph's facts come from."""

    key: str
    file: str | None  # a file name, a URL (`url`), or both
    language: str
    title: str | None
    title_en: str
    summary: str | None
    published: FuzzyDate | None
    publisher: str | None = None
    url: str | None = None
    # The document does not show its publisher: the link or the publisher itself is inferred.
    publisher_inferred: bool = False
    publisher_inferred_reason: str | None = None

    @classmethod
    def from_props(
        cls,
        p: Mapping[str, Any],
        publisher: str | None,
        publisher_inferred: bool = False,
        publisher_inferred_reason: str | None = None,
    ) -> SourceRecord:
        return cls(
            key=str(p["id"]),
            file=_text(p.get("file")),
            url=_text(p.get("url")),
            language=str(p.get("language") or ""),
            title=_text(p.get("title")),
            title_en=str(p.get("title_en") or ""),
            summary=_text(p.get("summary")),
            published=fuzzy_date(p.get("published")),
            publisher=publisher,
            publisher_inferred=publisher_inferred,
            publisher_inferred_reason=publisher_inferred_reason,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SourceRecord:
        """From the columns of graph.cypher.fragments.source_publisher beside the source's properties `s`."""
        return cls.from_props(
            row["s"],
            _text(row["publisher"]),
            bool(row["publisher_inferred"]),
            _text(row["publisher_inferred_reason"]),
        )


class Validity(NamedTuple):
    """When a relationship holds; either end may be unknown."""

    start: FuzzyDate | None
    end: FuzzyDate | None


_NO_VALIDITY = Validity(None, None)


@dataclass(slots=True)
class RelationshipRecord:
    key: str
    type: str
    kind: str
    from_key: str
    to_key: str
    validity: Validity
    sources: list[str]
    role: str | None = None
    amount: float | None = None
    currency: str | None = None
    workload: float | None = None
    title: str | None = None
    title_en: str | None = None
    note: str | None = None
    inferred: bool = False
    inferred_reason: str | None = None
    revision: int = 0
    # Set only on a RETRACTED relationship (graph.ontology.RETRACTED_TYPE; `kind` keeps what it was).
    retracted_reason: str | None = None
    retracted_at: str | None = None
    merged_into: str | None = None

    @property
    def retracted(self) -> bool:
        return self.retracted_reason is not None

    @classmethod
    def from_props(cls, p: Mapping[str, Any], type_: str, from_key: str, to_key: str) -> RelationshipRecord:
        return cls(
            key=str(p.get("id") or ""),
            type=type_,
            kind=str(p.get("kind") or type_.lower()),
            from_key=from_key,
            to_key=to_key,
            validity=Validity(fuzzy_date(p.get("start")), fuzzy_date(p.get("end"))),
            sources=[str(s) for s in p.get("sources") or ()],
            role=_text(p.get("role")),
            amount=_number(p.get("amount")),
            currency=_text(p.get("currency")),
            workload=_number(p.get("workload")),
            title=_text(p.get("title")),
            title_en=_text(p.get("title_en")),
            note=_text(p.get("note")),
            inferred=bool(p.get("inferred")),
            inferred_reason=_text(p.get("inferred_reason")),
            revision=int(p.get("revision") or 0),
            retracted_reason=_text(p.get("retracted_reason")),
            retracted_at=_text(p.get("retracted_at")),
            merged_into=_text(p.get("merged_into")),
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RelationshipRecord:
        """From graph.cypher.fragments.rel_map's shape: {r: properties, type, from, to}."""
        return cls.from_props(row["r"], str(row["type"]), str(row["from"]), str(row["to"]))

    @classmethod
    def bare(cls, row: Mapping[str, Any]) -> RelationshipRecord:
        """From a bare read (graph.cypher.relationships): key and type; the rest, the ends
        included, stays unset."""
        type_ = str(row["type"])
        key = row["r"]["id"]
        return cls(str(key or ""), type_, type_.lower(), "", "", _NO_VALIDITY, [])

    @classmethod
    def flat(cls, row: Mapping[str, Any]) -> RelationshipRecord:
        """As bare, from a flat item (graph.cypher.relationships' _flat): the key is `rid`."""
        type_ = str(row["type"])
        return cls(str(row["rid"] or ""), type_, type_.lower(), "", "", _NO_VALIDITY, [])


class RelationshipOf(NamedTuple):
    """One of an entity's relationships with the entity at its other end.

    `other` holds only names and kind when the read was lean (graph.filters.RelationshipWindow);
    `sources` and `below` (the other end's own page, one level down) are there when read along.
    """

    relationship: RelationshipRecord
    other: EntityRecord
    sources: list[SourceRecord] | None = None
    below: Page[RelationshipOf] | None = None


# How a partner is connected (Link.via), as graph/cypher/relationships.py answers it: directly,
# through a shared entity of one of these kinds (its kind upper-cased), or through funding.
VIAS: tuple[str, ...] = ("DIRECT", "PROJECT", "COUNCIL", "EVENT", "AGREEMENT", "FUNDING")


# Tuples rather than dataclasses: a partners page builds dozens of these per request.
class Link(NamedTuple):
    """How two actors are connected: directly, or through an intermediary entity."""

    via: str
    through: str | None
    relationships: list[RelationshipRecord]
    # Either actor, the entity through which they are linked, or a relationship is inferred.
    inferred: bool = False


class Partner(NamedTuple):
    entity: EntityRecord
    links: list[Link]


class CommonPartner(NamedTuple):
    entity: EntityRecord
    links_by_actor: dict[str, list[Link]]


@dataclass(frozen=True, slots=True)
class PathRecord:
    nodes: list[EntityRecord]
    relationships: list[RelationshipRecord]


@dataclass(frozen=True, slots=True)
class Subgraph:
    nodes: list[EntityRecord]
    relationships: list[RelationshipRecord]
    truncated: bool


@dataclass(frozen=True, slots=True)
class SchoolCoverageRow:
    school: str
    name: str
    students: int | None
    counsellor_fte: float
    counsellors: int
    # In scope only through inferred places or locations, or a counsellor or post counted is inferred.
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class GraphStats:
    node_count: int
    relationship_count: int
    labels: list[tuple[str, int]]
    relationship_types: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list plus what a cursor connection needs."""

    items: list[T]
    offset: int
    has_next: bool
    total: int | None = None


# The API's roles, weakest first: each role may do what the ones before it may.
ROLES: tuple[str, ...] = ("reader", "curator", "admin")


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A bearer token's public side: never its secret or the secret's hash."""

    name: str
    role: str
    created: datetime  # UTC
    revoked: datetime | None = None  # when it was revoked, or None

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> ApiToken:
        return cls(
            name=str(props["name"]),
            role=str(props["role"]),
            created=datetime.fromisoformat(str(props["created"])),
            revoked=None if props.get("revoked") is None else datetime.fromisoformat(str(props["revoked"])),
        )

    def allows(self, role: str) -> bool:
        """Whether this token may do what `role` may (an unknown role is allowed nothing)."""
        return self.role in ROLES and role in ROLES and ROLES.index(self.role) >= ROLES.index(role)


# What an API write or an import did (graph/curation/transaction.py writes them, graph/history.py reads).
CHANGE_ACTIONS: tuple[str, ...] = (
    "add_source",
    "create_entity",
    "update_entity",
    "assert_relationship",
    "retract_relationship",
    "retract_entity",
    "merge_entities",
    "import",
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one thing, before and after a change (None: absent)."""

    target: str  # "entity", "relationship" or "source"
    key: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """One committed change: who, when, what (per field), why, and the data version it made."""

    key: str
    seq: int
    at: str  # ISO 8601, UTC, with microseconds
    author: str
    action: str
    reason: str | None
    version: str
    entities: list[str]
    relationships: list[str]
    sources: list[str]
    items: list[FieldChange]
    subject: str = ""  # the key of what the change is about (the API's answer to it)

    @classmethod
    def from_props(cls, p: Mapping[str, Any]) -> ChangeRecord:
        diff = json.loads(str(p.get("diff") or "[]"))
        return cls(
            key=str(p["id"]),
            seq=int(p["seq"]),
            at=str(p["at"]),
            author=str(p["author"]),
            action=str(p["action"]),
            reason=_text(p.get("reason")),
            version=str(p.get("version") or ""),
            entities=[str(k) for k in p.get("entities") or ()],
            relationships=[str(k) for k in p.get("relationships") or ()],
            sources=[str(k) for k in p.get("sources") or ()],
            items=[
                FieldChange(d["target"], d["key"], d["field"], d.get("before"), d.get("after")) for d in diff
            ],
            subject=str(p.get("subject") or ""),
        )
