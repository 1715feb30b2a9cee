"""Retracted things leave every answer unless asked for, and merged keys resolve to the survivor
(issue #13, item 1), through the real HTTP app and store.

The retracted things are written here as docs/SPEC's representation says a retraction leaves them
(a node with the single label Retracted, a relationship of type RETRACTED keeping its `kind`),
beside the seed graph, and removed afterwards: other tests count the seed graph. Every question is
asked before they are written and after, and must answer the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.limits import Limits
from graph.database import Connection, Database
from graph.ontology import RETRACTED_LABEL, RETRACTED_TYPE
from schema.types.common import global_id
from tests.conftest import gql, gql_error, run_db

PREFIX = "zz-retracted-"
AT = "2026-12-04T22:00:25.123456Z"
MINISTRY = "ee-ministry-of-education-and-research"
SOCIAL = "ee-ministry-of-social-affairs"
VIAA = "lv-viaa"
CAREERIA = "fi-careeria"
JELGAVA = "lv-jelgava-county-municipality"
JELGAVA_CITY = "lv-jelgava-city"
PROJECT = "lv-project-career-support-8-3-5-0-16-i-001"

GONE = PREFIX + "gone"  # retracted, merged into nothing
MERGED = PREFIX + "merged"  # merged into MIDDLE, itself merged into MINISTRY: two hops
MIDDLE = PREFIX + "middle"
MERGED_PROJECT = PREFIX + "project"  # merged into PROJECT
MERGED_VIAA = PREFIX + "viaa"  # merged into VIAA
LOOP_A, LOOP_B = PREFIX + "loop-a", PREFIX + "loop-b"  # merged into each other: names nothing


def _retracted_entity(key: str, kind: str, name: str, merged_into: str | None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": key,
        "kind": kind,
        "name": name,
        "name_en": name,
        "lang": "en",
        "country": "EE",
        "sources": ["src-000"],
        "search_names": [name.lower()],
        "search_key": name.lower(),
        "retracted_reason": "a test's retraction",
        "retracted_at": AT,
        "revision": 3,
    }
    if merged_into is not None:
        props["merged_into"] = merged_into
    return props


_ENTITIES = [
    # Named like a live entity, so that a search for it would find this one too.
    _retracted_entity(GONE, "agency", "VIAA zzqx duplicate", None),
    _retracted_entity(MERGED, "ministry", "Haridusministeerium zzqx", MIDDLE),
    _retracted_entity(MIDDLE, "ministry", "HTM zzqx", MINISTRY),
    _retracted_entity(MERGED_PROJECT, "project", "Karjeras zzqx", PROJECT),
    _retracted_entity(MERGED_VIAA, "agency", "Valsts izglitibas zzqx", VIAA),
    _retracted_entity(LOOP_A, "agency", "Loop A zzqx", LOOP_B),
    _retracted_entity(LOOP_B, "agency", "Loop B zzqx", LOOP_A),
]
# (from, to, kind, id): between two live entities, and between live ones and retracted ones.
_RELATIONSHIPS = [
    (MINISTRY, VIAA, "cooperates_with", PREFIX + "rel-live-ends"),
    (CAREERIA, GONE, "cooperates_with", PREFIX + "rel-gone"),
    (GONE, VIAA, "participates_in", PREFIX + "rel-gone-viaa"),
    (JELGAVA, MINISTRY, "participates_in", PREFIX + "rel-jelgava"),
    (MERGED, SOCIAL, "cooperates_with", PREFIX + "rel-merged"),
    (SOCIAL, PROJECT, "participates_in", PREFIX + "rel-project"),
]


async def _write(db: Database) -> None:
    for props in _ENTITIES:
        await db.write(f"CREATE (n:{RETRACTED_LABEL}) SET n = $props", {"props": props})
        # Linked to the search terms that exist (a retraction may leave them): no term is added,
        # which would count as a node.
        await db.write(
            f"MATCH (n:{RETRACTED_LABEL} {{id: $id}}) UNWIND $terms AS term "
            "MATCH (t:Term {text: term}) CREATE (t)-[:NAMES]->(n)",
            {"terms": props["search_key"].split(), "id": props["id"]},
        )
    for a, b, kind, key in _RELATIONSHIPS:
        props = {
            "id": key,
            "kind": kind,
            "sources": ["src-000"],
            "start": "2019",
            "retracted_reason": "misread",
            "retracted_at": AT,
            "revision": 2,
        }
        await db.write(
            f"MATCH (a {{id: $a}}) WHERE a:Entity OR a:{RETRACTED_LABEL} "
            f"MATCH (b {{id: $b}}) WHERE b:Entity OR b:{RETRACTED_LABEL} "
            f"CREATE (a)-[r:{RETRACTED_TYPE}]->(b) SET r = $props",
            {"a": a, "b": b, "props": props},
        )


async def _remove(db: Database) -> None:
    await db.write(
        f"MATCH ()-[r:{RETRACTED_TYPE}]->() WHERE r.id STARTS WITH $prefix DELETE r", {"prefix": PREFIX}
    )
    await db.write(
        f"MATCH (n:{RETRACTED_LABEL}) WHERE n.id STARTS WITH $prefix DETACH DELETE n", {"prefix": PREFIX}
    )


def _client(seeded: Connection) -> TestClient:
    # Without the rate limit: these tests ask many questions in a row.
    return TestClient(create_app(seeded, limits=Limits(rate_limit=0)))


REL_PAGE = "totalCount edges { node { key kind } other { key } }"

# Every kind of answer, asked of the entities the retracted things touch.
QUESTIONS: dict[str, str] = {
    "entity": f'{{ entity(key: "{MINISTRY}") {{ key name relationships(first: 100) {{ {REL_PAGE} }} }} }}',
    "entity, kinds": (
        f'{{ entity(key: "{CAREERIA}") {{ relationships(kinds: [COOPERATES_WITH, PARTICIPATES_IN]) '
        f"{{ {REL_PAGE} }} }} }}"
    ),
    "two levels": (
        f'{{ entity(key: "{VIAA}") {{ relationships(first: 50) {{ totalCount edges {{ other {{ key '
        f"relationships(first: 50) {{ {REL_PAGE} }} }} }} }} }} }}"
    ),
    "entities": ("{ entities(filter: {countries: [EE]}, first: 100) { totalCount edges { node { key } } } }"),
    "entities by kind": "{ entities(filter: {kinds: [AGENCY, MINISTRY]}, first: 100) { totalCount } }",
    "entities of a project": (
        f'{{ entities(filter: {{participatesIn: "{PROJECT}"}}) {{ totalCount edges {{ node {{ key }} }} }} }}'
    ),
    "search": '{ search(text: "viaa") { totalCount edges { node { key } rank } } }',
    "search, no term": '{ search(text: "zzqx") { totalCount edges { node { key } } } }',
    "search, ministry": '{ search(text: "haridusministeerium") { totalCount edges { node { key } } } }',
    "partners": (
        f'{{ partners(key: "{MINISTRY}", kinds: [COOPERATES_WITH, PARTICIPATES_IN, PARTY_TO]) '
        "{ totalCount edges { node { key } links { via relationships { key } } } } }"
    ),
    "partners of viaa": f'{{ partners(key: "{VIAA}") {{ totalCount edges {{ node {{ key }} }} }} }}',
    "common partners": (f'{{ commonPartners(keys: ["{MINISTRY}", "{SOCIAL}"]) {{ node {{ key }} }} }}'),
    "paths": (
        f'{{ paths(from: "{MINISTRY}", to: "{VIAA}", maxLength: 6, first: 5) '
        "{ length hops { to { key } relationship { key } } } }"
    ),
    "paths, stated": (
        f'{{ paths(from: "{JELGAVA}", to: "{MINISTRY}", maxLength: 6, first: 3, includeInferred: false) '
        "{ length hops { to { key } } } }"
    ),
    "network": (
        f'{{ network(center: "{MINISTRY}", depth: 2) '
        "{ nodes { key degree } edges { key source target } } }"
    ),
    "network of careeria": (
        f'{{ network(center: "{CAREERIA}", depth: 2) {{ nodes {{ key }} edges {{ key }} }} }}'
    ),
    "network, filtered": "{ network(filter: {countries: [EE, LV]}) { nodes { key } edges { key } } }",
    "timeline": f'{{ timeline(key: "{MINISTRY}") {{ change relationship {{ key }} other {{ key }} }} }}',
    "timeline of jelgava": f'{{ timeline(key: "{JELGAVA}") {{ change relationship {{ key }} }} }}',
    "brokers": "{ brokers(first: 20) { networkSize brokers { key degree } } }",
    "co-participation": "{ coParticipation(first: 50) { weight a { key } b { key } } }",
    "stats": (
        "{ graphStats { nodeCount relationshipCount labels { label count } "
        "relationshipTypes { type count } } }"
    ),
}


@pytest.fixture(scope="module")
def before(seeded: Connection) -> Iterator[dict[str, Any]]:
    """Every answer of QUESTIONS before the retracted things are written; they are there after."""
    run_db(seeded, _remove)
    with _client(seeded) as client:
        answers = {name: gql(client, query) for name, query in QUESTIONS.items()}
    run_db(seeded, _write)
    try:
        yield answers
    finally:
        run_db(seeded, _remove)


@pytest.fixture
def client(seeded: Connection, before: dict[str, Any]) -> Iterator[TestClient]:
    with _client(seeded) as test_client:
        yield test_client


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_retracted_things_leave_every_answer(client: TestClient, before: dict[str, Any], name: str) -> None:
    assert gql(client, QUESTIONS[name]) == before[name]


def test_the_retracted_things_are_there(seeded: Connection, before: dict[str, Any]) -> None:
    """The test above compares something: the store holds what it must leave out."""

    async def count(db: Database) -> tuple[int, int]:
        nodes = await db.read(
            f"MATCH (n:{RETRACTED_LABEL}) WHERE n.id STARTS WITH $p RETURN count(n) AS c", {"p": PREFIX}
        )
        rels = await db.read(
            f"MATCH ()-[r:{RETRACTED_TYPE}]->() WHERE r.id STARTS WITH $p RETURN count(r) AS c", {"p": PREFIX}
        )
        return int(nodes[0]["c"]), int(rels[0]["c"])

    assert run_db(seeded, count) == (len(_ENTITIES), len(_RELATIONSHIPS))


ENTITY = """
query($key: String!, $inc: Boolean) {
  entity(key: $key, includeRetracted: $inc) {
    __typename key kind name revision retraction { reason at mergedInto }
  }
}
"""


@pytest.mark.parametrize("key", [GONE, LOOP_A, PREFIX + "nothing"])
def test_a_retracted_key_answers_as_an_unknown_one(client: TestClient, key: str) -> None:
    error = gql_error(client, ENTITY, key=key)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["message"] == f"no entity with key {key!r}"
    # With relationships selected, the root read is another statement.
    query = "query($key: String!) { entity(key: $key) { key relationships { totalCount } } }"
    assert gql_error(client, query, key=key)["extensions"]["code"] == "NOT_FOUND"


def test_a_retracted_entity_when_asked_for(client: TestClient) -> None:
    found = gql(client, ENTITY, key=GONE, inc=True)["entity"]
    assert found == {
        "__typename": "Agency",
        "key": GONE,
        "kind": "AGENCY",
        "name": "VIAA zzqx duplicate",
        "revision": 3,
        "retraction": {"reason": "a test's retraction", "at": AT, "mergedInto": None},
    }
    merged = gql(client, ENTITY, key=MERGED, inc=True)["entity"]
    assert (merged["key"], merged["retraction"]["mergedInto"]) == (MERGED, MIDDLE)


def test_a_live_entity_has_no_retraction(client: TestClient) -> None:
    found = gql(client, ENTITY, key=MINISTRY, inc=True)["entity"]
    assert (found["key"], found["retraction"], found["revision"]) == (MINISTRY, None, 0)
    assert gql(client, ENTITY, key=MINISTRY)["entity"] == found


@pytest.mark.parametrize("key", [MERGED, MIDDLE])
def test_a_merged_key_resolves_to_the_survivor(client: TestClient, key: str) -> None:
    found = gql(client, ENTITY, key=key)["entity"]
    assert (found["key"], found["__typename"], found["retraction"]) == (MINISTRY, "Ministry", None)
    # And with its relationships read in the same statement, which finds no live entity first.
    query = (
        f"query($key: String!) {{ entity(key: $key) {{ key relationships(first: 100) {{ {REL_PAGE} }} }} }}"
    )
    assert gql(client, query, key=key) == gql(client, query, key=MINISTRY)


# (the field, a question with %s for the key, the merged key, its survivor)
MERGED_TWINS = [
    (
        "partners",
        '{ partners(key: "%s") { totalCount edges { node { key } links { via } } } }',
        MERGED,
        MINISTRY,
    ),
    (
        "commonPartners",
        '{ commonPartners(keys: ["%s", "' + JELGAVA_CITY + '"]) { node { key } } }',
        MERGED_VIAA,
        VIAA,
    ),
    (
        "paths",
        '{ paths(from: "%s", to: "' + JELGAVA + '", maxLength: 4, first: 5) { length hops { to { key } } } }',
        MERGED_VIAA,
        VIAA,
    ),
    (
        "paths",
        '{ paths(from: "' + JELGAVA + '", to: "%s", maxLength: 4, includeInferred: false) '
        "{ length hops { to { key } } } }",
        MERGED_VIAA,
        VIAA,
    ),
    ("network", '{ network(center: "%s") { nodes { key } edges { key } } }', MERGED, MINISTRY),
    (
        "network",
        '{ network(filter: {project: "%s"}) { nodes { key } edges { key } } }',
        MERGED_PROJECT,
        PROJECT,
    ),
    ("timeline", '{ timeline(key: "%s") { change relationship { key } other { key } } }', MERGED, MINISTRY),
    (
        "counsellorCoverage",
        '{ counsellorCoverage(key: "%s") { scope { key } students targets { target { key } } } }',
        MERGED,
        MINISTRY,
    ),
    (
        "entities",
        '{ entities(filter: {participatesIn: "%s"}) { totalCount edges { node { key } } } }',
        MERGED_PROJECT,
        PROJECT,
    ),
]


@pytest.mark.parametrize(
    ("field", "query", "merged", "survivor"),
    MERGED_TWINS,
    ids=[f"{t[0]}-{i}" for i, t in enumerate(MERGED_TWINS)],
)
def test_every_root_field_resolves_a_merged_key(
    client: TestClient, field: str, query: str, merged: str, survivor: str
) -> None:
    asked = gql(client, query % merged)
    assert asked == gql(client, query % survivor)
    assert asked[field], "an empty answer would compare nothing"


def test_a_key_merged_in_a_loop_names_nothing(client: TestClient) -> None:
    query = "query($key: String!) { partners(key: $key) { totalCount } }"
    assert gql_error(client, query, key=LOOP_A)["extensions"]["code"] == "NOT_FOUND"


RELATIONSHIPS = """
query($key: String!, $kinds: [RelationKind!], $inc: Boolean) {
  entity(key: $key, includeRetracted: true) {
    relationships(kinds: $kinds, includeRetracted: $inc, first: 100) {
      totalCount
      edges {
        node {
          key kind revision retraction { reason at mergedInto } from { key } to { key retraction { reason } }
        }
        other { key retraction { reason } }
      }
    }
  }
}
"""


def _edges(client: TestClient, key: str, **variables: Any) -> tuple[int, dict[str, dict[str, Any]]]:
    page = gql(client, RELATIONSHIPS, key=key, **variables)["entity"]["relationships"]
    return page["totalCount"], {e["node"]["key"]: e for e in page["edges"]}


def test_retracted_relationships_when_asked_for(client: TestClient) -> None:
    total, live = _edges(client, MINISTRY)
    assert not any(key.startswith(PREFIX) for key in live)
    total_with, every = _edges(client, MINISTRY, inc=True)
    assert set(every) - set(live) == {PREFIX + "rel-live-ends", PREFIX + "rel-jelgava"}
    assert total_with == total + 2
    retracted = every[PREFIX + "rel-live-ends"]
    assert retracted["node"] == {
        "key": PREFIX + "rel-live-ends",
        "kind": "COOPERATES_WITH",
        "revision": 2,
        "retraction": {"reason": "misread", "at": AT, "mergedInto": None},
        "from": {"key": MINISTRY},
        "to": {"key": VIAA, "retraction": None},
    }
    assert retracted["other"] == {"key": VIAA, "retraction": None}
    assert all(e["node"]["retraction"] is None and e["node"]["revision"] == 0 for e in live.values())


def test_retracted_relationships_of_the_kinds_asked_for(client: TestClient) -> None:
    _, cooperation = _edges(client, MINISTRY, inc=True, kinds=["COOPERATES_WITH"])
    assert PREFIX + "rel-live-ends" in cooperation
    assert PREFIX + "rel-jelgava" not in cooperation
    total, other = _edges(client, MINISTRY, inc=True, kinds=["PARTY_TO"])
    assert not any(key.startswith(PREFIX) for key in other)
    assert total == len(other)


def test_retracted_relationships_reach_retracted_entities(client: TestClient) -> None:
    _, careeria = _edges(client, CAREERIA, inc=True)
    gone = careeria[PREFIX + "rel-gone"]
    assert gone["other"] == {"key": GONE, "retraction": {"reason": "a test's retraction"}}
    assert gone["node"]["to"] == {"key": GONE, "retraction": {"reason": "a test's retraction"}}
    # A retracted entity has retracted relationships alone.
    assert _edges(client, GONE) == (0, {})
    total, own = _edges(client, GONE, inc=True)
    assert (total, set(own)) == (2, {PREFIX + "rel-gone", PREFIX + "rel-gone-viaa"})


def test_two_levels_with_retracted_relationships(client: TestClient) -> None:
    query = """
    query($key: String!) { entity(key: $key) { relationships(includeRetracted: true, first: 100) { edges {
        node { key }
        other {
          key relationships(includeRetracted: true) { totalCount edges { node { key } other { key } } }
        }
    } } } }
    """
    edges = gql(client, query, key=CAREERIA)["entity"]["relationships"]["edges"]
    [gone] = [e for e in edges if e["node"]["key"] == PREFIX + "rel-gone"]
    below = gone["other"]["relationships"]
    assert below["totalCount"] == 2
    assert {(e["node"]["key"], e["other"]["key"]) for e in below["edges"]} == {
        (PREFIX + "rel-gone", CAREERIA),
        (PREFIX + "rel-gone-viaa", VIAA),
    }
    # Retracted only below: the first level stays live.
    query = """
    query($key: String!) { entity(key: $key) { relationships(first: 100) { edges {
        node { key }
        other { key relationships(includeRetracted: true, first: 100) { edges { node { key } } } }
    } } } }
    """
    edges = gql(client, query, key=VIAA)["entity"]["relationships"]["edges"]
    assert not any(e["node"]["key"].startswith(PREFIX) for e in edges)
    below = {e["node"]["key"] for edge in edges for e in edge["other"]["relationships"]["edges"]}
    assert PREFIX + "rel-project" in below


def test_a_retracted_relationship_is_no_node(client: TestClient) -> None:
    query = "query($id: ID!) { node(id: $id) { id } }"
    relationship = global_id("Relationship", "\n".join((MINISTRY, VIAA, PREFIX + "rel-live-ends")))
    assert gql_error(client, query, id=relationship)["extensions"]["code"] == "NOT_FOUND"
    entity = global_id("Entity", GONE)
    assert gql_error(client, query, id=entity)["extensions"]["code"] == "NOT_FOUND"
