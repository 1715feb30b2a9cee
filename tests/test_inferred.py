"""Uncertainty stays visible (issue #12, items 5 and 7): every computed answer says what rests on
inferred things, and `includeInferred: false` leaves them out of the computation itself.

Nothing here names an inferred fact: the seeds change as curation goes on. Each test reads the
curated graph from the store, works out what the answer without inferred things must be, and
compares the API's strict answer with it (and the default answer's flags with the facts).
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.limits import Limits
from graph.database import Connection, Database
from graph.ontology import ACTOR_KINDS, KIND_LABELS
from tests.conftest import gql, run_db

NOT_CONNECTING = "['PUBLISHED_BY', 'DISTINCT_FROM', 'NAMES']"
PARTICIPATION = "['PARTICIPATES_IN', 'IMPLEMENTS', 'SUBMITS', 'COORDINATES', 'MEMBER_OF']"


@dataclass(frozen=True)
class Edge:
    key: str
    a: str
    b: str
    type: str
    inferred: bool


@dataclass
class Facts:
    """The curated graph as the store holds it, with every inferred flag."""

    kinds: dict[str, str]
    actors: set[str]
    guessed: set[str]  # inferred entities
    edges: list[Edge]
    memberships: list[dict[str, Any]] = field(default_factory=list)

    def edge_guessed(self, e: Edge) -> bool:
        return e.inferred or e.a in self.guessed or e.b in self.guessed

    @property
    def touched(self) -> set[str]:
        """Entities whose answers involve something inferred: inferred ones and their neighbours."""
        near = {k for e in self.edges if self.edge_guessed(e) for k in (e.a, e.b)}
        return near | self.guessed

    def neighbours(self) -> dict[str, set[str]]:
        return self._graph(stated=False)

    def stated_neighbours(self) -> dict[str, set[str]]:
        return self._graph(stated=True)

    def _graph(self, *, stated: bool) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {k: set() for k in self.kinds if not (stated and k in self.guessed)}
        for e in self.edges:
            if not (stated and self.edge_guessed(e)) and e.a != e.b:
                out[e.a].add(e.b)
                out[e.b].add(e.a)
        return out


async def _read_facts(db: Database) -> Facts:
    nodes = await db.read(
        "MATCH (n:Entity) WHERE coalesce(n.synthetic, false) = false "
        "RETURN n.id AS key, n.kind AS kind, n:Actor AS actor, coalesce(n.inferred, false) AS inferred"
    )
    edges = await db.read(
        f"MATCH (a:Entity)-[r]->(b:Entity) WHERE NOT type(r) IN {NOT_CONNECTING} "
        "AND coalesce(a.synthetic, false) = false "
        "RETURN r.id AS key, a.id AS a, b.id AS b, type(r) AS type, coalesce(r.inferred, false) AS inferred"
    )
    memberships = await db.read(
        f"MATCH (a:Actor)-[r]->(m:Project|Council|Event) WHERE type(r) IN {PARTICIPATION} "
        "AND m.kind IN ['project', 'council', 'event'] AND coalesce(m.synthetic, false) = false "
        "RETURN a.id AS a, m.id AS m, m.kind AS kind, coalesce(m.members, 0) AS size, "
        "coalesce(a.inferred, false) OR coalesce(r.inferred, false) OR coalesce(m.inferred, false) AS guessed"
    )
    return Facts(
        kinds={n["key"]: n["kind"] for n in nodes},
        actors={n["key"] for n in nodes if n["actor"]},
        guessed={n["key"] for n in nodes if n["inferred"]},
        edges=[Edge(e["key"], e["a"], e["b"], e["type"], e["inferred"]) for e in edges],
        memberships=memberships,
    )


# A small component beside the seeds with inferred things where each answer must change without
# them, so that the tests below never depend on what the curation leaves inferred. Written before
# these tests and removed after them; every key starts with PREFIX.
PREFIX = "zz-inferred-"
_NODES: list[tuple[str, str, bool, dict[str, Any]]] = [
    ("a", "organisation", False, {}),
    ("b", "organisation", False, {}),
    ("c", "organisation", False, {}),
    ("x", "organisation", False, {}),
    ("d", "organisation", False, {}),
    ("g", "organisation", True, {}),
    ("project", "project", False, {}),
    ("event", "event", True, {"start": "2021-05"}),
    ("region", "region", False, {}),
    ("school", "school", False, {"students": 300}),
    ("school2", "school", False, {"students": 200}),
    ("k", "person", False, {}),
    ("k2", "person", False, {}),
    ("project2", "project", False, {}),
    ("project3", "project", False, {}),
    ("target", "target", False, {"metric": "students_per_counsellor", "value": 400.0, "year": 2020}),
    ("target2", "target", False, {"metric": "students_per_counsellor", "value": 250.0, "year": 2021}),
]
_EDGES: list[tuple[str, str, str, bool, dict[str, Any]]] = [
    ("a", "COOPERATES_WITH", "b", True, {"start": "2019"}),
    ("b", "COOPERATES_WITH", "d", False, {}),
    ("a", "COOPERATES_WITH", "c", False, {"start": "2020"}),
    ("c", "COOPERATES_WITH", "x", False, {}),
    ("x", "COOPERATES_WITH", "d", False, {}),
    ("a", "PARTICIPATES_IN", "project", False, {}),
    ("c", "PARTICIPATES_IN", "project", True, {}),
    ("d", "PARTICIPATES_IN", "project", False, {}),
    ("g", "PARTICIPATES_IN", "project", False, {}),
    ("a", "PARTICIPATES_IN", "event", False, {}),
    ("d", "PARTICIPATES_IN", "event", False, {}),
    ("school", "LOCATED_IN", "region", False, {}),
    ("school2", "LOCATED_IN", "region", True, {}),
    ("k", "SERVES", "school", True, {"workload": 0.5}),
    ("k2", "SERVES", "school", False, {"workload": 0.5}),
    ("region", "PARTICIPATES_IN", "project3", False, {}),
    ("project3", "SETS_TARGET", "target", False, {}),
    ("school2", "PARTICIPATES_IN", "project2", False, {}),
    ("project2", "SETS_TARGET", "target2", False, {}),
]
_SOURCES = [("src", "a", "The publisher is the curator's guess."), ("src2", "g", None)]


def _first_day(props: dict[str, Any]) -> dict[str, Any]:
    """The indexed first possible day beside a stated start of a year or a month."""
    start = props.get("start")
    return {} if start is None else {"start_date": date.fromisoformat((start + "-01-01")[:10])}


async def _write_component(db: Database) -> None:
    for key, kind, inferred, extra in _NODES:
        label = KIND_LABELS[kind] + (":Actor" if kind in ACTOR_KINDS else "")
        props: dict[str, Any] = {"id": PREFIX + key, "kind": kind, "name": key, "name_en": key}
        props |= {"lang": "en", "country": "FI", "sources": [PREFIX + "src"], "inferred": inferred, **extra}
        if inferred:
            props["inferred_reason"] = "a test's guess"
        await db.write(f"CREATE (n:Entity:{label}) SET n = $props", {"props": props | _first_day(extra)})
    for a, type_, b, inferred, extra in _EDGES:
        relationship: dict[str, Any] = {
            "id": f"{PREFIX}{a}-{b}",
            "kind": type_.lower(),
            "sources": [PREFIX + "src"],
        }
        if inferred:
            relationship |= {"inferred": True, "inferred_reason": "a test's guess"}
        await db.write(
            f"MATCH (a:Entity {{id: $a}}) MATCH (b:Entity {{id: $b}}) "
            f"CREATE (a)-[r:{type_}]->(b) SET r = $props",
            {"a": PREFIX + a, "b": PREFIX + b, "props": relationship | extra | _first_day(extra)},
        )
    for key, publisher, reason in _SOURCES:
        source = {"id": PREFIX + key, "file": f"{key}.txt", "language": "en", "title_en": key}
        await db.write(
            "MATCH (p:Entity {id: $publisher}) CREATE (s:Source)-[r:PUBLISHED_BY]->(p) "
            "SET s = $source, r.sources = [$source.id], r.inferred_reason = $reason",
            {"publisher": PREFIX + publisher, "source": source, "reason": reason},
        )


async def _remove_component(db: Database) -> None:
    await db.write("MATCH (n) WHERE n.id STARTS WITH $prefix DETACH DELETE n", {"prefix": PREFIX})


@pytest.fixture(scope="module")
def component(seeded: Connection) -> Iterator[None]:
    run_db(seeded, _remove_component)
    run_db(seeded, _write_component)
    try:
        yield
    finally:
        run_db(seeded, _remove_component)


@pytest.fixture
def client(seeded: Connection) -> Iterator[TestClient]:
    """The real app, without the rate limit: these tests ask hundreds of questions in a row."""
    with TestClient(create_app(seeded, limits=Limits(rate_limit=0))) as test_client:
        yield test_client


@pytest.fixture
def facts(seeded: Connection, component: None) -> Facts:
    """The curated graph and the component above, as the store holds them."""
    return run_db(seeded, _read_facts)


def _walk(value: Any) -> list[dict[str, Any]]:
    """Every object in an answer that carries an `inferred` flag."""
    if isinstance(value, dict):
        here = [value] if "inferred" in value else []
        return here + [d for v in value.values() for d in _walk(v)]
    if isinstance(value, list):
        return [d for v in value for d in _walk(v)]
    return []


def assert_nothing_inferred(answer: Any) -> None:
    flagged = [d for d in _walk(answer) if d["inferred"]]
    assert flagged == [], f"inferred things in a strict answer: {flagged[:3]}"


PARTNERS = """
query($key: String!, $inc: Boolean!) {
  partners(key: $key, first: 100, maxGroupSize: 100000, includeInferred: $inc) {
    totalCount
    edges { inferred node { key inferred }
            links { via inferred through { key inferred } relationships { key inferred } } }
  }
}
"""


# Without the links' relationships the statement differs (graph.cypher.relationships' variants);
# the flags must not.
LEAN_PARTNERS = """
query($key: String!, $inc: Boolean!) {
  partners(key: $key, first: 100, maxGroupSize: 100000, includeInferred: $inc) {
    edges { inferred node { key } links { via inferred through { key } } }
  }
}
"""


def _flags(edges: list[dict[str, Any]]) -> Counter[tuple[str, bool, str, str | None, bool]]:
    return Counter(
        (e["node"]["key"], e["inferred"], link["via"], (link["through"] or {}).get("key"), link["inferred"])
        for e in edges
        for link in e["links"]
    )


def _stated_links(edges: list[dict[str, Any]]) -> dict[str, Counter[tuple[str, str | None]]]:
    kept: dict[str, Counter[tuple[str, str | None]]] = {}
    for edge in edges:
        links = Counter(
            (link["via"], (link["through"] or {}).get("key"))
            for link in edge["links"]
            if not link["inferred"]
        )
        if links:
            kept[edge["node"]["key"]] = links
    return kept


def test_partners_without_inferred_things_are_computed_without_them(client: TestClient, facts: Facts) -> None:
    seen_inferred = False
    for key in sorted(facts.actors):
        full = gql(client, PARTNERS, key=key, inc=True)["partners"]
        strict = gql(client, PARTNERS, key=key, inc=False)["partners"]
        assert_nothing_inferred(strict)
        for edge in full["edges"]:
            for link in edge["links"]:
                parts = [edge["node"], link["through"] or {"inferred": False}, *link["relationships"]]
                assert link["inferred"] == (key in facts.guessed or any(p["inferred"] for p in parts))
            assert edge["inferred"] == any(link["inferred"] for link in edge["links"])
            seen_inferred |= edge["inferred"]
        # Left out of the computation: the total and every partner's links are those without them.
        expected = {} if key in facts.guessed else _stated_links(full["edges"])
        assert _stated_links(strict["edges"]) == expected, key
        assert strict["totalCount"] == len(expected), key
        for inc, answer in ((True, full), (False, strict)):
            lean = gql(client, LEAN_PARTNERS, key=key, inc=inc)["partners"]
            assert _flags(lean["edges"]) == _flags(answer["edges"]), key
    assert seen_inferred, "some partner rests on an inferred fact in the seeds"


COMMON = """
query($keys: [String!]!, $inc: Boolean!) {
  commonPartners(keys: $keys, first: 100, includeInferred: $inc) {
    inferred node { key inferred }
    connections { key inferred links { via inferred through { key inferred } } }
  }
}
"""


def test_common_partners_without_inferred_things(client: TestClient, facts: Facts) -> None:
    stated_actors = sorted(facts.actors - facts.guessed)
    pairs = [(a, b) for a, b in itertools.combinations(stated_actors, 2) if {a, b} & facts.touched]
    for a, b in pairs[:40]:
        full = gql(client, COMMON, keys=[a, b], inc=True)["commonPartners"]
        strict = gql(client, COMMON, keys=[a, b], inc=False)["commonPartners"]
        assert_nothing_inferred(strict)
        expected = {
            c["node"]["key"]
            for c in full
            if all(any(not link["inferred"] for link in conn["links"]) for conn in c["connections"])
        }
        assert {c["node"]["key"] for c in strict} == expected, (a, b)
        for c in full:
            assert c["inferred"] == any(conn["inferred"] for conn in c["connections"])


PATHS = """
query($from: String!, $to: String!, $inc: Boolean!) {
  paths(from: $from, to: $to, maxLength: 6, first: 10, includeInferred: $inc) {
    length inferred nodes { key inferred }
    hops { inferred from { key } to { key } relationship { key inferred } }
  }
}
"""


def _distance(graph: dict[str, set[str]], a: str, b: str) -> int | None:
    if a not in graph or b not in graph:
        return None
    seen, queue = {a: 0}, deque([a])
    while queue:
        here = queue.popleft()
        for there in graph[here]:
            if there not in seen:
                seen[there] = seen[here] + 1
                queue.append(there)
    return seen.get(b)


def test_paths_without_inferred_things_are_the_shortest_stated_ones(client: TestClient, facts: Facts) -> None:
    stated, everything = facts.stated_neighbours(), facts.neighbours()
    stated_keys: dict[tuple[str, str], set[str]] = {}
    for e in facts.edges:
        if not facts.edge_guessed(e):
            stated_keys.setdefault((e.a, e.b), set()).add(e.key)
            stated_keys.setdefault((e.b, e.a), set()).add(e.key)
    pairs = {tuple(sorted((e.a, e.b))) for e in facts.edges if facts.edge_guessed(e) and e.a != e.b}
    # Around an inferred entity too: two of its neighbours, whose shortest path may run through it.
    for node in facts.guessed:
        pairs |= set(itertools.combinations(sorted(everything[node]), 2))
    for a, b in sorted(pairs):
        full = gql(client, PATHS, **{"from": a, "to": b, "inc": True})["paths"]
        strict = gql(client, PATHS, **{"from": a, "to": b, "inc": False})["paths"]
        assert_nothing_inferred(strict)
        assert {p["length"] for p in full} == {_distance(everything, a, b)}, (a, b)
        for path in full:
            assert path["inferred"] == any(h["inferred"] for h in path["hops"])
            assert any(n["inferred"] for n in path["nodes"]) <= path["inferred"]
        distance = _distance(stated, a, b)
        if distance is None or distance > 6:
            assert strict == [], (a, b)
            continue
        # The shortest stated paths, not the shortest paths with the inferred ones dropped.
        assert strict and {p["length"] for p in strict} == {distance}, (a, b)
        for path in strict:
            keys = [n["key"] for n in path["nodes"]]
            assert (keys[0], keys[-1]) == (a, b)
            for hop, (x, y) in zip(path["hops"], itertools.pairwise(keys), strict=True):
                assert (hop["from"]["key"], hop["to"]["key"]) == (x, y)
                assert hop["relationship"]["key"] in stated_keys[x, y]


NETWORK = """
query($center: String!, $inc: Boolean!) {
  network(center: $center, depth: 2, maxNodes: 500, includeInferred: $inc) {
    truncated inferred nodes { key inferred } edges { key source target inferred } nodeLink
  }
}
"""


def test_networks_without_inferred_things(client: TestClient, facts: Facts) -> None:
    stated = facts.stated_neighbours()
    for center in sorted(facts.touched - facts.guessed):
        full = gql(client, NETWORK, center=center, inc=True)["network"]
        strict = gql(client, NETWORK, center=center, inc=False)["network"]
        assert not strict["truncated"]
        assert_nothing_inferred({k: v for k, v in strict.items() if k != "nodeLink"})
        assert_nothing_inferred(strict["nodeLink"]["nodes"] + strict["nodeLink"]["links"])
        around = {center} | stated[center] | {far for near in stated[center] for far in stated[near]}
        assert {n["key"] for n in strict["nodes"]} == around, center
        among = {e.key for e in facts.edges if e.a in around and e.b in around and not facts.edge_guessed(e)}
        assert {e["key"] for e in strict["edges"]} == among
        guessed_edges = {e.key for e in facts.edges if facts.edge_guessed(e)}
        assert {e["key"] for e in full["edges"] if e["inferred"]} == {
            e["key"] for e in full["edges"] if e["key"] in guessed_edges
        }
        assert full["inferred"] == any(x["inferred"] for x in full["nodes"] + full["edges"])
        link_flags = {link["key"]: link["inferred"] for link in full["nodeLink"]["links"]}
        assert link_flags == {e["key"]: e["inferred"] for e in full["edges"]}


CO = """
query($inc: Boolean!) {
  coParticipation(via: [PROJECT, COUNCIL, EVENT], maxGroupSize: 50, first: 500, includeInferred: $inc) {
    weight inferred a { key } b { key }
  }
}
"""


def _pair_weights(facts: Facts, strict: bool) -> tuple[dict[tuple[str, str], int], set[tuple[str, str]]]:
    members: dict[str, dict[str, bool]] = {}  # group -> member -> only through inferred things
    for row in facts.memberships:
        if strict and row["guessed"]:
            continue
        group = members.setdefault(row["m"], {})
        group[row["a"]] = group.get(row["a"], True) and row["guessed"]
    weights: Counter[tuple[str, str]] = Counter()
    doubtful: set[tuple[str, str]] = set()
    for group in members.values():
        if not 2 <= len(group) <= 50:
            continue
        for a, b in itertools.combinations(sorted(group), 2):
            weights[a, b] += 1
            if group[a] or group[b]:
                doubtful.add((a, b))
    return dict(weights), doubtful


def test_co_participation_is_counted_without_inferred_things(client: TestClient, facts: Facts) -> None:
    for inc in (True, False, True):  # the cache keeps each answer apart
        pairs = gql(client, CO, inc=inc)["coParticipation"]
        weights, doubtful = _pair_weights(facts, strict=not inc)
        assert {(p["a"]["key"], p["b"]["key"]): p["weight"] for p in pairs} == weights
        assert {(p["a"]["key"], p["b"]["key"]) for p in pairs if p["inferred"]} == doubtful
        if not inc:
            assert_nothing_inferred(pairs)


BROKERS = """
query($inc: Boolean!) {
  brokers(synthetic: false, first: 100, includeInferred: $inc) {
    networkSize inferred brokers { key degree inferred }
  }
}
"""


def test_brokers_are_measured_without_inferred_things(client: TestClient, facts: Facts) -> None:
    stated, everything = facts.stated_neighbours(), facts.neighbours()
    touched = facts.touched
    for inc in (True, False, True):  # the cache keeps each answer apart
        ranking = gql(client, BROKERS, inc=inc)["brokers"]
        graph = everything if inc else stated
        assert ranking["networkSize"] == len(graph)
        assert {b["key"]: b["degree"] for b in ranking["brokers"]} == {
            key: len(graph[key]) for key in (b["key"] for b in ranking["brokers"])
        }
        assert ranking["inferred"] == (inc and bool(touched))
        assert {b["key"] for b in ranking["brokers"] if b["inferred"]} == (
            {b["key"] for b in ranking["brokers"]} & touched if inc else set()
        )


TIMELINE = """
query($key: String!, $inc: Boolean!) {
  timeline(key: $key, includeInferred: $inc) {
    change inferred event { key inferred }
    relationship { key inferred from { key inferred } to { key inferred } }
  }
}
"""


def test_timelines_without_inferred_things(client: TestClient, facts: Facts) -> None:
    for key in sorted(facts.touched):
        full = gql(client, TIMELINE, key=key, inc=True)["timeline"]
        strict = gql(client, TIMELINE, key=key, inc=False)["timeline"]
        assert_nothing_inferred(strict)

        def entry(item: dict[str, Any]) -> tuple[str, str, str | None]:
            return item["change"], item["relationship"]["key"], (item["event"] or {}).get("key")

        assert Counter(map(entry, strict)) == Counter(entry(i) for i in full if not i["inferred"]), key
        for item in full:
            rel = item["relationship"]
            parts = [rel, rel["from"], rel["to"], item["event"] or {"inferred": False}]
            assert item["inferred"] == any(p["inferred"] for p in parts), (key, item)


COVERAGE = """
query($key: String!, $inc: Boolean!) {
  counsellorCoverage(key: $key, includeInferred: $inc) {
    inferred schools { key inferred } targets { inferred target { key inferred } setBy { key } }
  }
}
"""


def test_counsellor_coverage_without_inferred_things(client: TestClient, facts: Facts) -> None:
    places = sorted(k for k, kind in facts.kinds.items() if kind in {"municipality", "region", "school"})
    for key in places:
        full = gql(client, COVERAGE, key=key, inc=True)["counsellorCoverage"]
        strict = gql(client, COVERAGE, key=key, inc=False)["counsellorCoverage"]
        assert_nothing_inferred(strict)

        def targets(answer: dict[str, Any], stated_only: bool) -> set[tuple[str, str]]:
            return {
                (t["target"]["key"], t["setBy"]["key"])
                for t in answer["targets"]
                if not (stated_only and t["inferred"])
            }

        assert targets(strict, False) == targets(full, True), key
        assert full["inferred"] == any(x["inferred"] for x in full["schools"] + full["targets"])


def _k(*names: str) -> list[str]:
    return [PREFIX + name for name in names]


def test_the_component_answers_change_as_they_must(client: TestClient, component: None) -> None:
    """Exact answers on the component: a shorter path, a partner, a pair's weight, a timeline
    entry, a school and a target that rest on inferred things give way to what is stated."""
    path = 'paths(from: "zz-inferred-b", to: "zz-inferred-c", first: 10, includeInferred: $inc) '
    path += "{ length inferred nodes { key } }"
    partners = 'partners(key: "zz-inferred-a", includeInferred: $inc) { totalCount edges { node { key } } }'
    timeline = (
        'timeline(key: "zz-inferred-a", includeInferred: $inc) { change inferred relationship { key } }'
    )
    coverage = (
        'counsellorCoverage(key: "zz-inferred-region", includeInferred: $inc) { students counsellorFte '
        "studentsPerCounsellor inferred schools { key inferred } targets { inferred target { key } } }"
    )
    query = f"query($inc: Boolean!) {{ {path} {partners} {timeline} {coverage} }}"
    full, strict = gql(client, query, inc=True), gql(client, query, inc=False)

    assert [(p["length"], p["inferred"]) for p in full["paths"]] == [(2, True)]
    assert [[n["key"] for n in p["nodes"]] for p in strict["paths"]] == [_k("b", "d", "x", "c")]

    assert sorted(e["node"]["key"] for e in full["partners"]["edges"]) == _k("b", "c", "d", "g")
    assert sorted(e["node"]["key"] for e in strict["partners"]["edges"]) == _k("c", "d")
    assert strict["partners"]["totalCount"] == 2

    assert sorted((t["change"], t["inferred"]) for t in full["timeline"]) == [
        ("EVENT", True),
        ("STARTED", False),
        ("STARTED", True),
    ]
    assert [t["relationship"]["key"] for t in strict["timeline"]] == [PREFIX + "a-c"]

    wide, narrow = full["counsellorCoverage"], strict["counsellorCoverage"]
    assert (wide["students"], wide["counsellorFte"], wide["inferred"]) == (500, 1.0, True)
    assert {s["key"]: s["inferred"] for s in wide["schools"]} == dict.fromkeys(_k("school", "school2"), True)
    assert {t["target"]["key"]: t["inferred"] for t in wide["targets"]} == {
        PREFIX + "target": False,
        PREFIX + "target2": True,
    }
    assert (narrow["students"], narrow["counsellorFte"], narrow["studentsPerCounsellor"]) == (300, 0.5, 600.0)
    assert [s["key"] for s in narrow["schools"]] == _k("school")
    assert [t["target"]["key"] for t in narrow["targets"]] == _k("target")


def test_a_pair_sharing_an_inferred_event_weighs_less_without_it(client: TestClient, component: None) -> None:
    query = """
    query($inc: Boolean!) {
      coParticipation(via: [PROJECT, EVENT], countries: [FI], first: 500, includeInferred: $inc) {
        weight inferred a { key } b { key } shared { key }
      }
    }
    """
    for inc, expected in ((True, (2, True)), (False, (1, False))):
        pairs = gql(client, query, inc=inc)["coParticipation"]
        [ad] = [p for p in pairs if (p["a"]["key"], p["b"]["key"]) == tuple(_k("a", "d"))]
        assert (ad["weight"], ad["inferred"]) == expected
    # c takes part in the project only by an inferred relationship, g is inferred itself.
    pairs = gql(client, query, inc=False)["coParticipation"]
    assert not {PREFIX + "c", PREFIX + "g"} & {p[end]["key"] for p in pairs for end in ("a", "b")}


def test_an_inferred_publisher_says_so(client: TestClient, component: None) -> None:
    query = "{ sources { key publisherInferred publisherInferredReason publisher { key } } }"
    found = {s["key"]: s for s in gql(client, query)["sources"]}
    assert found[PREFIX + "src"]["publisherInferred"] is True
    assert found[PREFIX + "src"]["publisherInferredReason"] == "The publisher is the curator's guess."
    # No reason on the link, but the publisher itself is inferred.
    assert found[PREFIX + "src2"]["publisherInferred"] is True
    assert found[PREFIX + "src2"]["publisher"] == {"key": PREFIX + "g"}


def test_include_inferred_null_is_the_default(client: TestClient) -> None:
    # `includeInferred: Boolean = true`: an explicit null asks for the default, not an error.
    fields = "{ edges { node { key } inferred } }"
    default = gql(client, f'query {{ partners(key: "lv-viaa") {fields} }}')
    nullable = f'query($i: Boolean) {{ partners(key: "lv-viaa", includeInferred: $i) {fields} }}'
    given = gql(client, nullable, i=None)
    assert given == default
    assert default["partners"]["edges"], "lv-viaa has partners in the seeds"
