"""The embedded store's life cycle: persistence, sharing a data directory, readiness."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from starlette.testclient import TestClient

from coopgraph.app import create_app
from graph.database import Connection
from graph.store.embedded import EmbeddedStore, StoreError
from tests.conftest import store_settings


def _run(conn: Connection, query: str) -> list[dict[str, object]]:
    with GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password)) as driver:
        records, _, _ = driver.execute_query(query, database_=conn.database)
    return [r.data() for r in records]


def test_data_survives_a_restart_and_the_password_is_private(tmp_path: Path) -> None:
    settings = store_settings(tmp_path)
    with EmbeddedStore(settings, "coopgraph") as conn:
        _run(conn, "CREATE (:Probe {id: 'kept'})")
    credentials = tmp_path / "credentials"
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    with EmbeddedStore(settings, "coopgraph") as again:
        assert again.password == conn.password
        assert _run(again, "MATCH (p:Probe) RETURN p.id AS id") == [{"id": "kept"}]


def test_a_second_process_on_the_same_directory_reuses_the_running_store(tmp_path: Path) -> None:
    first = EmbeddedStore(store_settings(tmp_path), "coopgraph")
    conn = first.start()
    try:
        second = EmbeddedStore(store_settings(tmp_path), "coopgraph")
        shared = second.start()
        assert not second.owned
        assert shared.uri == conn.uri
        assert _run(shared, "RETURN 1 AS one") == [{"one": 1}]
        second.stop()  # a borrower's stop leaves the owner's store running
        assert _run(conn, "RETURN 2 AS two") == [{"two": 2}]
    finally:
        first.stop()


def test_a_store_that_does_not_answer_in_time_names_its_log(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        EmbeddedStore(store_settings(tmp_path, timeout=0.5), "coopgraph").start()
    assert str(tmp_path / "store.log") in str(caught.value)
    # The half-started child was stopped and the lock released: a normal start works.
    with EmbeddedStore(store_settings(tmp_path), "coopgraph") as conn:
        assert _run(conn, "RETURN 1 AS one") == [{"one": 1}]


def test_readyz_reports_a_stopped_store_and_recovers(tmp_path: Path) -> None:
    settings = store_settings(tmp_path)
    store = EmbeddedStore(settings, "coopgraph")
    conn = store.start()
    try:
        with TestClient(create_app(conn)) as client:
            assert client.get("/readyz").status_code == 200
            store.stop()
            down = client.get("/readyz")
            assert down.status_code == 503
            assert down.json()["status"] == "unavailable"
            assert down.json()["state"] == "store_down"
            assert down.json()["reason"]
            for media in ("application/json", "application/graphql-response+json"):
                answer = client.post(
                    "/graphql", json={"query": "{ graphStats { nodeCount } }"}, headers={"accept": media}
                )
                assert answer.status_code == 503
                assert answer.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            store.start()
            # The app's own probe notices within a second; no request needed.
            deadline = time.monotonic() + 10
            while client.app.state.db.down and time.monotonic() < deadline:  # type: ignore[attr-defined]
                time.sleep(0.1)
            assert client.post("/graphql", json={"query": "{ graphStats { nodeCount } }"}).status_code == 200
            assert client.get("/readyz").status_code == 200
    finally:
        store.stop()
