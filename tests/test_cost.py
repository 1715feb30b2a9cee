"""The cost limit: what a document costs (schema.cost), and refusals before any database work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import parse
from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.limits import Limits
from graph.database import Connection
from schema import schema
from schema.cost import MAX_COST, operation_cost, schema_types

GRJ = "application/graphql-response+json"


def cost(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> int | None:
    return operation_cost(schema_types(schema), parse(query), operation, variables)


def aliases(count: int, field: str) -> str:
    return "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }"


def levels(depth: int, first: int | str) -> str:
    """`depth` nested levels of `first` relationships each, from one entity."""
    inner = "key"
    for _ in range(depth):
        inner = f"relationships(first: {first}) {{ edges {{ other {{ {inner} }} }} }}"
    return f'{{ entity(key: "lv-viaa") {{ {inner} }} }}'


BROKERS = "brokers { brokers { key } }"
NETWORK = 'network(center: "lv-viaa") { nodes { key } edges { source } }'

# The README's research questions and the benchmark's nested shapes: ordinary questions, well
# under the default budget.
ORDINARY = [
    '{ partners(key: "ee-ministry-of-education-and-research") { edges { node { nameEn } since { text } '
    "links { via through { nameEn } relationships { kind sources { file } } } } } }",
    '{ paths(from: "lv-jelgava-county-municipality", to: "lv-viaa", maxLength: 4, first: 5) { length '
    "hops { to { key } relationship { kind validity { start { text } } sources { key } } } } }",
    '{ commonPartners(keys: ["lv-viaa", "lv-jelgava-city"]) { node { nameEn } '
    "connections { key links { via } } } }",
    "{ coParticipation(countries: [EE], maxGroupSize: 50) { weight a { nameEn } b { nameEn } "
    "shared { nameEn } } }",
    "{ brokers(first: 3) { brokers { actor { nameEn } degree betweenness } } }",
    '{ network(center: "lv-viaa", depth: 3, maxNodes: 500) { nodes { key } edges { source target } } }',
    levels(2, 100),
    levels(3, 20),
]


@pytest.mark.parametrize("query", ORDINARY)
def test_ordinary_questions_fit_the_default_budget(query: str) -> None:
    spent = cost(query)
    assert spent is not None
    assert spent < MAX_COST / 2, spent


def test_aliases_are_separate_executions_and_one_key_is_one() -> None:
    one = cost(f"{{ {BROKERS} }}")
    assert one is not None and one >= 10_000
    assert cost(aliases(3, BROKERS)) == 3 * one
    # The same response key twice is merged by execution: it runs once.
    assert cost(f"{{ {BROKERS} {BROKERS} }}") == one


def test_list_sizes_multiply_what_is_below_them() -> None:
    two, three = cost(levels(2, 100)), cost(levels(3, 100))
    assert two is not None and three is not None
    assert three > 50 * two > MAX_COST
    # From variables too: the same document costs what its variables ask for.
    document = levels(3, "$n").replace("{ entity", "query ($n: Int) { entity", 1)
    assert cost(document, {"n": 100}) == three
    assert cost(document, {"n": 5}) == cost(levels(3, 5))
    assert cost(document.replace("$n: Int", "$n: Int = 100"), {}) == three
    # Over the resolver's maximum it counts at the maximum: the resolver names the argument.
    assert cost(levels(1, 100_000)) == cost(levels(1, 100))


def test_fragments_count_where_they_are_spread() -> None:
    fragment = "fragment R on Entity { relationships(first: 100) { edges { other { key } } } }"
    spread_once = cost('{ entity(key: "x") { ...R } } ' + fragment)
    twice = cost('{ a: entity(key: "x") { ...R } b: entity(key: "y") { ...R } } ' + fragment)
    assert spread_once is not None and twice == 2 * spread_once
    nested = (
        "fragment R on Entity { relationships(first: 100) { edges { other { ...S } } } } "
        "fragment S on Entity { relationships(first: 100) { edges { other { ...T } } } } "
        "fragment T on Entity { relationships(first: 100) { edges { other { key } } } }"
    )
    assert cost('{ entity(key: "x") { ...R } } ' + nested) == cost(levels(3, 100))


def test_fragments_on_different_types_count_the_dearest() -> None:
    person = "... on Person { relationships(first: 50) { edges { other { key } } } }"
    school = "... on School { relationships(first: 100) { edges { other { key } } } }"
    both = cost(f'{{ entity(key: "x") {{ key {person} {school} }} }}')
    assert both == cost(f'{{ entity(key: "x") {{ key {school} }} }}')


def test_skipped_fields_and_introspection_are_free() -> None:
    query = "query ($no: Boolean!) { graphStats { nodeCount } brokers @include(if: $no) { networkSize } }"
    skipped = cost(query, {"no": False})
    assert cost(query, {"no": True}) == cost("{ graphStats { nodeCount } brokers { networkSize } }")
    assert skipped == cost("{ graphStats { nodeCount } }")
    assert cost("{ __schema { types { name fields { name type { name ofType { name } } } } } }") == 0


# --- through the app ------------------------------------------------------------------------


@pytest.fixture
def counted(client: TestClient) -> Iterator[tuple[TestClient, Any]]:
    yield client, client.app.state.db  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query",
    [aliases(30, BROKERS), aliases(30, NETWORK), levels(3, 100), aliases(10, "coParticipation { weight }")],
    ids=["30 brokers", "30 networks", "3 levels of 100", "10 co-participations"],
)
def test_cost_bombs_are_refused_before_any_database_work(counted: tuple[TestClient, Any], query: str) -> None:
    client, db = counted
    before = db.round_trips
    response = client.post("/graphql", json={"query": query}, headers={"Accept": GRJ})
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["budget"] == MAX_COST
    assert error["extensions"]["cost"] > MAX_COST
    assert f"{error['extensions']['cost']:,}" in error["message"]
    assert f"{MAX_COST:,}" in error["message"]
    assert db.round_trips == before, "no statement may run for a refused operation"
    legacy = client.post("/graphql", json={"query": query}, headers={"Accept": "application/json"})
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_variables_decide_the_cost_of_one_document(client: TestClient) -> None:
    document = levels(3, "$n").replace("{ entity", "query ($n: Int) { entity", 1)
    refused = client.post("/graphql", json={"query": document, "variables": {"n": 100}})
    assert refused.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    # graphql-core takes 100.0 for an Int: so must the cost, or the float is a way round it.
    as_float = client.post("/graphql", json={"query": document, "variables": {"n": 100.0}})
    assert as_float.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    answered = client.post("/graphql", json={"query": document, "variables": {"n": 2}})
    assert answered.status_code == 200, answered.text
    assert answered.json()["data"]["entity"]["relationships"]["edges"]


def test_an_argument_over_its_maximum_is_bad_input_not_a_cost(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": levels(1, 100_000)})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "first"


def test_the_budget_is_a_setting(seeded: Connection) -> None:
    stats = "{ graphStats { nodeCount } }"
    with TestClient(create_app(seeded, limits=Limits(max_query_cost=50))) as small:
        assert small.post("/graphql", json={"query": stats}).status_code == 200
        refused = small.post("/graphql", json={"query": levels(1, 100)}).json()["errors"][0]
        assert refused["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 102, "budget": 50}


def fan_out(levels: int) -> str:
    """A few hundred tokens whose fragments each spread the next twice: 2**levels fields."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return f"{{ ...F0 }} {fragments} fragment F{levels} on Query {{ graphStats {{ nodeCount }} }}"


def test_fragments_spread_exponentially_are_refused_before_validation(client: TestClient) -> None:
    # Strawberry's depth and alias limiters would walk 2**40 spreads on the event loop: the
    # worker would never answer again. Refused at once, by counting each fragment once.
    response = client.post("/graphql", json={"query": fan_out(40)}, headers={"Accept": GRJ})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "fragments" in error["message"]
    small = client.post("/graphql", json={"query": fan_out(3)})
    assert small.status_code == 200, small.text
    assert small.json()["data"]["graphStats"]["nodeCount"] > 0
