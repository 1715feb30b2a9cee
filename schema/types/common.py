"""Small value types shared by the rest of the schema."""

from __future__ import annotations

import base64
from datetime import date

import strawberry

from graph.dates import FuzzyDate as FuzzyDateRecord
from graph.records import Validity as ValidityRecord
from resolvers.pagination import encode_cursor
from schema.types.enums import DatePrecision


def global_id(type_name: str, key: str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode())


def parse_global_id(value: str) -> tuple[str, str] | None:
    try:
        type_name, _, key = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (type_name, key) if key else None


@strawberry.type(description="A date as precise as its source: a year, a quarter, a month or a day.")
class FuzzyDate:
    text: str = strawberry.field(description="As the source states it, e.g. 2016-Q4 or 2022-12-01.")
    precision: DatePrecision
    earliest: date = strawberry.field(description="First day the stated date can mean.")
    latest: date = strawberry.field(description="Last day the stated date can mean.")

    @classmethod
    def from_record(cls, record: FuzzyDateRecord | None) -> FuzzyDate | None:
        if record is None:
            return None
        return cls(
            text=record.text,
            precision=DatePrecision(record.precision),
            earliest=record.first,
            latest=record.last,
        )


@strawberry.type(description="When a relationship holds. Either end may be unknown (null).")
class Validity:
    start: FuzzyDate | None
    end: FuzzyDate | None

    @classmethod
    def from_record(cls, record: ValidityRecord) -> Validity:
        return cls(start=FuzzyDate.from_record(record.start), end=FuzzyDate.from_record(record.end))


@strawberry.type(description="An external identifier stated in a source, e.g. a project code.")
class Identifier:
    scheme: str
    value: str


@strawberry.input(description="A closed period; things overlapping it match.")
class DateRange:
    start: date | None = None
    end: date | None = None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(offset: int, count: int, has_next: bool) -> PageInfo:
    """Relay page info for `count` items starting at `offset` (cursors are offsets)."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=offset > 0,
        start_cursor=encode_cursor(offset) if count else None,
        end_cursor=encode_cursor(offset + count - 1) if count else None,
    )
