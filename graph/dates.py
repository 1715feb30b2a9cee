"""Dates as sources state them, kept with exactly the precision the source gives.

A stated date is a text in one of these forms; each names the days it can mean:

| form                    | precision   | what it says                             | earliest … latest |
|-------------------------|-------------|------------------------------------------|-------------------|
| `2017`                  | `year`      | some day of that year                    | 1 Jan … 31 Dec    |
| `2016-Q4`               | `quarter`   | some day of that calendar quarter        | 1 Oct … 31 Dec    |
| `2020-12`               | `month`     | some day of that month                   | 1st … last day    |
| `2019-W44`              | `week`      | some day of that ISO 8601 week           | Monday … Sunday   |
| `2022-12-01`            | `day`       | that day                                 | the day itself    |
| `2019-10-28/2019-11-03` | `range`     | one day, not known which, between two    | the two ends      |
| `--10-20`               | `month_day` | that day and month, the year not stated  | none              |

The slash form names one day somewhere in the span (the span bounds an unknown day), never a
stretch of time: a period is a start and an end, each a date of its own. Its ends are whole
days, the first before the second. The week is ISO 8601's (weeks start on Monday; week 1 holds
the year's first Thursday; `YYYY` is the ISO week-year, so 2020-W53 ends on 3 January 2021).
`--MM-DD` is XML Schema's gMonthDay (ISO 8601:2000's truncated form), a day without a year:
any day that exists in some year, 29 February too.

A date without a year bounds nothing: `first` and `last` are None, the loader writes no
`start_date`/`end_date` for it, and filters (`asOf`, `between`) treat it as undated. Ordering
(`chronological`) puts it after every date with a year, by month and day.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

# The precisions, each with what it means; the GraphQL `DatePrecision` enum is generated from
# this table (schema/types/enums.py), member names upper-cased.
PRECISIONS: Final[Mapping[str, str]] = {
    "year": "Some day of a calendar year (2017).",
    "quarter": "Some day of a calendar quarter (2016-Q4).",
    "month": "Some day of a month (2020-12).",
    "week": "Some day of an ISO 8601 week, Monday to Sunday (2019-W44).",
    "day": "One stated day (2022-12-01).",
    "range": (
        "One day, not known which, between two stated days, both included (2019-10-28/2019-11-03). "
        "Not a period: a period is a start and an end."
    ),
    "month_day": (
        "A day of a month in a year the source does not state (--10-20). It bounds nothing: "
        "earliest and latest are null, and filters treat it as undated."
    ),
}

FORMS: Final = "YYYY, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD, YYYY-MM-DD/YYYY-MM-DD or --MM-DD"

SortKey = tuple[int, date, int, int]

# A leap year, so that --02-29 is a day that exists.
_ANY_YEAR: Final = 2000


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A stated date: its text, its precision and the days it can mean.

    `first` and `last` are the earliest and latest day the text can mean; both None when the
    year is unknown. `year`, `month` and `day` are the parts every one of those days shares,
    None where they differ or are not known (2017: year only; 2019-W44: year only, the week
    straddles two months; --10-20: month and day).
    """

    text: str
    precision: str  # a key of PRECISIONS
    first: date | None
    last: date | None
    year: int | None = None
    month: int | None = None
    day: int | None = None


def fuzzy_date(value: object) -> FuzzyDate | None:
    """A stored date text parsed, or None where there is none. Texts repeat across a graph
    (a few hundred distinct ones), so each is parsed once per process."""
    return _cached(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)
def _cached(text: str) -> FuzzyDate:
    return parse_fuzzy_date(text)


def chronological(value: FuzzyDate | None, by: Literal["first", "last"] = "first") -> SortKey:
    """A sort key: dates with a year by their earliest (or, `by="last"`, latest) possible day,
    then dates without a year by month and day, then no date at all."""
    if value is None:
        return (2, date.min, 0, 0)
    bound = value.first if by == "first" else value.last
    if bound is None:
        return (1, date.min, value.month or 0, value.day or 0)
    return (0, bound, 0, 0)


def parse_fuzzy_date(text: str) -> FuzzyDate:
    """Parse one of the forms in this module's table; raise ValueError naming the problem."""
    for pattern, read in _FORMS:
        if match := pattern.fullmatch(text):
            try:
                return read(text, match)
            except ValueError as exc:
                raise ValueError(f"{text!r} is not a date: {exc}") from None
    raise ValueError(f"{text!r} is not a date (expected {FORMS})")


def _year_form(text: str, m: re.Match[str]) -> FuzzyDate:
    year = _year(m[1])
    return _spanning(text, "year", date(year, 1, 1), date(year, 12, 31))


def _quarter_form(text: str, m: re.Match[str]) -> FuzzyDate:
    year, quarter = _year(m[1]), int(m[2])
    if not 1 <= quarter <= 4:
        raise ValueError(f"there is no quarter {quarter} (Q1 to Q4)")
    return _spanning(text, "quarter", date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))


def _month_form(text: str, m: re.Match[str]) -> FuzzyDate:
    year, month = _year(m[1]), _month(m[2])
    return _spanning(text, "month", date(year, month, 1), _month_end(year, month))


def _week_form(text: str, m: re.Match[str]) -> FuzzyDate:
    year, week = _year(m[1]), int(m[2])
    weeks = date(year, 12, 28).isocalendar().week  # 28 December always lies in the year's last week
    if not 1 <= week <= weeks:
        raise ValueError(f"ISO week-year {year} has weeks 01 to {weeks:02d}")
    return _spanning(text, "week", date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7))


def _day_form(text: str, m: re.Match[str]) -> FuzzyDate:
    day = _day(_year(m[1]), m[2], m[3])
    return _spanning(text, "day", day, day)


def _range_form(text: str, m: re.Match[str]) -> FuzzyDate:
    first, last = _day(_year(m[1]), m[2], m[3]), _day(_year(m[4]), m[5], m[6])
    if first == last:
        raise ValueError("the span's ends are the same day (state the day itself)")
    if first > last:
        raise ValueError("the span's ends are inverted (the earlier day comes first)")
    return _spanning(text, "range", first, last)


def _month_day_form(text: str, m: re.Match[str]) -> FuzzyDate:
    known = _day(None, m[1], m[2])
    return FuzzyDate(text, "month_day", None, None, None, known.month, known.day)


_DIGITS = {"Y": "([0-9]{4})", "M": "([0-9]{2})", "D": "([0-9]{2})"}
_FORMS: Final[tuple[tuple[re.Pattern[str], Callable[[str, re.Match[str]], FuzzyDate]], ...]] = tuple(
    (re.compile(pattern.format(**_DIGITS)), read)
    for pattern, read in (
        ("{Y}", _year_form),
        ("{Y}-Q([0-9])", _quarter_form),
        ("{Y}-{M}", _month_form),
        ("{Y}-W([0-9]{{2}})", _week_form),
        ("{Y}-{M}-{D}", _day_form),
        ("{Y}-{M}-{D}/{Y}-{M}-{D}", _range_form),
        ("--{M}-{D}", _month_day_form),
    )
)


def _spanning(text: str, precision: str, first: date, last: date) -> FuzzyDate:
    """A date with a year, with the parts all of its days share."""
    year = first.year if first.year == last.year else None
    month = first.month if year is not None and first.month == last.month else None
    day = first.day if first == last else None
    return FuzzyDate(text, precision, first, last, year, month, day)


def _year(digits: str) -> int:
    if digits == "0000":
        raise ValueError("there is no year 0000")
    return int(digits)


def _month(digits: str) -> int:
    month = int(digits)
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {digits} (01 to 12)")
    return month


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int | None, month_digits: str, day_digits: str) -> date:
    """The day, checked; with the year unknown, a day that exists in some year."""
    month = _month(month_digits)
    in_year = _ANY_YEAR if year is None else year
    last = calendar.monthrange(in_year, month)[1]
    if not 1 <= int(day_digits) <= last:
        where = f"month {month_digits}" if year is None else f"{year:04d}-{month_digits}"
        raise ValueError(f"there is no day {day_digits} in {where} (01 to {last:02d})")
    return date(in_year, month, int(day_digits))
