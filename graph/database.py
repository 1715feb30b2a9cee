"""One async driver per process and the managed-transaction helpers everything else uses.

While the database does not answer, queries fail at once: the first one that finds it gone
(after the driver's own short retries) marks it down, every later one raises StoreUnavailable
without touching the driver, and a probe in the background marks it up again as soon as it
answers. Nothing waits for a dead database longer than RETRY_TIME.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, LiteralString, TypeVar

from neo4j import (
    READ_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    Query,
    RoutingControl,
)

from graph.cypher.database import PING
from graph.errors import StoreUnavailable, translate

log = logging.getLogger(__name__)

Row = dict[str, Any]
# Seconds a read may run on Neo4j (the embedded store ignores driver timeouts and has its own
# server-wide limit, graph/store/embedded.py): no question should hold the database longer.
STATEMENT_TIMEOUT = 60.0
# The driver retries a transaction that failed on a lost connection (or a cluster's leader
# switch) while less than RETRY_TIME has passed since the first failure, the first time after
# about 1 s: so once, instead of for its default 30 s. A request that cannot be answered gets
# its 503 within about 1.2 s and the client can retry. Measured after kill -9 of the embedded
# store: 30 s gave 31-62 s per query.
RETRY_TIME = 0.5
# A new connection must be made within CONNECT_TIMEOUT (an unreachable host), a pooled one
# obtained within ACQUIRE_TIMEOUT (the driver's default is 60 s).
CONNECT_TIMEOUT = 3.0
ACQUIRE_TIMEOUT = 5.0
# While the database is down, how often the background probe asks, and how long it waits.
PROBE_INTERVAL = 0.5
PROBE_TIMEOUT = 2.0
T = TypeVar("T")
State = Literal["starting", "up", "down"]


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str


@dataclass(frozen=True)
class Availability:
    """What this process knows of the database: not asked yet, answering, or not answering (why,
    and since when, in time.monotonic() seconds)."""

    state: State
    reason: str
    since: float


class Database:
    """The driver plus the database name; counts round trips so tests can bound them."""

    def __init__(self, driver: AsyncDriver, name: str, statement_timeout: float = STATEMENT_TIMEOUT) -> None:
        self.driver = driver
        self.name = name
        # Seconds a statement may run on Neo4j (a transaction timeout): the web app passes its
        # request budget, so a request's statement never outlives the request.
        self.statement_timeout = statement_timeout
        self.round_trips = 0
        self.availability = Availability("starting", "", time.monotonic())
        self.answered = False  # whether the database has answered this process yet
        self._recovery: asyncio.Task[None] | None = None

    @property
    def down(self) -> bool:
        return self.availability.state == "down"

    def _check_up(self) -> None:
        if self.availability.state == "down":
            raise StoreUnavailable(self.availability.reason)

    def _failed(self, exc: Exception) -> Exception:
        error = translate(exc)
        if isinstance(error, StoreUnavailable):
            self.mark_down(str(error))
        return error

    def mark_down(self, reason: str) -> None:
        """Fail every query at once from now on, until the background probe gets an answer."""
        if self.availability.state != "down":
            log.warning("the database does not answer; failing queries at once until it does: %s", reason)
            self.availability = Availability("down", reason, time.monotonic())
        if self._recovery is None or self._recovery.done():
            self._recovery = asyncio.get_running_loop().create_task(self._recover())

    def _mark_up(self) -> None:
        previous = self.availability
        if previous.state == "down":
            log.warning("the database answers again after %.1f s", time.monotonic() - previous.since)
        if previous.state != "up":
            self.availability = Availability("up", "", time.monotonic())
            self.answered = True

    async def _recover(self) -> None:
        while self.availability.state == "down":
            await asyncio.sleep(PROBE_INTERVAL)
            await self.ping(PROBE_TIMEOUT)

    async def _query(
        self, query: LiteralString, params: Mapping[str, Any], routing: RoutingControl
    ) -> list[Row]:
        self._check_up()
        self.round_trips += 1
        try:
            records, _, _ = await self.driver.execute_query(
                Query(query, timeout=self.statement_timeout),
                dict(params),
                database_=self.name,
                routing_=routing,
            )
        except Exception as exc:
            raise self._failed(exc) from exc
        if self.availability.state != "up":
            self._mark_up()
        # Statements return plain values and maps, never nodes: no recursive conversion needed.
        return [dict(zip(record.keys(), record.values(), strict=True)) for record in records]

    async def read(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        """One statement in a managed read transaction (routed to readers on a cluster)."""
        return await self._query(query, params or {}, RoutingControl.READ)

    async def write(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._query(query, params or {}, RoutingControl.WRITE)

    async def write_transaction(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Several statements as one unit: all of them commit, or none does."""
        self._check_up()
        self.round_trips += 1
        try:
            async with self.driver.session(database=self.name) as session:
                result = await session.execute_write(work)
        except Exception as exc:
            raise self._failed(exc) from exc
        if self.availability.state != "up":
            self._mark_up()
        return result

    async def ping(self, timeout: float = PROBE_TIMEOUT) -> str | None:
        """None when the database answers within timeout, else the reason it does not; either
        way the answer updates `availability` (a slow answer is not a dead database, though).

        A plain session.run without retries: a readiness probe must answer quickly. A read, as
        every query the API sends, so that on a cluster a reader's answer is enough.
        """

        async def probe() -> None:
            async with self.driver.session(
                database=self.name, default_access_mode=READ_ACCESS, disable_auto_commit_retries=True
            ) as session:
                result = await session.run(PING)
                await result.consume()

        try:
            await asyncio.wait_for(probe(), timeout)
        except TimeoutError:
            return f"no answer within {timeout:g} s"
        except Exception as exc:
            error = self._failed(exc)
            return str(error)
        self._mark_up()
        return None

    async def close(self) -> None:
        if self._recovery is not None:
            self._recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recovery
        await self.driver.close()


def open_database(conn: Connection, statement_timeout: float = STATEMENT_TIMEOUT) -> Database:
    driver = AsyncGraphDatabase.driver(
        conn.uri,
        auth=(conn.user, conn.password),
        connection_timeout=CONNECT_TIMEOUT,
        connection_acquisition_timeout=ACQUIRE_TIMEOUT,
        max_transaction_retry_time=RETRY_TIME,
        max_connection_pool_size=50,
    )
    return Database(driver, conn.database, statement_timeout)
