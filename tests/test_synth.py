"""The synthetic network generator: deterministic, marked, shaped as asked, and removable.

The store is shared with tests that count curated data, so every test here removes what it
generated (the `synthetic` fixture's finally).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from neo4j.time import Date, DateTime

from graph.database import Connection, Database
from graph.ingest.synth import MIN_ACTORS, SynthReport, generate, relationship_summary, remove
from graph.ontology import KIND_LABELS, RELATION_TYPES
from graph.text import fold
from tests.conftest import run_db


def native_map(props: Mapping[str, Any]) -> dict[str, Any]:
    """Stored properties with the driver's dates as Python's, to compare with what was written."""
    return {
        k: [x.to_native() for x in v]
        if isinstance(v, list) and v and isinstance(v[0], Date | DateTime)
        else v.to_native()
        if isinstance(v, Date | DateTime)
        else v
        for k, v in props.items()
    }


ACTORS = 300
SEED = 7

NODES = (
    "MATCH (n) WHERE n.synthetic = true "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id"
)
RELS = (
    "MATCH (a)-[r]->(b) WHERE r.synthetic = true "
    "RETURN r.id AS id, a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props ORDER BY id"
)
CURATED = (
    "MATCH (n) WHERE n.curated = true "
    "RETURN count(n) AS nodes, sum(COUNT { (n)-[]-() }) AS links, collect(n.id) AS ids"
)
CURATED_RELS = "MATCH ()-[r]->() WHERE r.curated = true RETURN count(r) AS count"
# Search terms (:Term, linked by NAMES) are a shared index, not data: they are not counted.
MIXED = (
    "MATCH (a)-[r]-(b) WHERE a.synthetic = true AND type(r) <> 'NAMES' "
    "AND (b.synthetic IS NULL OR b.synthetic <> true) "
    "RETURN count(r) AS count"
)


CuratedState = tuple[int, int, list[str], int]
Generated = tuple[Connection, SynthReport, CuratedState]


def read(conn: Connection, query: str) -> list[dict[str, Any]]:
    async def work(db: Database) -> list[dict[str, Any]]:
        return await db.read(query)

    return run_db(conn, work)


def snapshot(conn: Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = read(conn, NODES)
    for node in nodes:
        node["labels"] = sorted(node["labels"])
        node["props"] = native_map(node["props"])
    rels = read(conn, RELS)
    for rel in rels:
        rel["props"] = native_map(rel["props"])
    return nodes, rels


def curated_state(conn: Connection) -> CuratedState:
    row = read(conn, CURATED)[0]
    return row["nodes"], row["links"], sorted(row["ids"]), read(conn, CURATED_RELS)[0]["count"]


def do_generate(conn: Connection, actors: int = ACTORS, seed: int = SEED) -> SynthReport:
    return run_db(conn, lambda db: generate(db, actors, seed, batch_size=500))


@pytest.fixture(scope="module")
def synthetic(
    seeded: Connection,
) -> Iterator[Generated]:
    """The seeded store plus a small synthetic network, removed again at the end."""
    before = curated_state(seeded)
    try:
        report = do_generate(seeded)
        yield seeded, report, before
    finally:
        run_db(seeded, remove)


def test_report_counts_what_was_written(
    synthetic: Generated,
) -> None:
    conn, report, _ = synthetic
    nodes, rels = snapshot(conn)
    entities = [n for n in nodes if "Entity" in n["labels"]]
    assert len(entities) == report.node_total
    assert len(rels) == report.relationship_total
    actors = [n for n in entities if "Actor" in n["labels"]]
    assert len(actors) == ACTORS
    assert report.relationship_total > 3 * ACTORS


def test_everything_is_marked_and_sourced(
    synthetic: Generated,
) -> None:
    conn, _, _ = synthetic
    nodes, rels = snapshot(conn)
    sources = [n for n in nodes if n["labels"] == ["Source"]]
    assert [s["id"] for s in sources] == ["src-synthetic"]
    assert sources[0]["props"]["title_en"].startswith("Synthetic data")
    allowed_labels = {*KIND_LABELS.values(), "Entity", "Actor"}
    for node in nodes:
        props = node["props"]
        assert props["synthetic"] is True
        assert props.get("curated") is not True
        if node["labels"] == ["Source"]:
            continue
        assert node["id"].startswith("syn-")
        assert set(node["labels"]) <= allowed_labels
        assert KIND_LABELS[props["kind"]] in node["labels"]
        assert props["sources"] == ["src-synthetic"]
        assert props["search_names"] == [fold(n) for n in props["search_names"]]
        assert fold(props["name"]) in props["search_names"]
        assert props["search_key"] == " | ".join(props["search_names"])
        assert isinstance(props["identifiers"], list)
        assert isinstance(props["aliases"], list)
    types = set(RELATION_TYPES.values())
    for rel in rels:
        props = rel["props"]
        assert rel["id"].startswith("syn-rel-")
        assert rel["type"] in types
        assert RELATION_TYPES[props["kind"]] == rel["type"]
        assert props["synthetic"] is True
        assert props["sources"] == ["src-synthetic"]
        assert props.get("curated") is not True
        if "start" in props:
            assert props["start_date"].isoformat().startswith(props["start"][:4])
        if "end" in props:
            assert props["end_date"] >= props.get("start_date", props["end_date"])
    assert read(conn, MIXED)[0]["count"] == 0


def test_curated_graph_is_untouched_by_generate(
    synthetic: Generated,
) -> None:
    conn, _, before = synthetic
    assert before[0] > 0
    assert curated_state(conn) == before


def test_shape(synthetic: Generated) -> None:
    conn, _, _ = synthetic
    unplaced = read(
        conn,
        "MATCH (s:School) WHERE s.synthetic = true AND NOT (s)-[:LOCATED_IN]->(:Municipality) "
        "RETURN count(s) AS count",
    )
    assert unplaced[0]["count"] == 0
    counsellors = read(
        conn,
        "MATCH (p:Person) WHERE p.synthetic = true "
        "OPTIONAL MATCH (p)-[r:SERVES]->(:School) "
        "RETURN p.id AS id, collect(r.workload) AS workloads, "
        "COUNT { (p)-[h:HOLDS_POSITION]->(:School) WHERE h.title = 'career counsellor' } AS positions",
    )
    assert counsellors
    for row in counsellors:
        assert 1 <= len(row["workloads"]) <= 3, row
        assert all(0 < w <= 1 for w in row["workloads"]), row
        assert row["positions"] == 1, row
    projects = read(
        conn,
        "MATCH (p:Project) WHERE p.synthetic = true RETURN p.id AS id, p.identifiers AS identifiers, "
        "p.budget_total = p.grant + p.own_contribution AS balanced, p.currency AS currency, "
        "COUNT { (:Actor)-[:IMPLEMENTS]->(p) } AS leads, COUNT { (:Programme)-[:FUNDS]->(p) } AS funders",
    )
    assert projects
    for row in projects:
        assert row["identifiers"][0].startswith("project_code:SYN-")
        assert row["balanced"] and row["currency"] == "EUR"
        assert row["leads"] == 1 and row["funders"] >= 1
    roles = read(
        conn,
        "MATCH (:Actor)-[r:PARTICIPATES_IN]->(:Project) WHERE r.synthetic = true "
        "RETURN DISTINCT r.role AS role ORDER BY role",
    )
    assert [r["role"] for r in roles] == ["partner", "pilot school"]
    targets = read(
        conn,
        "MATCH (:Project)-[:SETS_TARGET]->(t:Target) WHERE t.synthetic = true "
        "RETURN t.metric AS metric, t.value AS value",
    )
    assert targets
    assert all(t["metric"] == "students_per_counsellor" and 500 <= t["value"] <= 800 for t in targets)
    events = read(
        conn,
        "MATCH (e:Event) WHERE e.synthetic = true RETURN e.start_date AS day, "
        "COUNT { (:Actor)-[:ORGANISES]->(e) } AS organisers, COUNT { (e)-[:ABOUT]->() } AS about",
    )
    assert events
    assert all(e["day"] is not None and e["organisers"] == 1 and e["about"] == 1 for e in events)
    subordinate = read(
        conn,
        "MATCH (a:Agency) WHERE a.synthetic = true AND NOT (a)-[:SUBORDINATE_TO]->(:Ministry) "
        "RETURN count(a) AS count",
    )
    assert subordinate[0]["count"] == 0


def test_degrees_are_skewed(
    synthetic: Generated,
) -> None:
    conn, _, _ = synthetic
    rows = read(conn, "MATCH (n:Entity) WHERE n.synthetic = true RETURN COUNT { (n)--() } AS degree")
    degrees = [r["degree"] for r in rows]
    assert max(degrees) >= 8 * statistics.median(degrees), (max(degrees), statistics.median(degrees))


def test_same_input_gives_the_same_graph_and_remove_cleans_up(
    synthetic: Generated,
) -> None:
    conn, report, before = synthetic
    first = snapshot(conn)
    removed = run_db(conn, remove)
    assert removed == report.node_total + 1  # and the Source node
    assert read(conn, "MATCH (n) WHERE n.synthetic = true RETURN count(n) AS count")[0]["count"] == 0
    assert read(conn, "MATCH ()-[r]->() WHERE r.synthetic = true RETURN count(r) AS count")[0]["count"] == 0
    assert curated_state(conn) == before
    do_generate(conn)
    assert snapshot(conn) == first
    # A different seed gives a different graph.
    other = do_generate(conn, seed=SEED + 1)
    assert other.removed == removed
    assert snapshot(conn) != first


def test_the_smallest_network_can_be_planned_for_any_seed() -> None:
    """MIN_ACTORS leaves every country room for a counsellor, and plans without org units work."""
    for seed in range(100):
        counts = relationship_summary(MIN_ACTORS, seed)
        assert counts["located_in"] and counts["serves"], seed
