"""Dates from a seed file to the API's answers: every form keeps its precision through loading,
the `FuzzyDate` type, timelines and the `asOf`/`between` filters (which read it as widely as it
allows), on a store of its own loaded with a small document that uses each form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, LiteralString

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from graph.constraints import apply_constraints
from graph.database import Connection, Database
from graph.ingest.loader import load_seeds
from graph.ingest.seed_files import SeedError, read_seed_graph
from graph.store.embedded import EmbeddedStore
from tests.conftest import gql, run_db, store_settings

SOURCE = """
[source]
id = "src-dates"
file = "dates.txt"
language = "en"
title_en = "A document that dates things in every way a document can"
"""


def entity(key: str, kind: str, extra: str = "") -> str:
    return (
        f'[[entities]]\nid = "{key}"\nkind = "{kind}"\nname = "{key}"\nlang = "en"\n'
        f'name_en = "{key}"\ncountry = "EE"\n{extra}\n'
    )


def relation(kind: str, start: str, end: str | None = None, to: str = "") -> str:
    ends = f'start = "{start}"\n' + (f'end = "{end}"\n' if end else "")
    return f'[[relations]]\ntype = "{kind}"\nfrom = "ee-agency"\nto = "{to}"\n{ends}\n'


EVENT = 'subtype = "meeting"\n'
SEED = (
    SOURCE
    + entity("ee-agency", "agency", 'subtype = "agency"')
    + "".join(entity(f"ee-partner-{name}", "organisation") for name in ("week", "range", "day", "no-year"))
    + entity("ee-event-week", "event", EVENT + 'start = "2019-W45"')
    + entity("ee-event-range", "event", EVENT + 'start = "2019-11-12/2019-11-14"')
    + entity("ee-event-day", "event", EVENT + 'start = "2019-11-01"')
    + entity("ee-event-no-year", "event", EVENT + 'start = "--10-20"\nend = "--10-23"')
    + entity("ee-event-undated", "event", EVENT)
    + "".join(
        f'[[relations]]\ntype = "hosts"\nfrom = "ee-agency"\nto = "ee-event-{name}"\n\n'
        for name in ("week", "range", "day", "no-year", "undated")
    )
    + relation("cooperates_with", "2019-W44", to="ee-partner-week")
    + relation("cooperates_with", "2019-10-29/2019-11-04", "2020-Q2", to="ee-partner-range")
    + relation("cooperates_with", "2019-10-30", "2019-10-31", to="ee-partner-day")
    + relation("cooperates_with", "--12-05", "2021", to="ee-partner-no-year")
)


@pytest.fixture(scope="module")
def dated_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    """A store of its own holding the document above as its curated graph."""
    seed = tmp_path_factory.mktemp("dated-seeds") / "dates.toml"
    seed.write_text(SEED, encoding="utf-8")
    graph = read_seed_graph([seed])
    with EmbeddedStore(store_settings(tmp_path_factory.mktemp("dated-store")), "coopgraph") as conn:
        run_db(conn, apply_constraints)
        run_db(conn, lambda db: load_seeds(db, graph))
        yield conn


@pytest.fixture(scope="module")
def dated(dated_store: Connection) -> Iterator[TestClient]:
    with TestClient(create_app(dated_store)) as client:
        yield client


def stored(conn: Connection, query: LiteralString) -> list[dict[str, Any]]:
    async def work(db: Database) -> list[dict[str, Any]]:
        return await db.read(query)

    return run_db(conn, work)


def test_the_loader_writes_the_widest_reading_and_nothing_for_a_date_without_a_year(
    dated_store: Connection,
) -> None:
    events = stored(
        dated_store,
        "MATCH (e:Event) RETURN e.id AS key, e.start_precision AS precision, "
        "e.start_date AS start, e.end_date AS end ORDER BY key",
    )
    assert [(e["key"], e["precision"], e["start"], e["end"]) for e in events] == [
        ("ee-event-day", "day", date(2019, 11, 1), date(2019, 11, 1)),
        ("ee-event-no-year", "month_day", None, None),
        ("ee-event-range", "range", date(2019, 11, 12), date(2019, 11, 14)),
        ("ee-event-undated", None, None, None),
        # An event dated once happens within that date: the week's Sunday ends it.
        ("ee-event-week", "week", date(2019, 11, 4), date(2019, 11, 10)),
    ]
    rels = stored(
        dated_store,
        "MATCH (:Agency)-[r:COOPERATES_WITH]->(p) RETURN p.id AS key, r.start_precision AS precision, "
        "r.start_date AS start, r.end_date AS end ORDER BY key",
    )
    assert [(r["key"], r["precision"], r["start"], r["end"]) for r in rels] == [
        ("ee-partner-day", "day", date(2019, 10, 30), date(2019, 10, 31)),
        ("ee-partner-no-year", "month_day", None, date(2021, 12, 31)),
        ("ee-partner-range", "range", date(2019, 10, 29), date(2020, 6, 30)),
        ("ee-partner-week", "week", date(2019, 10, 28), None),
    ]


DATE = "text precision earliest latest year month day"
START_END = f"start {{ {DATE} }} end {{ {DATE} }}"
EVENTS = (
    "{ "
    + " ".join(
        f'{alias}: entity(key: "ee-event-{alias}") {{ ... on Event {{ {START_END} }} }}'
        for alias in ("week", "range", "day", "undated")
    )
    + f' noYear: entity(key: "ee-event-no-year") {{ ... on Event {{ {START_END} }} }}'
    + " }"
)


def fuzzy(
    text: str, precision: str, first: str | None, last: str | None, *parts: int | None
) -> dict[str, Any]:
    """A FuzzyDate as the API answers it: text, precision, earliest, latest, year, month, day."""
    return dict(zip(DATE.split(), [text, precision, first, last, *parts], strict=True))


def test_the_api_shows_text_precision_the_possible_days_and_the_known_parts(dated: TestClient) -> None:
    data = gql(dated, EVENTS)
    assert data["week"] == {
        "start": fuzzy("2019-W45", "WEEK", "2019-11-04", "2019-11-10", 2019, 11, None),
        "end": None,
    }
    assert data["range"]["start"] == fuzzy(
        "2019-11-12/2019-11-14", "RANGE", "2019-11-12", "2019-11-14", 2019, 11, None
    )
    assert data["day"]["start"] == fuzzy("2019-11-01", "DAY", "2019-11-01", "2019-11-01", 2019, 11, 1)
    # 20 to 23 October, the year not stated: a client can say so, and nothing pretends to a year.
    assert data["noYear"] == {
        "start": fuzzy("--10-20", "MONTH_DAY", None, None, None, 10, 20),
        "end": fuzzy("--10-23", "MONTH_DAY", None, None, None, 10, 23),
    }
    assert data["undated"] == {"start": None, "end": None}


TIMELINE = (
    "query($key: String!) { timeline(key: $key) { "
    f"date {{ {DATE} }} change event {{ key }} other {{ key }} }} }}"
)


def test_the_timeline_orders_by_the_widest_reading_and_puts_dates_without_a_year_last(
    dated: TestClient,
) -> None:
    items = gql(dated, TIMELINE, key="ee-agency")["timeline"]
    assert [(i["date"] and i["date"]["text"], i["change"], i["other"]["key"]) for i in items] == [
        ("2019-W44", "STARTED", "ee-partner-week"),  # from Monday 28 October
        ("2019-10-29/2019-11-04", "STARTED", "ee-partner-range"),
        ("2019-10-30", "STARTED", "ee-partner-day"),
        ("2019-10-31", "ENDED", "ee-partner-day"),
        ("2019-11-01", "EVENT", "ee-event-day"),
        ("2019-W45", "EVENT", "ee-event-week"),
        ("2019-11-12/2019-11-14", "EVENT", "ee-event-range"),
        ("2020-Q2", "ENDED", "ee-partner-range"),  # by its last day, 30 June
        ("2021", "ENDED", "ee-partner-no-year"),
        ("--10-20", "EVENT", "ee-event-no-year"),  # no year: after every dated entry, by month and day
        ("--12-05", "STARTED", "ee-partner-no-year"),
        (None, "EVENT", "ee-event-undated"),
    ]
    # Each entry keeps its date's precision.
    assert items[1]["date"] == fuzzy(
        "2019-10-29/2019-11-04", "RANGE", "2019-10-29", "2019-11-04", 2019, None, None
    )
    assert items[10]["date"] == fuzzy("--12-05", "MONTH_DAY", None, None, None, 12, 5)


PARTNERS = """
query($asOf: Date, $between: DateRange) {
  partners(key: "ee-agency", asOf: $asOf, between: $between) {
    edges { node { key } since { text precision earliest } }
  }
}
"""


def partners(client: TestClient, **when: object) -> set[str]:
    edges = gql(client, PARTNERS, **when)["partners"]["edges"]
    return {e["node"]["key"].removeprefix("ee-partner-") for e in edges}


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # Sunday before the week: nothing dated has begun; a start without a year bounds nothing.
        ({"asOf": "2019-10-27"}, {"no-year"}),
        # Monday of 2019-W44: the week may have begun, so it counts; the span's first day is the 29th.
        ({"asOf": "2019-10-28"}, {"week", "no-year"}),
        ({"asOf": "2019-10-29"}, {"week", "range", "no-year"}),
        ({"asOf": "2019-10-31"}, {"week", "range", "day", "no-year"}),
        ({"asOf": "2019-11-01"}, {"week", "range", "no-year"}),
        ({"asOf": "2020-06-30"}, {"week", "range", "no-year"}),  # 2020-Q2 may end on its last day
        ({"asOf": "2020-07-01"}, {"week", "no-year"}),
        ({"asOf": "2022-01-01"}, {"week"}),  # the no-year start's end, 2021, does bound it
        ({"between": {"start": "2019-11-01", "end": "2019-12-31"}}, {"week", "range", "no-year"}),
        ({"between": {"start": "2019-01-01", "end": "2019-10-27"}}, {"no-year"}),
        ({"between": {"start": "2019-01-01", "end": "2019-10-29"}}, {"week", "range", "no-year"}),
    ],
)
def test_filters_read_each_date_as_widely_as_it_allows(
    dated: TestClient, when: dict[str, object], expected: set[str]
) -> None:
    assert partners(dated, **when) == expected


def test_since_prefers_a_start_with_a_year_and_keeps_the_precision(dated: TestClient) -> None:
    edges = gql(dated, PARTNERS)["partners"]["edges"]
    since = {e["node"]["key"]: e["since"] for e in edges}
    assert since["ee-partner-week"] == {"text": "2019-W44", "precision": "WEEK", "earliest": "2019-10-28"}
    assert since["ee-partner-no-year"] == {"text": "--12-05", "precision": "MONTH_DAY", "earliest": None}


LIST = """
query($validAt: Date) {
  entities(filter: {kinds: [EVENT], validAt: $validAt}, first: 100) { edges { node { key } } }
}
"""


def test_event_listings_at_a_date(dated: TestClient) -> None:
    def events(day: str) -> set[str]:
        edges = gql(dated, LIST, validAt=day)["entities"]["edges"]
        return {e["node"]["key"].removeprefix("ee-event-") for e in edges}

    # Undated events and those without a year always match; the others within their days.
    assert events("2019-11-10") == {"week", "no-year", "undated"}
    assert events("2019-11-11") == {"no-year", "undated"}
    assert events("2019-11-13") == {"range", "no-year", "undated"}
    assert events("2019-10-20") == {"no-year", "undated"}


def test_a_seed_date_in_no_known_form_is_rejected_naming_file_entry_and_field(tmp_path: Path) -> None:
    bad = [
        ("2019-W53", "ISO week-year 2019 has weeks 01 to 52"),
        ("2019-11-03/2019-10-28", "the span's ends are inverted"),
        ("2019-10-28/2019-10-28", "the span's ends are the same day"),
        ("--02-30", "there is no day 30 in month 02"),
        ("autumn 2019", "expected YYYY"),
    ]
    seed = tmp_path / "bad.toml"
    seed.write_text(
        SOURCE
        + entity("ee-agency", "agency", 'subtype = "agency"')
        + "".join(
            entity(f"ee-event-{i}", "event", EVENT + f'start = "{text}"') for i, (text, _) in enumerate(bad)
        ),
        encoding="utf-8",
    )
    with pytest.raises(SeedError) as caught:
        read_seed_graph([seed])
    problems = caught.value.problems
    assert len(problems) == len(bad)
    for index, (text, problem) in enumerate(bad):
        [found] = [p for p in problems if f"(id 'ee-event-{index}')" in p]
        assert found.startswith(f"bad.toml: entities[{index + 1}]")
        assert "field 'start'" in found and repr(text) in found and problem in found


def test_a_year_unknown_start_with_a_dated_end_is_no_contradiction(tmp_path: Path) -> None:
    # Nothing compares a date without a year with one: 5 December of some year, until 2018.
    seed = tmp_path / "ok.toml"
    seed.write_text(
        SOURCE
        + entity("ee-agency", "agency", 'subtype = "agency"')
        + entity("ee-partner", "organisation")
        + relation("cooperates_with", "--12-05", "2018", to="ee-partner"),
        encoding="utf-8",
    )
    [rel] = read_seed_graph([seed]).relations.values()
    assert "start_date" not in rel["props"]
    assert rel["props"]["end_date"] == date(2018, 12, 31)


def test_the_curated_graph_keeps_the_documents_precision(client: TestClient) -> None:
    # "Last week" in a post of Thursday 7 November 2019: one unknown day of ISO week 2019-W44.
    careeria = gql(client, TIMELINE, key="fi-careeria")["timeline"]
    [tempaa] = [i for i in careeria if i["change"] == "EVENT"]
    assert tempaa["event"] == {"key": "fi-tempaa-muut-mukaan-2019"}
    assert tempaa["date"] == fuzzy("2019-W44", "WEEK", "2019-10-28", "2019-11-03", 2019, None, None)
    # "20-23 October", no year: shown as such, after everything dated.
    project = gql(client, TIMELINE, key="ee-voru-education-network-project")["timeline"]
    assert project[-1]["event"] == {"key": "ee-voru-education-network-seminars-october"}
    assert project[-1]["date"] == fuzzy("--10-20", "MONTH_DAY", None, None, None, 10, 20)

    def events(day: str) -> set[str]:
        edges = gql(client, LIST, validAt=day)["entities"]["edges"]
        return {e["node"]["key"] for e in edges}

    # The week's Sunday may be the day; the Monday after may not. The seminars match any day.
    assert {"fi-tempaa-muut-mukaan-2019", "ee-voru-education-network-seminars-october"} <= events(
        "2019-11-03"
    )
    assert "fi-tempaa-muut-mukaan-2019" not in events("2019-11-04")
    assert "ee-voru-education-network-seminars-october" in events("1999-01-01")
