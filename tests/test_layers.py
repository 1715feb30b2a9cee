"""One test per layer boundary, each on the real store: graph/ returns typed records,
resolvers/ answer without HTTP, and the schema resolves a nested selection with one
statement per level whatever the number of results."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from graph import entities as entity_reads
from graph.database import Connection, Database
from graph.dates import FuzzyDate
from graph.records import EntityRecord, RelationshipOf
from resolvers import nested, relationships
from resolvers.arguments import time_filter
from tests.conftest import gql, run_db


def test_graph_returns_typed_records_with_parsed_dates(seeded: Connection) -> None:
    found = run_db(seeded, lambda db: entity_reads.entities_by_keys(db, ["lv-viaa"]))
    viaa = found["lv-viaa"]
    assert isinstance(viaa, EntityRecord)
    assert (viaa.kind, viaa.country, viaa.lang) == ("agency", "LV", "lv")
    assert viaa.sources and viaa.name

    async def relationships_of(db: Database) -> list[RelationshipOf]:
        ask = nested.relationship_window(None, None, (None, None), 100, None)
        [page] = await nested.relationship_pages(db, ask, ["lv-viaa"])
        return page.items

    dated = [
        item.relationship.validity.start
        for item in run_db(seeded, relationships_of)
        if item.relationship.validity.start is not None
    ]
    assert dated, "lv-viaa has dated relationships in the seeds"
    assert all(isinstance(d, FuzzyDate) for d in dated)
    assert all(d.first is not None and d.last is not None and d.first <= d.last for d in dated)


def test_a_resolver_answers_without_http(seeded: Connection) -> None:
    async def ask(db: Database) -> object:
        return await relationships.partners(
            db, "lv-viaa", None, None, time_filter(None, None, None), 200, 5, None
        )

    page = run_db(seeded, ask)
    assert page.items, "lv-viaa has partners in the seeds"  # type: ignore[attr-defined]
    for partner in page.items:  # type: ignore[attr-defined]
        assert isinstance(partner.entity, EntityRecord)
        assert partner.entity.key != "lv-viaa"
        assert partner.links


NESTED = """
query($key: String!, $first: Int!) {
  entity(key: $key) {
    relationships(first: $first) { edges { node { key sources { key } } other {
      key name
      relationships(first: $first) { edges { node { key sources { key } } other {
        key name
        relationships(first: $first) { totalCount edges { other { key name } } }
      } } }
    } } }
  }
}
"""


def _count(data: dict[str, object]) -> int:
    """Entities at the deepest level of NESTED."""
    level1 = data["entity"]["relationships"]["edges"]  # type: ignore[index]
    return sum(
        len(e2["other"]["relationships"]["edges"])
        for e1 in level1
        for e2 in e1["other"]["relationships"]["edges"]
    )


def _trips(client: TestClient, document: str, **variables: object) -> tuple[int, dict[str, Any]]:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    data = gql(client, document, **variables)
    return int(db.round_trips - before), data


def test_three_nested_levels_cost_the_same_round_trips_for_few_or_many_results(client: TestClient) -> None:
    def trips(first: int) -> tuple[int, int]:
        count, data = _trips(client, NESTED, key="lv-viaa", first=first)
        return count, _count(data)

    few_trips, few = trips(1)
    many_trips, many = trips(20)
    assert many > few, "the larger window must reach more entities for the test to mean anything"
    # The entity with its first two levels (far ends and sources included) in one statement; the
    # third level's pages and counts in one each. Fewer results may let DataLoaders merge batches:
    # the count may only be lower for fewer results, never higher for more.
    assert many_trips <= 3, f"{many_trips} round trips for {many} results"
    assert few_trips <= many_trips, f"{few_trips} round trips for {few} results, {many_trips} for {many}"


# The same two levels with the inner field selected through two fragments: the parent cannot read
# it ahead (it cannot tell which of them to read), so each level is read by its own statement.
LEVEL_BY_LEVEL = """
query($key: String!) {
  entity(key: $key) {
    relationships(first: 30) { edges { node { key } other {
      key name ...A ...B
    } } }
  }
}
fragment A on Entity { relationships(asOf: "2023-01-01", first: 2) { edges { other { key } } } }
fragment B on Entity { relationships(asOf: "2023-01-01", first: 2) { edges { node { key } } } }
"""
READ_AHEAD = """
query($key: String!) {
  entity(key: $key) {
    relationships(first: 30) { edges { node { key } other {
      key name
      relationships(asOf: "2023-01-01", first: 2) { edges { other { key } node { key } } }
    } } }
  }
}
"""


def test_levels_read_ahead_in_one_statement_answer_as_level_by_level(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]
    before = db.round_trips
    ahead = gql(client, READ_AHEAD, key="lv-viaa")
    ahead_trips = db.round_trips - before
    before = db.round_trips
    by_level = gql(client, LEVEL_BY_LEVEL, key="lv-viaa")
    assert ahead_trips == 1
    assert db.round_trips - before == 2
    assert ahead == by_level
    inner = [e["other"]["relationships"]["edges"] for e in ahead["entity"]["relationships"]["edges"]]
    assert any(len(edges) == 2 for edges in inner), "some far end must fill its window"


def test_a_field_asked_differently_per_type_keeps_each_window(client: TestClient) -> None:
    # One response key, `relationships`, asked with a different window on two types of far end:
    # each far end must get its own type's window (the windows read ahead are per field).
    around = gql(
        client,
        'query { entity(key: "ee-voru-education-network-project") { relationships(first: 100) { '
        "edges { other { __typename relationships { totalCount } } } } } }",
    )["entity"]["relationships"]["edges"]
    counts: dict[str, int] = {}
    for edge in around:
        other = edge["other"]
        counts[other["__typename"]] = max(
            counts.get(other["__typename"], 0), other["relationships"]["totalCount"]
        )
    busy = sorted(kind for kind, most in counts.items() if most >= 3)
    assert len(busy) >= 2, f"two kinds of neighbours with 3 or more relationships: {counts}"
    one, three = busy[:2]
    query = f"""
    query {{ entity(key: "ee-voru-education-network-project") {{ relationships(first: 100) {{
      edges {{ other {{ __typename
      ... on {one} {{ relationships(first: 1) {{ edges {{ other {{ key }} }} }} }}
      ... on {three} {{ relationships(first: 3) {{ edges {{ other {{ key }} }} }} }}
    }} }} }} }} }}
    """
    sizes: dict[str, int] = {}
    for edge in gql(client, query)["entity"]["relationships"]["edges"]:
        other = edge["other"]
        if "relationships" in other:
            kind = other["__typename"]
            sizes[kind] = max(sizes.get(kind, 0), len(other["relationships"]["edges"]))
    assert sizes == {one: 1, three: 3}


# A traversal that selects only the far ends' names reads only those (no relationship properties,
# no whole entities): it must answer as the same traversal asking for everything does.
TRAVERSAL = """
query($key: String!) {
  entity(key: $key) {
    relationships(first: 50) { edges { outgoing other {
      key name __typename
      relationships(first: 50) { edges { cursor other { key nameEn country } } }
    } } }
  }
}
"""
EVERYTHING = """
query($key: String!) {
  entity(key: $key) {
    relationships(first: 50) { edges { outgoing node { key kind role sources { key } } other {
      key name nameEn lang country subtype inferred synthetic aliases __typename
      relationships(first: 50) { edges { cursor node { key kind } other {
        key name nameEn lang country subtype inferred synthetic aliases
      } } }
    } } }
  }
}
"""


def _projected(value: object, shape: object) -> object:
    """`value` with only the keys `shape` has, at every depth."""
    if isinstance(shape, dict):
        assert isinstance(value, dict)
        return {k: _projected(value[k], v) for k, v in shape.items()}
    if isinstance(shape, list):
        assert isinstance(value, list) and len(value) == len(shape)
        return [_projected(v, s) for v, s in zip(value, shape, strict=True)]
    return value


def test_a_traversal_selecting_names_alone_answers_as_one_selecting_everything(client: TestClient) -> None:
    for key in ("lv-viaa", "ee-voru-education-network-project"):
        names = gql(client, TRAVERSAL, key=key)
        everything = gql(client, EVERYTHING, key=key)
        assert names == _projected(everything, names), key
        edges = names["entity"]["relationships"]["edges"]
        assert {e["outgoing"] for e in edges} == {True, False}, f"{key}: both directions in the seeds"
        assert any(e["other"]["relationships"]["edges"] for e in edges)


# The other lists under lists: a partner's links and their relationships' sources and ends, the
# partner's own relationships; a path's hops with their sources and ends.
PARTNERS = """
query($key: String!, $first: Int!) {
  partners(key: $key, first: $first) { edges {
    node { key name relationships(first: 3) { edges { node { key sources { key } } other { key name } } } }
    links { relationships { key sources { key title } from { name } to { name } } through { name } }
  } }
}
"""
# Four partners in the seeds, seven links between them.
PARTNERED = "ee-voru-education-network-project"
PATHS = """
query($from: String!, $to: String!, $first: Int!) {
  paths(from: $from, to: $to, maxLength: 4, first: $first) {
    nodes { key name }
    hops {
      relationship { key sources { key } }
      from { name relationships(first: 2) { edges { other { key } } } }
      to { name }
    }
  }
}
"""


def test_partners_and_paths_cost_the_same_round_trips_for_few_or_many_results(client: TestClient) -> None:
    few_trips, few = _trips(client, PARTNERS, key=PARTNERED, first=1)
    many_trips, many = _trips(client, PARTNERS, key=PARTNERED, first=20)
    partners = many["partners"]["edges"]
    assert len(partners) > 1 >= len(few["partners"]["edges"])
    assert sum(len(p["links"]) for p in partners) > len(partners), "some partner must have several links"
    assert many_trips == few_trips, (
        f"partners: {few_trips} round trips for one, {many_trips} for {len(partners)}"
    )

    paths = {"from": "lv-viaa", "to": "lv-university-of-latvia"}  # three paths of three hops
    few_trips, few = _trips(client, PATHS, first=1, **paths)
    many_trips, many = _trips(client, PATHS, first=10, **paths)
    found = many["paths"]
    assert len(found) > len(few["paths"]) == 1, "the pair must have several shortest paths"
    assert many_trips == few_trips, (
        f"paths: {few_trips} round trips for one path, {many_trips} for {len(found)}"
    )
