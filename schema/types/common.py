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


@strawberry.type(
    description=(
        "A date as precisely as its source gives it: a year, a quarter, a month, an ISO week, a day, "
        "one unknown day between two stated days, or a day and month without the year. `earliest` and "
        "`latest` bound the days it can mean, and filters (asOf, between) read it that widely; "
        "`year`, `month` and `day` are the parts every one of those days shares."
    )
)
class FuzzyDate:
    text: str = strawberry.field(
        description="As the source states it: 2017, 2016-Q4, 2020-12, 2019-W44, 2022-12-01, "
        "2019-10-28/2019-11-03 (one day in that span) or --12-05 (5 December, year unknown)."
    )
    precision: DatePrecision
    earliest: date | None = strawberry.field(
        description="First day the stated date can mean; null when the year is unknown (MONTH_DAY): "
        "such a date bounds no period, and filters treat it as undated."
    )
    latest: date | None = strawberry.field(
        description="Last day the stated date can mean; null when the year is unknown (MONTH_DAY)."
    )
    year: int | None = strawberry.field(
        description="The year of every day it can mean; null when unknown, or when those days "
        "fall in two years (an ISO week or a span at the turn of a year)."
    )
    month: int | None = strawberry.field(
        description="The month (1 to 12) of every day it can mean; null when unknown or when they "
        "fall in different months."
    )
    day: int | None = strawberry.field(
        description="The day of the month, when the date is one day (DAY, or MONTH_DAY without the year)."
    )

    @classmethod
    def from_record(cls, record: FuzzyDateRecord | None) -> FuzzyDate | None:
        if record is None:
            return None
        return cls(
            text=record.text,
            precision=DatePrecision(record.precision),
            earliest=record.first,
            latest=record.last,
            year=record.year,
            month=record.month,
            day=record.day,
        )


@strawberry.type(description="When a relationship holds. Either end may be unknown (null).")
class Validity:
    start: FuzzyDate | None
    end: FuzzyDate | None

    @classmethod
    def from_record(cls, record: ValidityRecord) -> Validity:
        return cls(start=FuzzyDate.from_record(record.start), end=FuzzyDate.from_record(record.end))


@strawberry.type(
    description="Why and when something was retracted: it stays in the graph, but out of every answer "
    "unless asked for (`includeRetracted`)."
)
class Retraction:
    reason: str = strawberry.field(description="Why, in the curator's words.")
    at: str | None = strawberry.field(description="When (ISO 8601, UTC).")
    merged_into: str | None = strawberry.field(
        description="For an entity merged into another: the survivor's key, which its own key now "
        "resolves to."
    )

    @classmethod
    def of(cls, reason: str | None, at: str | None, merged_into: str | None) -> Retraction | None:
        return None if reason is None else cls(reason=reason, at=at, merged_into=merged_into)


@strawberry.type(description="An external identifier stated in a source, e.g. a project code.")
class Identifier:
    scheme: str
    value: str


@strawberry.input(
    description="A closed period; things that may overlap it match, their dates read as widely as they "
    "allow (a relationship from 2017 to 2019 matches 2019-06-01 to 2019-12-31). Undated things, and "
    "things dated without a year, always match."
)
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
