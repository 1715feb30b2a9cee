"""The change log: one `Change` per committed API write or import, and pages of them."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from graph.records import ChangeRecord, Page
from graph.records import FieldChange as FieldChangeRecord
from resolvers.history import encode_cursor
from schema.types.common import PageInfo
from schema.types.enums import ChangeAction


@strawberry.type(description="One field of one thing, before and after a change.")
class FieldChange:
    target: str = strawberry.field(description="What changed: entity, relationship or source.")
    key: str = strawberry.field(description="Its key (an entity's or source's key, a relationship's id).")
    field: str = strawberry.field(description="The field that changed.")
    before: JSON | None = strawberry.field(
        description="The value before; null: it had none (or did not exist)."
    )
    after: JSON | None = strawberry.field(
        description="The value after; null: it has none (or was retracted)."
    )

    @classmethod
    def from_record(cls, record: FieldChangeRecord) -> FieldChange:
        return cls(
            target=record.target, key=record.key, field=record.field, before=record.before, after=record.after
        )


@strawberry.type(
    description="A committed change to the graph: who, when, what (per field), why, and the data "
    "version it made."
)
class Change:
    key: str = strawberry.field(description="The change's id, e.g. chg-42.")
    seq: int = strawberry.field(description="Its place in the log: changes are numbered in commit order.")
    at: str = strawberry.field(description="When it was committed: ISO 8601, UTC, with microseconds.")
    author: str = strawberry.field(
        description="The name of the token it was made with (or the importing user's)."
    )
    action: ChangeAction
    reason: str | None = strawberry.field(description="Why, in the curator's words.")
    data_version: str = strawberry.field(description="The data version after the change.")
    entity_keys: list[str] = strawberry.field(description="The entities it touched.")
    relationship_ids: list[str] = strawberry.field(description="The relationships it touched.")
    source_ids: list[str] = strawberry.field(description="The sources it touched.")
    fields: list[FieldChange] = strawberry.field(description="Every field it changed, before and after.")

    @classmethod
    def from_record(cls, record: ChangeRecord) -> Change:
        return cls(
            key=record.key,
            seq=record.seq,
            at=record.at,
            author=record.author,
            action=ChangeAction(record.action),
            reason=record.reason,
            data_version=record.version,
            entity_keys=record.entities,
            relationship_ids=record.relationships,
            source_ids=record.sources,
            fields=[FieldChange.from_record(item) for item in record.items],
        )


@strawberry.type
class ChangeEdge:
    cursor: str
    node: Change


@strawberry.type(
    description="Changes, oldest first; `after` an end cursor gives the ones committed after it."
)
class ChangeConnection:
    edges: list[ChangeEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: Page[ChangeRecord]) -> ChangeConnection:
        cursors = [encode_cursor(record.seq) for record in page.items]
        return cls(
            edges=[
                ChangeEdge(cursor=c, node=Change.from_record(r))
                for c, r in zip(cursors, page.items, strict=True)
            ],
            # Cursors are seqs here (resolvers/history.py): the page's offset is the seq it follows.
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.offset > 0,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )
