"""Fixtures: a real embedded store over Bolt for the session, and the real ASGI app."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from graph.constraints import apply_constraints
from graph.database import Connection, Database, open_database
from graph.ingest.loader import load_seeds
from graph.store.embedded import EmbeddedStore
from graph.store.settings import StoreSettings

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def store_settings(data_dir: Path, timeout: float = 120.0) -> StoreSettings:
    return StoreSettings(
        data_dir=data_dir, bolt_port=free_port(), http_port=free_port(), heap="512m", start_timeout=timeout
    )


async def _prepare(conn: Connection) -> None:
    db = open_database(conn)
    try:
        await apply_constraints(db)
    finally:
        await db.close()


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    """The embedded store every query test talks to (started once per test run)."""
    with EmbeddedStore(store_settings(tmp_path_factory.mktemp("store")), "coopgraph") as conn:
        asyncio.run(_prepare(conn))
        yield conn


@pytest.fixture
def client(seeded: Connection) -> Iterator[TestClient]:
    with TestClient(create_app(seeded)) as test_client:
        yield test_client


def run_db(conn: Connection, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run async database work from a sync test with a driver of its own."""

    async def go() -> T:
        db = open_database(conn)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(go())


@pytest.fixture(scope="session")
def seeded(store: Connection) -> Connection:
    """The store with the curated seed graph loaded."""
    run_db(store, load_seeds)
    return store


def gql(client: TestClient, query: str, **variables: object) -> dict[str, Any]:
    """POST a query through the real HTTP app; fail on any GraphQL error."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert response.status_code == 200
    data: dict[str, Any] = body["data"]
    return data


def gql_error(client: TestClient, query: str, **variables: object) -> dict[str, Any]:
    """The first error of a query that must fail."""
    body = client.post("/graphql", json={"query": query, "variables": variables}).json()
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    return error
