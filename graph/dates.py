"""Dates as sources state them: a year, a quarter, a month or a day, kept with that precision."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})(?:-(\d{2}))?))?$")


@dataclass(frozen=True)
class FuzzyDate:
    text: str
    precision: str  # year | quarter | month | day
    first: date
    last: date


PRECISIONS = ("year", "quarter", "month", "day")


def fuzzy_date(value: object) -> FuzzyDate | None:
    """A stored date text parsed, or None where there is none. Texts repeat across a graph
    (a few hundred distinct ones), so each is parsed once per process."""
    return _cached(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)
def _cached(text: str) -> FuzzyDate:
    return parse_fuzzy_date(text)


def parse_fuzzy_date(text: str) -> FuzzyDate:
    """Parse YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD; raise ValueError naming the problem."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date (expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD)")
    year = int(match[1])
    if match[2]:
        quarter = int(match[2])
        first_month, last_month = 3 * quarter - 2, 3 * quarter
        last_day = calendar.monthrange(year, last_month)[1]
        return FuzzyDate(text, "quarter", date(year, first_month, 1), date(year, last_month, last_day))
    if match[3]:
        month = int(match[3])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        if match[4]:
            day = date(year, month, int(match[4]))  # raises ValueError for 2021-02-30
            return FuzzyDate(text, "day", day, day)
        return FuzzyDate(
            text, "month", date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        )
    return FuzzyDate(text, "year", date(year, 1, 1), date(year, 12, 31))
