"""The HTTP surface through the real ASGI app and the real store."""

from __future__ import annotations

from neo4j import GraphDatabase
from starlette.testclient import TestClient

from graph.database import Connection

STATS = "{ graphStats { nodeCount relationshipCount labels { label count } } }"


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_graph_stats_over_post_and_get(client: TestClient, store: Connection) -> None:
    posted = client.post("/graphql", json={"query": STATS})
    assert posted.status_code == 200
    stats = posted.json()["data"]["graphStats"]
    with GraphDatabase.driver(store.uri, auth=(store.user, store.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) WHERE NOT n:ApiToken RETURN count(n) AS c", database_=store.database
        )
    assert stats["nodeCount"] == records[0]["c"]
    assert "ApiToken" not in {label["label"] for label in stats["labels"]}  # the service's, not the graph's
    got = client.get("/graphql", params={"query": STATS})
    assert got.status_code == 200
    assert got.json()["data"]["graphStats"] == stats


def test_errors_carry_a_stable_code(client: TestClient) -> None:
    unknown_field = client.post("/graphql", json={"query": "{ nope }"}).json()
    assert unknown_field["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    syntax = client.post("/graphql", json={"query": "{ graphStats { "}).json()
    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_playground_is_served_without_internet(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert "graphiql" in html.lower()
    assert "https://" not in html and "http://" not in html, "the playground must not load from a CDN"
    for asset in (
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "graphiql.min.css",
    ):
        assert f"/graphql/assets/{asset}" in html
        served = client.get(f"/graphql/assets/{asset}")
        assert served.status_code == 200, served.text
        assert len(served.content) > 1000
    assert client.get("/graphql/assets/secret.txt").status_code == 404
