"""The change log's read side (issue #13, item 4): `changes(since, entity, author, first, after)` and
an entity's `history`, through the real HTTP app, on a store of its own (the Change nodes here are
written directly, as graph/curation/ writes them, so the shared seeded store stays without them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import parse
from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.limits import Limits
from graph import stats as stats_reads
from graph.cypher import loader as loader_cypher
from graph.database import Database
from graph.ingest.loader import load_seeds
from graph.records import CHANGE_ACTIONS
from schema import schema
from schema.cost import MAX_COST, operation_cost, schema_types
from tests.conftest import gql, gql_error, run_db
from tests.services import CliStore, seeded_cli_store

VIAA = "lv-viaa"
CAREERIA = "fi-careeria"

# Twelve changes: seq 1..12, one a minute from 2026-12-01 23:55 UTC (so they cross midnight into
# 2 December at seq 6), alternating between two authors, every third one touching VIAA.
CHANGES = [
    {
        "id": f"chg-{seq}",
        "seq": seq,
        "at": f"2026-12-0{1 if seq < 6 else 2}T{23 if seq < 6 else 0:02d}:{(54 + seq) % 60:02d}"
        f":00.{seq:06d}Z",
        "author": "ana" if seq % 2 else "bo",
        "action": CHANGE_ACTIONS[seq % len(CHANGE_ACTIONS)],
        "reason": None if seq == 2 else f"reason {seq}",
        "version": f"v{seq}",
        "request": None,
        "entities": [VIAA, CAREERIA] if seq % 3 == 0 else [CAREERIA],
        "relationships": [f"rel-{seq}"] if seq % 4 == 0 else [],
        "sources": ["src-001"] if seq == 1 else [],
        "diff": json.dumps(
            [
                {"target": "entity", "key": CAREERIA, "field": "note", "before": None, "after": f"n{seq}"},
                {
                    "target": "entity",
                    "key": CAREERIA,
                    "field": "aliases",
                    "before": ["a"],
                    "after": ["a", "b"],
                },
            ]
        ),
    }
    for seq in range(1, 13)
]

CHANGES_QUERY = """
query($since: String, $entity: String, $author: String, $first: Int, $after: String) {
  changes(since: $since, entity: $entity, author: $author, first: $first, after: $after) {
    edges { cursor node { key seq at author action reason dataVersion entityKeys relationshipIds sourceIds
                          fields { target key field before after } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

# One CHANGED link per change and entity it names.
LINKS = sum(1 if seq % 3 else 2 for seq in range(1, len(CHANGES) + 1))

HISTORY_QUERY = """
query($key: String!, $first: Int, $after: String) {
  entity(key: $key) {
    history(first: $first, after: $after) {
      edges { cursor node { key seq entityKeys } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


async def _write_changes(db: Database) -> None:
    await db.write("UNWIND $changes AS p CREATE (c:Change) SET c = p", {"changes": CHANGES})
    await _link_changes(db)
    await _set_last_seq(db, len(CHANGES))


async def _link_changes(db: Database) -> None:
    # As a write links its Change (graph/cypher/curation.py RECORD) and a load links them again.
    await db.write(loader_cypher.RELINK_CHANGES)


async def _set_last_seq(db: Database, seq: int | None) -> None:
    # As a write does (graph/cypher/curation.py): the last seq handed out, on the Meta node.
    await db.write("MERGE (m:Meta {id: 'graph'}) SET m.change_seq = $seq", {"seq": seq})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliStore]:
    with seeded_cli_store(tmp_path_factory.mktemp("history")) as running:
        run_db(running.conn, _write_changes)
        yield running


@pytest.fixture(scope="module")
def client(store: CliStore) -> Iterator[TestClient]:
    # Following the log page by page is many requests: more than a client's burst.
    with TestClient(create_app(store.conn, limits=Limits(rate_limit=0))) as test_client:
        yield test_client


def changes(client: TestClient, **arguments: Any) -> dict[str, Any]:
    result: dict[str, Any] = gql(client, CHANGES_QUERY, **arguments)["changes"]
    return result


def seqs(connection: dict[str, Any]) -> list[int]:
    return [edge["node"]["seq"] for edge in connection["edges"]]


def test_every_change_oldest_first_with_what_it_records(client: TestClient) -> None:
    page = changes(client)
    assert seqs(page) == list(range(1, 13))
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is False
    first, second = page["edges"][0]["node"], page["edges"][1]["node"]
    assert first == {
        "key": "chg-1",
        "seq": 1,
        "at": "2026-12-01T23:55:00.000001Z",
        "author": "ana",
        "action": CHANGE_ACTIONS[1].upper(),
        "reason": "reason 1",
        "dataVersion": "v1",
        "entityKeys": [CAREERIA],
        "relationshipIds": [],
        "sourceIds": ["src-001"],
        "fields": [
            {"target": "entity", "key": CAREERIA, "field": "note", "before": None, "after": "n1"},
            {"target": "entity", "key": CAREERIA, "field": "aliases", "before": ["a"], "after": ["a", "b"]},
        ],
    }
    assert second["reason"] is None
    assert page["edges"][3]["node"]["relationshipIds"] == ["rel-4"]


def test_every_action_is_an_enum_value(client: TestClient) -> None:
    actions = {edge["node"]["action"] for edge in changes(client)["edges"]}
    assert actions == {action.upper() for action in CHANGE_ACTIONS}


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-12-02", list(range(6, 13))),  # a date: from its first moment, UTC
        ("2026-12-01T23:58:00.000004Z", list(range(4, 13))),  # at or after: the change at it counts
        ("2026-12-01T23:58:00.000005Z", list(range(5, 13))),
        ("2026-12-02T02:00:00+02:00", list(range(6, 13))),  # an offset: converted to UTC
        ("2026-12-02T00:03:30", list(range(10, 13))),  # no offset: UTC
        ("2027-01-01", []),
        ("2000-01-01T00:00:00Z", list(range(1, 13))),
        ("0900-01-01", list(range(1, 13))),
    ],
)
def test_since(client: TestClient, since: str, expected: list[int]) -> None:
    assert seqs(changes(client, since=since)) == expected


def test_entity_and_author_filters(client: TestClient) -> None:
    assert seqs(changes(client, entity=VIAA)) == [3, 6, 9, 12]
    assert seqs(changes(client, entity="ee-no-such-entity")) == []
    assert seqs(changes(client, author="bo")) == [2, 4, 6, 8, 10, 12]
    assert seqs(changes(client, author="nobody")) == []
    # Filters combine: all must hold.
    assert seqs(changes(client, entity=VIAA, author="bo", since="2026-12-02")) == [6, 12]


def follow(client: TestClient, first: int, **filters: Any) -> list[int]:
    """Every change, page by page: each page's end cursor asks for the next."""
    seen: list[int] = []
    after = None
    while True:
        page = changes(client, first=first, after=after, **filters)
        seen += seqs(page)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


def test_pages_follow_each_other_without_gaps_or_repeats(client: TestClient) -> None:
    for first in (1, 2, 5, 11, 12, 13, 100):
        assert follow(client, first) == list(range(1, 13))
        assert follow(client, first, since="2026-12-02") == list(range(6, 13))
        assert follow(client, first, author="ana") == list(range(1, 13, 2))
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        page = changes(client, first=5, after=after)
        pages += 1
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        seen += seqs(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(range(1, 13))
    assert pages == 3
    # Each edge's cursor continues right after it, filters applying as on the first page.
    edges = changes(client, author="ana")["edges"]
    assert seqs(changes(client, author="ana", after=edges[1]["cursor"], first=2)) == [5, 7]
    # Past the end: an empty page, no cursors.
    last = changes(client, after=changes(client)["pageInfo"]["endCursor"])
    assert last["edges"] == [] and last["pageInfo"]["endCursor"] is None
    assert last["pageInfo"]["hasNextPage"] is False


def test_an_entitys_history(client: TestClient) -> None:
    history = gql(client, HISTORY_QUERY, key=VIAA, first=3)["entity"]["history"]
    assert seqs(history) == [3, 6, 9]
    assert all(VIAA in edge["node"]["entityKeys"] for edge in history["edges"])
    assert history["pageInfo"]["hasNextPage"] is True
    rest = gql(client, HISTORY_QUERY, key=VIAA, after=history["pageInfo"]["endCursor"])["entity"]["history"]
    assert seqs(rest) == [12]
    assert rest["pageInfo"]["hasNextPage"] is False
    # An entity nothing has changed has an empty history.
    untouched = gql(client, HISTORY_QUERY, key="lv-jelgava-city")["entity"]["history"]
    assert untouched["edges"] == [] and untouched["pageInfo"]["hasNextPage"] is False


def test_history_in_a_list(client: TestClient) -> None:
    query = "{ entities(first: 100) { edges { node { key history(first: 2) { edges { node { seq } } } } } } }"
    found = {
        edge["node"]["key"]: [e["node"]["seq"] for e in edge["node"]["history"]["edges"]]
        for edge in gql(client, query)["entities"]["edges"]
    }
    assert found[VIAA] == [3, 6]
    assert found[CAREERIA] == [1, 2]


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": ""}, "since"),
        ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
        ({"entity": ""}, "entity"),
        ({"author": ""}, "author"),
        ({"author": "x" * 201}, "author"),
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"after": "not a cursor"}, "after"),
        ({"after": "b2Zmc2V0OjU="}, "after"),  # an offset cursor of another list ("offset:5")
        ({"after": "Y2hhbmdlOi0x"}, "after"),  # "change:-1"
    ],
)
def test_bad_arguments_name_the_argument(
    client: TestClient, arguments: dict[str, Any], argument: str
) -> None:
    error = gql_error(client, CHANGES_QUERY, **arguments)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument
    assert f"`{argument}`" in error["message"]


def test_reads_of_the_log_need_a_token_when_reads_do(store: CliStore) -> None:
    with TestClient(create_app(store.conn, limits=Limits(reads_need_token=True))) as closed:
        error = gql_error(closed, CHANGES_QUERY)
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        error = gql_error(closed, HISTORY_QUERY, key=VIAA)
        assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_bad_history_arguments_name_the_argument(client: TestClient) -> None:
    error = gql_error(client, HISTORY_QUERY, key=VIAA, first=500)
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "first")
    error = gql_error(client, HISTORY_QUERY, key=VIAA, after="garbage")
    assert (error["extensions"]["code"], error["extensions"]["argument"]) == ("BAD_USER_INPUT", "after")


def test_the_log_read_without_its_last_seq(store: CliStore, client: TestClient) -> None:
    # A store whose Meta node does not say the last seq (written before the log existed) is
    # read by the scan, with the same answers.
    run_db(store.conn, lambda db: _set_last_seq(db, None))
    try:
        for first in (1, 5, 20):
            assert follow(client, first) == list(range(1, 13))
            assert follow(client, first, since="2026-12-01T23:58:00.000004Z") == list(range(4, 13))
    finally:
        run_db(store.conn, lambda db: _set_last_seq(db, len(CHANGES)))


def test_a_sparse_log(store: CliStore, client: TestClient) -> None:
    # Seqs a write took but no change kept (none should, but a log may be trimmed by hand):
    # pages skip the gap rather than end at it.
    extra = [
        {**CHANGES[-1], "id": f"chg-{seq}", "seq": seq, "at": f"2026-12-03T00:00:00.{seq:06d}Z"}
        for seq in (40, 500)
    ]

    async def add(db: Database) -> None:
        await db.write("UNWIND $changes AS p CREATE (c:Change) SET c = p", {"changes": extra})
        await _link_changes(db)
        await _set_last_seq(db, 600)

    async def remove(db: Database) -> None:
        await db.write("MATCH (c:Change) WHERE c.seq IN [40, 500] DETACH DELETE c")
        await _set_last_seq(db, len(CHANGES))

    run_db(store.conn, add)
    try:
        for first in (1, 3, 20):
            assert follow(client, first) == [*range(1, 13), 40, 500]
            assert follow(client, first, since="2026-12-03") == [40, 500]
        assert seqs(changes(client, after=changes(client, first=12)["pageInfo"]["endCursor"])) == [40, 500]
        assert follow(client, 1, entity=VIAA) == [3, 6, 9, 12, 40, 500]
    finally:
        run_db(store.conn, remove)


def test_entity_and_author_filters_page_by_seq(client: TestClient) -> None:
    # An entity's changes are read from the entity (its CHANGED links), an author's from the
    # change_author index: pages follow each other as the unfiltered log's do.
    for first in (1, 3, 100):
        assert follow(client, first, entity=VIAA) == [3, 6, 9, 12]
        assert follow(client, first, entity=CAREERIA) == list(range(1, 13))
        assert follow(client, first, author="bo") == list(range(2, 13, 2))
        assert follow(client, first, entity=VIAA, author="ana") == [3, 9]
        assert follow(client, first, entity=CAREERIA, since="2026-12-02") == list(range(6, 13))


HISTORY_IN_A_LIST = """
query($first: Int) {
  entities(first: $first) { edges { node { key
    history(first: 2) { edges { node { seq } } pageInfo { hasNextPage } }
  } } }
}
"""

# The same a level down: every far end of every entity's relationships.
HISTORY_TWO_LEVELS_DOWN = """
query($first: Int) {
  entities(first: $first) { edges { node { key relationships(first: 10) { edges { other { key
    history(first: 2) { edges { node { seq } } }
  } } } } } }
}
"""


def test_history_under_a_list_is_one_statement_for_every_entity(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]

    def trips(query: str, first: int) -> tuple[int, list[dict[str, Any]]]:
        before = db.round_trips
        data: list[dict[str, Any]] = gql(client, query, first=first)["entities"]["edges"]
        return int(db.round_trips - before), data

    few_trips, few = trips(HISTORY_IN_A_LIST, 2)
    many_trips, many = trips(HISTORY_IN_A_LIST, 50)
    # Every live entity of the seed graph (fewer than 50): the list, then every entity's history
    # in one statement, not one per entity.
    assert len(few) == 2 and len(many) > 40
    assert many_trips <= 2, f"{many_trips} round trips for the history of {len(many)} entities"
    assert few_trips <= many_trips
    found = {e["node"]["key"]: seqs(e["node"]["history"]) for e in many}
    assert found[VIAA] == [3, 6] and found[CAREERIA] == [1, 2]
    assert not any(found[key] for key in found if key not in (VIAA, CAREERIA))
    pages = {e["node"]["key"]: e["node"]["history"]["pageInfo"]["hasNextPage"] for e in many}
    assert pages[VIAA] is True and pages["lv-jelgava-city"] is False

    # A level down, about a hundred far ends: the list, the relationship pages, the histories.
    deep_trips, deep = trips(HISTORY_TWO_LEVELS_DOWN, 50)
    ends = [r["other"] for e in deep for r in e["node"]["relationships"]["edges"]]
    assert len(ends) > 50
    assert deep_trips <= 3, f"{deep_trips} round trips for the history of {len(ends)} far ends"
    assert all(seqs(end["history"]) == [3, 6] for end in ends if end["key"] == VIAA)
    assert any(end["key"] == VIAA for end in ends)


def test_a_load_keeps_the_history_reachable(store: CliStore, client: TestClient) -> None:
    # A load deletes and re-creates every curated entity (and so their CHANGED links); it links
    # every change again to the entities it names.
    async def load(db: Database) -> None:
        await load_seeds(db, discard_changes=True)

    run_db(store.conn, load)
    history = gql(client, HISTORY_QUERY, key=VIAA, first=10)["entity"]["history"]
    assert seqs(history) == [3, 6, 9, 12]
    assert seqs(changes(client, entity=CAREERIA)) == list(range(1, 13))

    async def links(db: Database) -> int:
        rows = await db.read("MATCH (:Change)-[r:CHANGED]->() RETURN count(r) AS n")
        return int(rows[0]["n"])

    # Once per change and entity, not again for the links a load leaves in place.
    assert run_db(store.conn, links) == LINKS
    run_db(store.conn, load)
    assert run_db(store.conn, links) == LINKS


def test_graph_stats_leave_the_change_links_out(store: CliStore) -> None:
    async def stats_without_links(db: Database) -> tuple[object, object]:
        linked = await stats_reads.graph_stats(db)
        await db.write("MATCH (:Change)-[r:CHANGED]->() DELETE r")
        try:
            unlinked = await stats_reads.graph_stats(db)
        finally:
            await _link_changes(db)
        return linked, unlinked

    linked, unlinked = run_db(store.conn, stats_without_links)
    assert linked == unlinked
    assert "CHANGED" not in dict(linked.relationship_types)  # type: ignore[attr-defined]


def test_the_cost_limit_weighs_changes_and_their_fields() -> None:
    def cost(query: str) -> int:
        spent = operation_cost(schema_types(schema), parse(query), None, None)
        assert spent is not None
        return spent

    page = cost("{ changes(first: 1000) { edges { node { fields { key } } } } }")
    # Counted at the largest page (100 changes) with their field changes: not almost nothing.
    assert page >= 100 * 100
    assert cost("{ changes(first: 100) { edges { node { key } } } }") >= 100
    assert page > 10 * cost("{ changes(first: 100) { edges { node { key } } } }")
    # Every entity of a page with its history's fields: over the limit.
    assert (
        cost("{ entities(first: 100) { edges { node { history { edges { node { fields { key } } } } } } } }")
        > MAX_COST
    )
    # An ordinary look at the log fits.
    assert cost("{ changes { edges { node { key author fields { field before after } } } } }") < MAX_COST


def test_history_of_everything_with_fields_is_refused_before_any_database_work(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    query = (
        "{ entities(first: 100) { edges { node { history(first: 100) "
        "{ edges { node { fields { key } } } } } } } }"
    )
    error = gql_error(client, query)
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert db.round_trips == before


def test_a_retracted_entitys_changes_stay_reachable(store: CliStore, client: TestClient) -> None:
    # A retraction takes the Entity label away: the changes are found from the Retracted node.
    gone = {**CHANGES[0], "id": "chg-77", "seq": 77, "entities": ["ee-gone"], "at": "2026-12-03T00:00:00Z"}

    async def add(db: Database) -> None:
        await db.write("CREATE (:Retracted {id: 'ee-gone', kind: 'organisation', name: 'Gone'})")
        await db.write("CREATE (c:Change) SET c = $change", {"change": gone})
        await _link_changes(db)

    async def remove(db: Database) -> None:
        await db.write("MATCH (c:Change {id: 'chg-77'}) DETACH DELETE c")
        await db.write("MATCH (n:Retracted {id: 'ee-gone'}) DETACH DELETE n")

    run_db(store.conn, add)
    try:
        assert seqs(changes(client, entity="ee-gone")) == [77]
        assert seqs(changes(client, entity="ee-gone", author="nobody")) == []
    finally:
        run_db(store.conn, remove)
