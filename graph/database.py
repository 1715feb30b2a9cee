"""One async driver per process and the managed-transaction helpers everything else uses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, Query, RoutingControl

from graph.cypher.database import PING
from graph.errors import translate

Row = dict[str, Any]
# Seconds a read may run on Neo4j (the embedded store ignores driver timeouts and has its own
# server-wide limit, graph/embedded.py): no question should hold the database longer.
STATEMENT_TIMEOUT = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str


class Database:
    """The driver plus the database name; counts round trips so tests can bound them."""

    def __init__(self, driver: AsyncDriver, name: str) -> None:
        self.driver = driver
        self.name = name
        self.round_trips = 0

    async def _query(
        self, query: LiteralString, params: Mapping[str, Any], routing: RoutingControl
    ) -> list[Row]:
        self.round_trips += 1
        try:
            records, _, _ = await self.driver.execute_query(
                Query(query, timeout=STATEMENT_TIMEOUT), dict(params), database_=self.name, routing_=routing
            )
        except Exception as exc:
            raise translate(exc) from exc
        # Statements return plain values and maps, never nodes: no recursive conversion needed.
        return [dict(zip(record.keys(), record.values(), strict=True)) for record in records]

    async def read(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        """One statement in a managed read transaction (routed to readers on a cluster)."""
        return await self._query(query, params or {}, RoutingControl.READ)

    async def write(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._query(query, params or {}, RoutingControl.WRITE)

    async def write_transaction(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Several statements as one unit: all of them commit, or none does."""
        self.round_trips += 1
        try:
            async with self.driver.session(database=self.name) as session:
                return await session.execute_write(work)
        except Exception as exc:
            raise translate(exc) from exc

    async def ping(self, timeout: float = 2.0) -> str | None:
        """None when the database answers within timeout, else the reason it does not.

        A plain session.run: execute_query would retry for up to 30 s, and a readiness
        probe must answer quickly.
        """

        async def probe() -> None:
            async with self.driver.session(database=self.name) as session:
                result = await session.run(PING)
                await result.consume()

        try:
            await asyncio.wait_for(probe(), timeout)
        except TimeoutError:
            return f"no answer within {timeout:g} s"
        except Exception as exc:
            return str(translate(exc))
        return None

    async def close(self) -> None:
        await self.driver.close()


def open_database(conn: Connection) -> Database:
    driver = AsyncGraphDatabase.driver(
        conn.uri,
        auth=(conn.user, conn.password),
        connection_timeout=5.0,
        max_connection_pool_size=50,
    )
    return Database(driver, conn.database)
