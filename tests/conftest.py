"""Fixtures: a real embedded store over Bolt for the session, and the real ASGI app."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from coopgraph import create_app
from graph.database import Connection, open_database
from graph.embedded import EmbeddedStore
from graph.settings import StoreSettings
from graph.setup import apply_schema


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
        await apply_schema(db)
    finally:
        await db.close()


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    """The embedded store every query test talks to (started once per test run)."""
    with EmbeddedStore(store_settings(tmp_path_factory.mktemp("store")), "coopgraph") as conn:
        asyncio.run(_prepare(conn))
        yield conn


@pytest.fixture
def client(store: Connection) -> Iterator[TestClient]:
    with TestClient(create_app(store)) as test_client:
        yield test_client
