"""The query mix: sample inputs, the GraphQL documents, and the raw Cypher each resolver sends.

The raw side stays in step with the code by construction: for each input, the resolver function
behind the GraphQL field is run once (untimed) against a recording Database, which captures the
statements from graph.cypher and the parameters graph/*.py builds, including follow-up
statements (existence checks, BFS levels); the measurement then replays exactly those statements
through the driver. API / raw therefore measures the Python API's own cost.

The nested shapes are the exception: their raw side is the floor (bench/floors.py), the single
statement a careful person would write for the same answer, checked against the API's answer.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncDriver, Record, RoutingControl

import resolvers.entities
import resolvers.networks
import resolvers.relationships
from bench import floors
from graph.cypher import entities as c_entities
from graph.cypher import version as c_version
from graph.database import Database, Row
from graph.filters import TimeFilter
from graph.text import fold
from resolvers.cache import VersionedCache

DATABASE = "coopgraph"
COUNTRIES = ("EE", "LV", "FI")
SHARED_DEFAULT = ["project", "council"]  # coParticipation's default `via`
NETWORK_DEPTH = 2
NETWORK_MAX_NODES = 200
PAGE = 10


async def run(driver: AsyncDriver, statement: LiteralString, params: dict[str, Any]) -> list[Record]:
    records, _, _ = await driver.execute_query(
        statement, params, database_=DATABASE, routing_=RoutingControl.READ
    )
    return list(records)


@dataclass
class Samples:
    """Inputs picked deterministically (random.Random(42)) from the graph being measured."""

    actors: list[str]  # random synthetic actors, plus a few of each kind below
    municipalities: list[str]
    path_pairs: list[tuple[str, str]]
    common_pairs: list[tuple[str, str]]
    search_terms: list[str]
    country: str
    # The actors with a COOPERATES_WITH relationship: the two-level cooperation shapes' inputs.
    cooperators: list[str] = field(default_factory=list)
    # Filled while measuring: keys the cached answers name (for the raw equivalent).
    co_keys: list[str] = field(default_factory=list)
    broker_keys: list[str] = field(default_factory=list)


_SYNTHETIC_ACTORS: LiteralString = (
    "MATCH (n:Actor) WHERE n.synthetic = true RETURN n.id AS id, n.kind AS kind, n.name AS name"
)
_TWO_HOPS: LiteralString = (
    "MATCH (a:Entity {id: $key})-[r1]-(m:Entity)-[r2]-(b:Actor) "
    "WHERE b.id <> $key AND NOT type(r1) IN ['PUBLISHED_BY', 'DISTINCT_FROM'] "
    "AND NOT type(r2) IN ['PUBLISHED_BY', 'DISTINCT_FROM'] "
    "WITH DISTINCT b.id AS id ORDER BY id LIMIT 200 RETURN id"
)
_COOPERATORS: LiteralString = (
    "UNWIND $keys AS key MATCH (n:Entity {id: key}) "
    "WHERE EXISTS { MATCH (n)-[:COOPERATES_WITH]-(:Entity) } RETURN n.id AS id"
)


def _search_term(rng: random.Random, name: str) -> str:
    words = [w for w in fold(name).split() if len(w) >= 4 and not w.isdigit()]
    if not words:
        return fold(name)[:4]
    word = rng.choice(words)
    return word[: rng.randint(3, min(6, len(word)))]


async def pick_samples(driver: AsyncDriver, *, seed: int = 42, count: int = 200) -> Samples:
    rng = random.Random(seed)  # noqa: S311 - reproducible inputs, not secrets
    rows = sorted((r["id"], r["kind"], r["name"]) for r in await run(driver, _SYNTHETIC_ACTORS, {}))
    if len(rows) < 20:
        raise RuntimeError("no synthetic actors in the graph: run `coopgraph synth` first")
    by_kind: dict[str, list[str]] = {}
    for key, kind, _ in rows:
        by_kind.setdefault(kind, []).append(key)
    actors = [row[0] for row in rng.sample(rows, min(count, len(rows)))]
    for kind in ("agency", "ministry", "school", "municipality"):
        pool = by_kind.get(kind, [])
        actors += rng.sample(pool, min(5, len(pool)))
    rng.shuffle(actors)
    municipalities = rng.sample(by_kind["municipality"], min(50, len(by_kind["municipality"])))
    path_pairs = [(a, b) for a, b in (rng.sample(actors, 2) for _ in range(100))]
    common_pairs: list[tuple[str, str]] = []
    for key in actors:
        if len(common_pairs) >= 50:
            break
        near = [r["id"] for r in await run(driver, _TWO_HOPS, {"key": key})]
        if near:
            common_pairs.append((key, rng.choice(near)))
    named = rng.sample(rows, min(100, len(rows)))
    terms = [_search_term(rng, name) for _, _, name in named]
    country = rng.choice(COUNTRIES)
    # Not a draw: the same actors, those that cooperate (about half: persons do not). An actor with
    # none answers empty, which would time a request's fixed cost rather than a traversal.
    found = {r["id"] for r in await run(driver, _COOPERATORS, {"keys": actors})}
    cooperators = [key for key in actors if key in found]
    return Samples(
        actors=actors,
        municipalities=municipalities,
        path_pairs=path_pairs,
        common_pairs=common_pairs,
        search_terms=terms,
        country=country,
        cooperators=cooperators,
    )


Variables = dict[str, Any]
Steps = list[tuple[LiteralString, dict[str, Any]]]


@dataclass(frozen=True)
class Query:
    """One entry of the mix: the request for input i, and the raw Cypher for the same input."""

    name: str
    document: str
    variables: Callable[[Samples, int], Variables]
    # Sends, through a Database, what the resolver sends for input i (captured, then replayed raw).
    raw: Callable[[Database, Samples, int], Awaitable[object]]
    heavy: bool = False
    cached: bool = False  # first call computes, later calls are served from the cache
    # For a floor (bench/floors.py): whether the API's answer and the raw rows are the same answer,
    # else what differs.
    same: Callable[[dict[str, Any], object], str | None] | None = None

    @property
    def floor(self) -> bool:
        """The raw side is the one-statement floor, not the resolver's own statements."""
        return self.same is not None


def _pick(items: Sequence[Any], i: int) -> Any:
    return items[i % len(items)]


class Recorder(Database):
    """A real Database that also records every statement and its parameters, in order."""

    def __init__(self, driver: AsyncDriver) -> None:
        super().__init__(driver, DATABASE)
        self.steps: Steps = []

    async def read(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        self.steps.append((query, dict(params or {})))
        return await super().read(query, params)


async def capture(driver: AsyncDriver, work: Callable[[Database], Awaitable[object]]) -> Steps:
    """Run a resolver once against the store (untimed) and return the statements it sent."""
    recorder = Recorder(driver)
    await work(recorder)
    return recorder.steps


async def replay(driver: AsyncDriver, steps: Steps) -> None:
    """The raw side of a measurement: the recorded statements, same parameters, same order."""
    for statement, params in steps:
        await run(driver, statement, params)


NO_WHEN = TimeFilter()
# The GraphQL API's default maxGroupSize for partners and common partners (schema/query.py).
API_GROUP_DEFAULT = 200


def call(function: Callable[..., Awaitable[object]], **arguments: object) -> Awaitable[object]:
    """Call a resolver by parameter name, leaving out arguments it no longer takes (the resolvers
    change while they are being optimised); a new required parameter fails loudly."""
    known = inspect.signature(function).parameters
    return function(**{name: value for name, value in arguments.items() if name in known})


def _lookup(db: Database, s: Samples, i: int) -> Awaitable[object]:
    return call(resolvers.entities.entity, db=db, key=_pick(s.actors, i))


def _search(db: Database, s: Samples, i: int) -> Awaitable[object]:
    return call(
        resolvers.entities.search,
        db=db,
        text=_pick(s.search_terms, i),
        kinds=None,
        countries=None,
        first=PAGE,
        after=None,
        with_total=False,
    )


def _partners(db: Database, s: Samples, i: int) -> Awaitable[object]:
    return call(
        resolvers.relationships.partners,
        db=db,
        key=_pick(s.actors, i),
        via=None,
        kinds=None,
        when=NO_WHEN,
        max_group=API_GROUP_DEFAULT,
        first=PAGE,
        after=None,
        with_relationships=False,  # as the API does: PARTNERS selects the links' kinds alone
    )


def _paths(db: Database, s: Samples, i: int) -> Awaitable[object]:
    a, b = _pick(s.path_pairs, i)
    return call(resolvers.relationships.paths, db=db, from_key=a, to_key=b, max_length=6, kinds=None, first=1)


def _common(db: Database, s: Samples, i: int) -> Awaitable[object]:
    return call(
        resolvers.relationships.common_partners,
        db=db,
        keys=list(_pick(s.common_pairs, i)),
        via=None,
        kinds=None,
        when=NO_WHEN,
        max_group=API_GROUP_DEFAULT,
        first=PAGE,
        with_relationships=False,  # as the API does: COMMON selects the links' kinds alone
    )


def _network(db: Database, s: Samples, i: int) -> Awaitable[object]:
    return call(
        resolvers.networks.network,
        db=db,
        center=_pick(s.actors, i),
        depth=NETWORK_DEPTH,
        kinds=None,
        countries=None,
        project=None,
        when=NO_WHEN,
        max_nodes=NETWORK_MAX_NODES,
    )


def _coverage(db: Database, s: Samples, i: int) -> Awaitable[object]:
    return call(
        resolvers.networks.coverage, db=db, key=_pick(s.municipalities, i), target_ratio=None, when=NO_WHEN
    )


def co_participation_uncached(db: Database, s: Samples) -> Awaitable[object]:
    """With a fresh cache: the data version, then the computation's own statements (the API's
    defaults: via project and council, minShared 1, maxGroupSize 50, first 50)."""
    return call(
        resolvers.networks.co_participation,
        db=db,
        cache=VersionedCache(),
        via=SHARED_DEFAULT,
        countries=[s.country],
        kinds=None,
        when=NO_WHEN,
        min_shared=1,
        max_group=50,
        first=50,
    )


def brokers_uncached(db: Database, s: Samples) -> Awaitable[object]:
    return call(
        resolvers.networks.brokers,
        db=db,
        cache=VersionedCache(),
        countries=[s.country],
        kinds=None,
        synthetic=None,
        when=NO_WHEN,
        first=10,
    )


async def _co_participation_cached(db: Database, s: Samples, i: int) -> object:
    """What a cache hit still sends: the data version, then the entities it names (DataLoader)."""
    await db.read(c_version.GRAPH_VERSION)
    return await db.read(c_entities.ENTITIES_BY_KEYS, {"keys": s.co_keys})


async def _brokers_cached(db: Database, s: Samples, i: int) -> object:
    await db.read(c_version.GRAPH_VERSION)
    return await db.read(c_entities.ENTITIES_BY_KEYS, {"keys": s.broker_keys})


LOOKUP = Query(
    "lookup by key",
    "query($key: String!) { entity(key: $key) { key name kind country } }",
    lambda s, i: {"key": _pick(s.actors, i)},
    _lookup,
)
SEARCH = Query(
    "search",
    "query($text: String!) { search(text: $text, first: 10) { edges { node { key name } } } }",
    lambda s, i: {"text": _pick(s.search_terms, i)},
    _search,
)
PARTNERS = Query(
    "partners first page",
    "query($key: String!) { partners(key: $key, first: 10) "
    "{ totalCount edges { node { key name } links { via } } } }",
    lambda s, i: {"key": _pick(s.actors, i)},
    _partners,
)
PATHS = Query(
    "paths <= 6 hops",
    "query($from: String!, $to: String!) { paths(from: $from, to: $to, maxLength: 6) { length } }",
    lambda s, i: {"from": _pick(s.path_pairs, i)[0], "to": _pick(s.path_pairs, i)[1]},
    _paths,
    heavy=True,
)
COMMON = Query(
    "common partners",
    "query($keys: [String!]!) { commonPartners(keys: $keys, first: 10) "
    "{ node { key name } connections { key links { via } } } }",
    lambda s, i: {"keys": list(_pick(s.common_pairs, i))},
    _common,
    heavy=True,
)
NETWORK = Query(
    "network depth 2",
    "query($center: String!) { network(center: $center, depth: 2, maxNodes: 200) "
    "{ nodes { key } edges { source target } } }",
    lambda s, i: {"center": _pick(s.actors, i)},
    _network,
    heavy=True,
)
# The same network as one JSON value: what a drawing client would ask for.
NETWORK_NODE_LINK = Query(
    "network depth 2, node-link JSON",
    "query($center: String!) { network(center: $center, depth: 2, maxNodes: 200) { nodeLink } }",
    lambda s, i: {"center": _pick(s.actors, i)},
    _network,
    heavy=True,
)
CO_PARTICIPATION = Query(
    "co-participation (country)",
    "query($countries: [Country!]) { coParticipation(countries: $countries) "
    "{ weight a { key name } b { key name } } }",
    lambda s, i: {"countries": [s.country]},
    _co_participation_cached,
    cached=True,
)
BROKERS = Query(
    "brokers (country)",
    "query($countries: [Country!]) { brokers(countries: $countries, first: 10) "
    "{ networkSize exact brokers { key degree betweenness actor { key name } } } }",
    lambda s, i: {"countries": [s.country]},
    _brokers_cached,
    cached=True,
)
COVERAGE = Query(
    "counsellor coverage",
    "query($key: String!) { counsellorCoverage(key: $key) "
    "{ students counsellorFte studentsPerCounsellor targets { studentsPerCounsellor meets } } }",
    lambda s, i: {"key": _pick(s.municipalities, i)},
    _coverage,
    heavy=True,
)


# Nested selections (issue #10): the API's whole route against the floor (bench/floors.py).
def _two_levels(first: int) -> Query:
    return Query(
        f"nested cooperation, 2 levels x first {first}",
        f"query($key: String!) {{ entity(key: $key) {{ "
        f"relationships(kinds: [COOPERATES_WITH], first: {first}) {{ edges {{ other {{ "
        f"relationships(kinds: [COOPERATES_WITH], first: {first}) {{ edges {{ other {{ key name }} }} }} "
        "} } } } }",
        lambda s, i: {"key": _pick(s.cooperators, i)},
        lambda db, s, i: db.read(
            floors.TWO_LEVELS_COOPERATION, {"key": _pick(s.cooperators, i), "first": first}
        ),
        same=floors.same_two_levels,
    )


NESTED_100 = _two_levels(100)
NESTED_20 = _two_levels(20)
NESTED_RELATIONSHIPS = Query(
    "nested 20 relationships, sources, other end",
    "query($key: String!) { entity(key: $key) { relationships(first: 20) { edges { "
    "node { key kind sources { key title } } other { key name nameEn } } } } }",
    lambda s, i: {"key": _pick(s.actors, i)},
    lambda db, s, i: db.read(floors.RELATIONSHIPS_WITH_SOURCES, {"key": _pick(s.actors, i), "first": 20}),
    same=floors.same_relationships,
)

MIX: tuple[Query, ...] = (
    LOOKUP,
    SEARCH,
    PARTNERS,
    PATHS,
    COMMON,
    NETWORK,
    NETWORK_NODE_LINK,
    CO_PARTICIPATION,
    BROKERS,
    COVERAGE,
    NESTED_100,
    NESTED_20,
    NESTED_RELATIONSHIPS,
)
QUERY_NAMES: tuple[str, ...] = tuple(q.name for q in MIX)
