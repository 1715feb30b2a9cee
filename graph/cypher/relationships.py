"""Relationship questions: an entity's relationships, partners, common partners, paths."""

import functools
from typing import Final, NamedTuple

from graph.cypher.fragments import (
    INTERMEDIARY_LABELS,
    guessed,
    rel_map,
    source_publisher,
    stated,
    valid,
)
from graph.ontology import RELATION_TYPES, RETRACTED_LABEL, RETRACTED_TYPE
from graph.records import EntityRecord


class Level(NamedTuple):
    """The shape of one level of RELATIONSHIPS_OF; each is a variant of the statement."""

    # The other end's key, kind and these of its properties (graph.records' EntityRecord.LEAN,
    # which have the same names); None: all of its properties.
    other: tuple[str, ...] | None
    bare: bool  # the relationship's key and type alone
    timed: bool  # filtered by time ($asOf<i>, $from<i>, $to<i>)
    sources: bool  # each relationship's sources read along
    # RETRACTED relationships of the kinds asked for too ($kinds<i>), and retracted far ends
    retracted: bool = False
    # The relationship types asked for, named in the pattern (values of graph.ontology's
    # RELATION_TYPES, a closed table), which the store then expands alone: a hub's other
    # relationships are not read to be tested (at M, a two-level traversal's statement -15%).
    # None: every type, or a retracted level (tested by $types<i>, $kinds<i>).
    types: tuple[str, ...] | None = None


# What is read of the other end when nothing but its names is selected: a hub's page of full
# property maps costs more to decode than to find, and a traversal's thousands of far ends cost
# by the property. A map literal, not a map projection: the embedded store returns a projection
# nested in a collected map in place of the outer map.
# The record fields of a lean read are stored under their own names.
_LEAN: Final = frozenset(EntityRecord.LEAN)


def _lean(var: str, other: tuple[str, ...]) -> str:
    assert _LEAN.issuperset(other)  # a closed set: these become property names
    return "{" + ", ".join(f"{p}: {var}.{p}" for p in ("id", "kind", *other)) + "}"


_TYPES: Final = frozenset(RELATION_TYPES.values())


def _bare(var: str) -> str:
    """rel_map's shape with the relationship's key and type alone: its ends' keys cost a tenth of
    a two-level traversal's statement."""
    return f"{{r: {{id: {var}.id}}, type: type({var})}}"


def _flat(r: str, m: str, other: tuple[str, ...]) -> str:
    """A bare relationship and a lean far end as one flat map (a traversal's usual item): the
    far end's fields under their own names, the relationship's key as `rid` and its type. At M,
    paired against the nested maps, a two-level traversal's statement took 15% less at p50 and
    21% less at p95 (less to build in the store and to decode here)."""
    assert _LEAN.issuperset(other) and not {"rid", "type", "sources", "below"} & set(other)
    return ", ".join([f"rid: {r}.id", f"type: type({r})", *(f"{p}: {m}.{p}" for p in ("id", "kind", *other))])


def _sources(i: int) -> str:
    r, s, p, pb = f"r{i}", f"s{i}", f"p{i}", f"pb{i}"
    return (
        f"CALL ({r}) {{ UNWIND coalesce({r}.sources, []) AS sid{i} MATCH ({s}:Source {{id: sid{i}}}) "
        f"OPTIONAL MATCH ({s})-[{pb}:PUBLISHED_BY]->({p}:Entity) "
        f"RETURN collect({{s: properties({s}), {source_publisher(pb, p, ': ')}}}) AS sources{i} }} "
    )


def _kinds(r: str, level: str, retracted: bool) -> str:
    """The relationship `r` is of the types asked for ($types<level>, null: every kind). A RETRACTED
    one is of the kinds asked for (its `kind`, $kinds<level>), and only taken when `retracted`."""
    types, kinds = f"$types{level}", f"$kinds{level}"
    if retracted:
        return (
            f"({types} IS NULL OR type({r}) IN {types} "
            f"OR (type({r}) = '{RETRACTED_TYPE}' AND ({kinds} IS NULL OR {r}.kind IN {kinds})))"
        )
    return f"(type({r}) IN {types} OR ({types} IS NULL AND type({r}) <> '{RETRACTED_TYPE}'))"


def _page(levels: tuple[Level, ...], i: int) -> str:
    """Level i's page for each entity of level i - 1, ordered and windowed in the database, with
    the deeper levels nested inside it (`below`)."""
    other, bare, timed, sources, retracted, types = levels[i]
    parent, r, m = ("n" if i == 0 else f"m{i - 1}"), f"r{i}", f"m{i}"
    if bare and other is not None:
        item = [_flat(r, m, other)]
    else:
        item = [
            f"rel: {_bare(r) if bare else rel_map(r, retracted)}",
            f"other: properties({m})" if other is None else f"other: {_lean(m, other)}",
        ]
    body = ""
    if sources:
        body += _sources(i)
        item.append(f"sources: sources{i}")
    if i + 1 < len(levels):
        body += _page(levels, i + 1)
        item.append(f"below: items{i + 1}")
    conditions = [valid(r, str(i))] if timed else []
    pattern = r
    if types is None or retracted:
        conditions.insert(0, _kinds(r, str(i), retracted))
    else:
        assert _TYPES.issuperset(types)  # a closed set: these become relationship types
        pattern = f"{r}:{'|'.join(types)}"
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    ends = f"Entity|{RETRACTED_LABEL}" if retracted else "Entity"
    return (
        f"CALL ({parent}) {{ MATCH ({parent})-[{pattern}]-({m}:{ends}) "
        f"{where}"
        f"WITH {r}, {m} ORDER BY coalesce({r}.start_date, date('0001-01-01')), type({r}), {m}.id, {r}.id "
        f"SKIP $skip{i} LIMIT $limit{i} {body}"
        f"RETURN collect({{{', '.join(item)}}}) AS items{i} }} "
    )


# Per entity, one page of its relationships with the entity at the other end, and (`levels`
# deep) the same question of every other end: a nested selection's levels in one statement,
# batched over every entity of the first level (a DataLoader); `with_entity` reads the entities
# themselves along, for a root field. Deeper levels are read by their own statement: each level
# multiplies the variants (a shape per selection of the far end's names, built on first use and
# kept while in use: clients ask a handful, and one that asks every subset cannot grow memory).
MAX_LEVELS: Final = 2


@functools.lru_cache(maxsize=512)
def relationships_of(levels: tuple[Level, ...], with_entity: bool) -> str:
    assert 1 <= len(levels) <= MAX_LEVELS
    entity = ", properties(n) AS entity" if with_entity else ""
    # A retracted entity has RETRACTED relationships alone: only a level that wants them looks for it.
    labels = f"Entity|{RETRACTED_LABEL}" if levels[0].retracted else "Entity"
    return f"UNWIND $keys AS key MATCH (n:{labels} {{id: key}}) {_page(levels, 0)}RETURN key, items0{entity}"


# Every piece of the variants above, for the Neo4j linter (tests/test_cypher_lint.py): linting all
# of them would take hours, and a variant is only these pieces put together.
_BARE = Level(other=None, bare=False, timed=False, sources=False)
_FULL = Level(other=tuple(sorted(_LEAN)), bare=False, timed=True, sources=True)
_TRAVERSED = Level(other=("name",), bare=True, timed=False, sources=False, types=("COOPERATES_WITH",))
_TYPED = Level(other=None, bare=False, timed=True, sources=True, types=("MEMBER_OF", "PART_OF"))
_RETRACTED = Level(other=None, bare=False, timed=True, sources=True, retracted=True)
RELATIONSHIPS_OF: Final[dict[str, str]] = {
    "one level, bare": relationships_of((_BARE,), False),
    "one level, everything": relationships_of((_FULL,), True),
    "two levels, bare": relationships_of((_BARE, _BARE), False),
    "two levels, everything": relationships_of((_FULL, _FULL), True),
    "two levels, mixed": relationships_of((_FULL, _BARE), False),
    "two levels, retracted": relationships_of((_RETRACTED, _RETRACTED), True),
    "two levels, retracted below": relationships_of((_BARE, _RETRACTED), False),
    "two levels, traversed": relationships_of((_TRAVERSED, _TRAVERSED), True),
    "two levels, typed and timed": relationships_of((_TYPED, _BARE), False),
}

# A relationship found again from its ends: relationship properties are not indexed, the
# ends' ids are (the global id of a relationship carries all three).
RELATIONSHIP_BY_ENDS: Final = (
    "MATCH (a:Entity {id: $from_key})-[r]->(b:Entity {id: $to_key}) "
    f"WHERE r.id = $key AND type(r) <> '{RETRACTED_TYPE}' "
    f"RETURN {rel_map('r')} AS rel"
)
# The same, retracted or not, with ends live or retracted: what a curator's write just changed.
# Each end found by its label's index (an unlabelled match by id scans every node).
ANY_RELATIONSHIP_BY_ENDS: Final = (
    f"OPTIONAL MATCH (a1:Entity {{id: $from_key}}) OPTIONAL MATCH (a2:{RETRACTED_LABEL} {{id: $from_key}}) "
    f"OPTIONAL MATCH (b1:Entity {{id: $to_key}}) OPTIONAL MATCH (b2:{RETRACTED_LABEL} {{id: $to_key}}) "
    "WITH coalesce(a1, a2) AS a, coalesce(b1, b2) AS b "
    f"MATCH (a)-[r]->(b) WHERE r.id = $key RETURN {rel_map('r', retracted=True)} AS rel"
)


def _counts(retracted: bool) -> str:
    labels = f"Entity|{RETRACTED_LABEL}" if retracted else "Entity"
    return (
        f"UNWIND $keys AS key MATCH (n:{labels} {{id: key}}) "
        f"RETURN key, COUNT {{ MATCH (n)-[r]-(:{labels}) "
        f"WHERE {_kinds('r', '', retracted)} AND {valid('r')} }} AS total"
    )


# Keyed by whether RETRACTED relationships count too (the window's `retracted`).
RELATIONSHIP_COUNTS: Final[dict[bool, str]] = {retracted: _counts(retracted) for retracted in (False, True)}


# Who an actor is connected to, and through what: a direct relationship, or a shared
# project, council or network, event, agreement, or funding. Ranking needs only the partner
# and the kind of link; describing the links (`described`) is done for one page alone, in
# one expansion restricted to the page's partners (`page`, a list variable in scope).
_VIA: Final = "CASE WHEN type(r1) = 'FUNDS' OR type(r2) = 'FUNDS' THEN 'FUNDING' ELSE toUpper(m.kind) END"


def _valid(var: str, timed: bool) -> str:
    # Without a time filter every validity test is true; leaving them out halves the cost
    # of expanding a hub in the embedded store (graph.relationships picks the variant).
    return f" AND {valid(var)}" if timed else ""


def _stated(strict: bool, *variables: str) -> str:
    # The same for inferred things: only `includeInferred: false` (strict) tests them.
    return "".join(f" AND {stated(v)}" for v in variables) if strict else ""


def _connections(
    scope: str,
    *,
    timed: bool,
    strict: bool,
    page: str = "",
    described: bool = False,
    rels: bool = True,
) -> str:
    only = f"y IN {page} AND " if page else ""
    kept = f"{page}, " if page else ""
    # A described link says whether it rests on anything inferred: either actor, the shared
    # entity, or one of its relationships.
    direct = "y, 'DIRECT' AS via" + (
        f", null AS through, {'[r]' if rels else '[]'} AS rels, {guessed('x', 'y', 'r')} AS inferred"
        if described
        else ""
    )
    shared = f"y, {_VIA} AS via" + (
        f", m.id AS through, {'[r1, r2]' if rels else '[]'} AS rels, "
        f"{guessed('x', 'y', 'm', 'r1', 'r2')} AS inferred"
        if described
        else ""
    )
    carried = "x, y, via, through, rels, inferred" if described else "x, y, via"
    return (
        f"CALL ({scope}) {{ "
        # $types: the relationship types that make two actors partners (graph.relationships).
        f"MATCH (x)-[r]-(y:Actor) WHERE {only}type(r) IN $types{_valid('r', timed)}"
        f"{_stated(strict, 'r', 'y')} "
        f"RETURN {direct} "
        "UNION ALL "
        # Groups larger than $max_group are skipped before their members are expanded
        # (m.members is kept by the loaders); see docs/ontology.md.
        f"MATCH (x)-[r1]-(m:{INTERMEDIARY_LABELS}) "
        f"WHERE coalesce(m.members, 0) <= $max_group AND type(r1) IN $types"
        f"{_valid('r1', timed)}{_valid('m', timed)}{_stated(strict, 'r1', 'm')} "
        f"MATCH (m)-[r2]-(y:Actor) WHERE {only}y <> x AND type(r2) IN $types{_valid('r2', timed)}"
        f"{_stated(strict, 'r2', 'y')} "
        f"RETURN {shared} "
        "} "
        f"WITH {kept}{carried} WHERE ($via IS NULL OR via IN $via) "
    )


_LINKS: Final = (
    f"collect({{via: via, through: through, inferred: inferred, rels: [rel IN rels | {rel_map('rel')}]}})"
)


def _partners(timed: bool, rels: bool, strict: bool) -> str:
    # Rank every partner by how many links it has (counting only), then describe the links
    # of the page's partners. The engine sorts a top-k cheaply but a full ORDER BY of a
    # hub's thousands of partners slowly, so only the page is sorted (SKIP/LIMIT inside the
    # subquery) and the total is the size of the unsorted list.
    where = f"WHERE {stated('x')} " if strict else ""
    return (
        f"MATCH (x:Entity {{id: $key}}) {where}"
        + _connections("x", timed=timed, strict=strict)
        + "WITH x, y, count(*) AS strength "
        "WITH x, collect({y: y, strength: strength}) AS scored "
        # An aggregate without grouping keys returns one row even for an empty page (a page
        # past the end), so the total survives it.
        "CALL (scored) { "
        "UNWIND scored AS s WITH s.y AS y, s.strength AS strength "
        "ORDER BY strength DESC, y.name, y.id SKIP $skip LIMIT $limit "
        "RETURN collect(y) AS page "
        "} "
        "WITH x, size(scored) AS total, page "
        "CALL (x, page) { "
        + _connections("x, page", timed=timed, strict=strict, page="page", described=True, rels=rels)
        + f"WITH y, {_LINKS} AS links "
        "RETURN collect({key: y.id, links: links}) AS described "
        "} "
        "RETURN total, [p IN page | properties(p)] AS page, described"
    )


def _common_partners(timed: bool, rels: bool, strict: bool) -> str:
    # The same two passes: intersect the actors' partner sets, then describe the links of
    # the page's common partners alone (describing every link first exhausts the engine's
    # query memory on hubs). Strict, an inferred actor asked about has no partners, so none
    # are common to it and the others.
    where = f"WHERE {stated('x')} " if strict else ""
    return (
        f"UNWIND $keys AS key MATCH (x:Entity {{id: key}}) {where}"
        + _connections("x", timed=timed, strict=strict)
        + "WITH x, y, count(*) AS strength WHERE NOT y.id IN $keys "
        "WITH y, count(x) AS actors, sum(strength) AS strength WHERE actors = size($keys) "
        "WITH y ORDER BY strength DESC, y.name, y.id LIMIT $limit "
        "WITH collect(y) AS page "
        f"UNWIND $keys AS key MATCH (x:Entity {{id: key}}) {where}"
        + _connections("x, page", timed=timed, strict=strict, page="page", described=True, rels=rels)
        + f"WITH page, x, y, {_LINKS} AS links "
        "WITH page, y, collect({of: x.id, links: links}) AS per_actor "
        "RETURN [i IN range(0, size(page) - 1) WHERE page[i] = y][0] AS position, "
        "properties(y) AS partner, per_actor"
    )


# Keyed by (whether the request filters by time, whether it asks for the links' relationships,
# whether it leaves inferred things out): a hub's first page has hundreds of links, and their
# relationships dominate the answer; the default (everything, untimed) tests nothing it need not.
_VARIANTS: Final = [
    (timed, rels, strict) for timed in (False, True) for rels in (False, True) for strict in (False, True)
]
PARTNERS: Final[dict[tuple[bool, bool, bool], str]] = {v: _partners(*v) for v in _VARIANTS}
COMMON_PARTNERS: Final[dict[tuple[bool, bool, bool], str]] = {v: _common_partners(*v) for v in _VARIANTS}

# Variable-length bounds cannot be parameters, so there is one statement per bound; the
# relationship types come from the ontology's closed table.
_TRAVERSABLE: Final = "|".join(t for t in RELATION_TYPES.values() if t != "DISTINCT_FROM")


def paths_statement(max_length: int, types: str = _TRAVERSABLE, *, every: bool = True) -> str:
    # The embedded store answers shortestPath in milliseconds but enumerates every shortest
    # path for allShortestPaths before the LIMIT (about 0.5 s between random actors at 100k),
    # so a single path is asked for as such.
    function = "allShortestPaths" if every else "shortestPath"
    return (
        "MATCH (a:Entity {id: $from_key}) MATCH (b:Entity {id: $to_key}) "
        f"MATCH p = {function}((a)-[:{types}*..{max_length}]-(b)) "
        "WITH p LIMIT $limit "
        "RETURN [n IN nodes(p) | properties(n)] AS nodes, "
        f"[rel IN relationships(p) | {rel_map('rel')}] AS rels"
    )


PATHS: Final[dict[int, str]] = {length: paths_statement(length) for length in range(1, 7)}
SHORTEST_PATH: Final[dict[int, str]] = {
    length: paths_statement(length, every=False) for length in range(1, 7)
}

# Shortest paths without inferred nodes or relationships (`includeInferred: false`). A predicate
# on the path of shortestPath filters the shortest paths found rather than steering the search
# on the embedded store, which would lose a longer stated path behind a
# shorter inferred one; so graph.relationships searches breadth-first from both ends, one
# statement per level. A level: the stated neighbours of a frontier not seen from that end yet,
# each with the frontier nodes it is reached from. $types is a list from the ontology's table.
STATED_STEP: Final = (
    f"UNWIND $keys AS key MATCH (a:Entity {{id: key}})-[r]-(b:Entity) WHERE {stated('a')} "
    f"AND type(r) IN $types AND $seen[b.id] IS NULL AND {stated('r')} AND {stated('b')} "
    "RETURN b.id AS key, collect(DISTINCT key) AS parents"
)

# The stated relationships between consecutive nodes of the paths found, either direction.
STATED_HOPS: Final = (
    "UNWIND $pairs AS pair MATCH (a:Entity {id: pair[0]})-[r]-(b:Entity {id: pair[1]}) "
    f"WHERE type(r) IN $types AND {stated('r')} "
    f"WITH pair, r ORDER BY r.id RETURN pair[0] AS a, pair[1] AS b, collect({rel_map('r')}) AS rels"
)
