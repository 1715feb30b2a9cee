"""/healthz and /readyz as a supervisor reads them, and GraphQL's fast 503 while the database is
down: the real app, against the real store or against a port where nothing answers."""

from __future__ import annotations

import time
from pathlib import Path

from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.health import Probes
from graph.database import Connection, Database
from graph.store.status import StoreStatus, write_status
from tests.conftest import free_port

STATS = {"query": "{ graphStats { nodeCount } }"}
MEDIA_TYPES = ("application/json", "application/graphql-response+json")


def _nowhere() -> Connection:
    return Connection(f"bolt://127.0.0.1:{free_port()}", "root", "x", "coopgraph")


def test_ready_when_the_database_answers(seeded: Connection) -> None:
    with TestClient(create_app(seeded)) as client:
        assert client.get("/readyz").json() == {"status": "ready"}
        assert client.get("/healthz").json() == {"status": "ok"}


def test_an_unfinished_maintenance_run_is_not_ready(seeded: Connection) -> None:
    async def unfinished(db: Database) -> str | None:
        return "a load --reset run is unfinished"

    with TestClient(create_app(seeded, Probes(maintenance=unfinished))) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["state"] == "maintenance"


def test_a_database_never_reached_is_starting_then_down_and_queries_fail_at_once() -> None:
    with TestClient(create_app(_nowhere())) as client:
        response = client.get("/readyz")
        assert (response.status_code, response.json()["state"]) == (503, "starting")
        assert client.get("/healthz").status_code == 200  # restarting the service would not help
        for media in MEDIA_TYPES:
            began = time.monotonic()
            answer = client.post("/graphql", json=STATS, headers={"accept": media})
            assert time.monotonic() - began < 0.5
            assert answer.status_code == 503
            assert answer.headers["content-type"].startswith(media)
            assert answer.headers["retry-after"]
            assert answer.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        # The playground page is still served.
        assert client.get("/graphql", headers={"accept": "text/html"}).status_code == 200


def test_readyz_and_healthz_read_the_supervised_store_status(tmp_path: Path) -> None:
    status_file = tmp_path / "store.json"
    down = StoreStatus(0, 1, 7690, 2490).restarting("the store exited with code -9")
    write_status(status_file, down)
    with TestClient(create_app(_nowhere(), Probes(store_status=status_file))) as client:
        body = client.get("/readyz").json()
        assert (body["state"], body["restarts"]) == ("store_restarting", 0)
        assert client.get("/healthz").status_code == 200
        # Down for longer than the grace period despite restarts: restart the whole service.
        write_status(status_file, StoreStatus(0, 1, 7690, 2490, "restarting", 3, time.time() - 600, ""))
        failing = client.get("/healthz")
        assert (failing.status_code, failing.json()["status"]) == (503, "failing")
