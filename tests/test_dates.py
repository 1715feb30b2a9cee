"""Stated dates (graph/dates.py): every form, what it can mean, what is refused, and the order."""

from __future__ import annotations

from datetime import date

import pytest

from graph.dates import PRECISIONS, FuzzyDate, chronological, fuzzy_date, parse_fuzzy_date


@pytest.mark.parametrize(
    ("text", "precision", "first", "last", "parts"),
    [
        ("2017", "year", date(2017, 1, 1), date(2017, 12, 31), (2017, None, None)),
        ("2016-Q4", "quarter", date(2016, 10, 1), date(2016, 12, 31), (2016, None, None)),
        ("2020-Q1", "quarter", date(2020, 1, 1), date(2020, 3, 31), (2020, None, None)),
        ("2020-02", "month", date(2020, 2, 1), date(2020, 2, 29), (2020, 2, None)),
        ("2021-02", "month", date(2021, 2, 1), date(2021, 2, 28), (2021, 2, None)),
        ("2022-12-01", "day", date(2022, 12, 1), date(2022, 12, 1), (2022, 12, 1)),
        ("2024-02-29", "day", date(2024, 2, 29), date(2024, 2, 29), (2024, 2, 29)),
        # ISO weeks run Monday to Sunday; a week may straddle two months or two years.
        ("2019-W44", "week", date(2019, 10, 28), date(2019, 11, 3), (2019, None, None)),
        ("2019-W02", "week", date(2019, 1, 7), date(2019, 1, 13), (2019, 1, None)),
        ("2019-W01", "week", date(2018, 12, 31), date(2019, 1, 6), (None, None, None)),
        ("2020-W53", "week", date(2020, 12, 28), date(2021, 1, 3), (None, None, None)),
        ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 3), (None, None, None)),
        ("2019-10-28/2019-11-03", "range", date(2019, 10, 28), date(2019, 11, 3), (2019, None, None)),
        ("2020-10-20/2020-10-23", "range", date(2020, 10, 20), date(2020, 10, 23), (2020, 10, None)),
        ("2020-12-30/2021-01-02", "range", date(2020, 12, 30), date(2021, 1, 2), (None, None, None)),
        ("--12-05", "month_day", None, None, (None, 12, 5)),
        ("--02-29", "month_day", None, None, (None, 2, 29)),
        ("--01-31", "month_day", None, None, (None, 1, 31)),
    ],
)
def test_each_form_says_which_days_it_can_mean(
    text: str, precision: str, first: date | None, last: date | None, parts: tuple[int | None, ...]
) -> None:
    parsed = parse_fuzzy_date(text)
    assert parsed == FuzzyDate(text, precision, first, last, *parts)
    assert parsed.precision in PRECISIONS


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "expected YYYY, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD, YYYY-MM-DD/YYYY-MM-DD or --MM-DD"),
        ("17", "expected"),
        (" 2017", "expected"),
        ("2017 ", "expected"),
        ("\uff12\uff10\uff11\uff17", "expected"),  # fullwidth digits: only ASCII ones are digits here
        ("2017-1", "expected"),
        ("2017-Q0", "there is no quarter 0"),
        ("2017-Q5", "there is no quarter 5"),
        ("2017-13", "there is no month 13"),
        ("2017-00", "there is no month 00"),
        ("0000", "there is no year 0000"),
        ("2021-02-29", "there is no day 29 in 2021-02 (01 to 28)"),
        ("2021-04-31", "there is no day 31 in 2021-04"),
        ("2021-04-00", "there is no day 00"),
        ("2019-W53", "ISO week-year 2019 has weeks 01 to 52"),
        ("2019-W00", "has weeks 01 to 52"),
        ("2019-W5", "expected"),
        ("2019-w05", "expected"),
        ("2019-W05-1", "expected"),  # a week date names one day: state the day
        ("2019-11-03/2019-10-28", "the span's ends are inverted"),
        ("2019-10-28/2019-10-28", "the span's ends are the same day"),
        ("2019-10-28/2019-11-31", "there is no day 31 in 2019-11"),
        ("2019-10/2019-11", "expected"),
        ("2019-10-28/", "expected"),
        ("2019-10-28--2019-11-03", "expected"),
        ("--02-30", "there is no day 30 in month 02 (01 to 29)"),
        ("--13-01", "there is no month 13"),
        ("--12-5", "expected"),
        ("---12-05", "expected"),
        ("12-05", "expected"),
    ],
)
def test_what_is_not_a_date_is_refused_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match="is not a date") as caught:
        parse_fuzzy_date(text)
    assert problem in str(caught.value)
    assert repr(text) in str(caught.value)


def test_stored_texts_are_parsed_once_and_absent_ones_are_none() -> None:
    assert fuzzy_date("2019-W44") is fuzzy_date("2019-W44")
    assert fuzzy_date(None) is None
    assert fuzzy_date(2017) is None
    with pytest.raises(ValueError, match="is not a date"):
        fuzzy_date("autumn 2019")


def test_chronological_order_dated_first_then_year_unknown_then_none() -> None:
    texts = ["--12-05", "2019", "2019-W44", "--01-31", "2019-10-28/2019-11-03", "2018-12", "2019-Q4"]
    dates = [parse_fuzzy_date(t) for t in texts]
    ordered = sorted([None, *dates], key=chronological)
    assert [d.text if d else None for d in ordered] == [
        "2018-12",
        "2019",
        "2019-Q4",
        "2019-W44",
        "2019-10-28/2019-11-03",
        "--01-31",
        "--12-05",
        None,
    ]
    # Ends are ordered by their latest possible day (ties keep their order: the sort is stable).
    by_last = sorted(dates, key=lambda d: chronological(d, "last"))
    assert [d.text for d in by_last] == [
        "2018-12",
        "2019-W44",
        "2019-10-28/2019-11-03",
        "2019",
        "2019-Q4",
        "--01-31",
        "--12-05",
    ]
