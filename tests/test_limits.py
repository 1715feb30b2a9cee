"""Request limits: the time budget (through the app and the real store), their settings, and the
parse and validation caches bounded in bytes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import parse
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from coopgraph.app import PLAYGROUND_HTML, create_app
from coopgraph.limits import Limits
from coopgraph.middleware import request_middleware
from coopgraph.settings import load_settings
from graph.database import Connection
from graph.environment import ConfigError
from resolvers.cache import VersionedCache
from resolvers.errors import Busy
from schema import parse_cache
from schema.caching import ByteBoundedCache, ParseOnce, ValidateOnce, document_bytes
from schema.context import Info
from schema.errors import ErrorCodes
from schema.http import GraphQLEndpoint
from schema.limits import LIMIT_EXTENSIONS
from schema.query import Query

GRJ = "application/graphql-response+json"
STATS = "{ graphStats { nodeCount } }"

# --- the time budget --------------------------------------------------------------------------

cancelled: list[str] = []


@strawberry.type
class SlowQuery(Query):
    @strawberry.field
    async def stall(self) -> int:
        """Waits for ever, unless cancelled."""
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append("stall")
            raise
        return 0

    @strawberry.field
    async def count_far(self, info: Info) -> int:
        """A real statement that keeps the store busy for a second or more."""
        rows = await info.context.db.read(
            "UNWIND range(1, 1500) AS x UNWIND range(1, 1500) AS y WITH x WHERE (x + y) % 7 = 0 "
            "RETURN count(x) AS n"
        )
        return int(rows[0]["n"])


slow_schema = strawberry.Schema(query=SlowQuery, extensions=[ErrorCodes, *LIMIT_EXTENSIONS])


def slow_app(seeded: Connection, budget: float) -> TestClient:
    lifespan = create_app(seeded).router.lifespan_context
    endpoint = GraphQLEndpoint(slow_schema, playground_html=PLAYGROUND_HTML, time_budget=budget)
    routes = [Route("/graphql", endpoint, methods=["GET", "POST"])]
    app = Starlette(routes=routes, middleware=request_middleware(Limits()), lifespan=lifespan)
    return TestClient(app)


def timed_out(response: Any, accept: str) -> dict[str, Any]:
    assert response.status_code == 504, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    return dict(error)


@pytest.mark.parametrize("accept", [GRJ, "application/json"])
def test_a_request_over_its_time_budget_is_cancelled_and_answered(seeded: Connection, accept: str) -> None:
    cancelled.clear()
    with slow_app(seeded, budget=0.3) as test_client:
        response = test_client.post("/graphql", json={"query": "{ stall }"}, headers={"Accept": accept})
        error = timed_out(response, accept)
        assert "0.3 s" in error["message"]
        assert cancelled == ["stall"], "the resolver's task is cancelled, not left running"
        # The worker is free: the next request is answered.
        after = test_client.post("/graphql", json={"query": STATS})
        assert after.status_code == 200
        assert after.json()["data"]["graphStats"]["nodeCount"] > 0


def test_a_database_read_over_the_budget_is_cancelled(seeded: Connection) -> None:
    with slow_app(seeded, budget=0.3) as test_client:
        timed_out(test_client.post("/graphql", json={"query": "{ countFar }"}), GRJ)
        # The cancelled read's connection is closed, not returned to the pool half-used: the
        # driver answers the next request as usual.
        for _ in range(3):
            after = test_client.post("/graphql", json={"query": STATS})
            assert after.status_code == 200, after.text


def test_the_production_app_applies_the_budget(seeded: Connection) -> None:
    # A budget no network question can meet: several statements, each a round trip to the store.
    with TestClient(create_app(seeded, limits=Limits(request_timeout=0.0001))) as test_client:
        query = '{ network(center: "lv-viaa", depth: 3, maxNodes: 500) { nodes { key } edges { source } } }'
        timed_out(test_client.post("/graphql", json={"query": query}), GRJ)


def test_a_cached_measure_outlives_the_request_that_gave_up() -> None:
    # brokers and co-participation compute whole-graph measures (seconds of CPU in a thread, which
    # cannot be stopped): a request out of time stops waiting, the work fills the cache anyway.
    async def scenario() -> None:
        cache = VersionedCache(concurrent=1)
        calls: list[int] = []

        async def compute() -> str:
            calls.append(1)
            await asyncio.sleep(0.2)
            return "ranking"

        version = "v1"

        async def current() -> str:
            return version

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(cache.get("brokers", "v1", compute, current), 0.01)
        with pytest.raises(TimeoutError):  # the same work, not a second one
            await asyncio.wait_for(cache.get("brokers", "v1", compute, current), 0.01)
        assert await cache.get("brokers", "v1", compute, current) == "ranking"
        assert len(calls) == 1 and cache.computations == 1
        version = "v2"
        assert await cache.get("brokers", "v2", compute, current) == "ranking"  # new data: computed again
        assert len(calls) == 2

    asyncio.run(scenario())


def test_a_measure_computed_while_the_data_changed_is_not_kept() -> None:
    async def scenario() -> None:
        cache = VersionedCache()
        versions = iter(["v2", "v2", "v2"])  # read again after each computation: it moved on

        async def current() -> str:
            return next(versions)

        async def compute() -> str:
            return "mixed"

        assert await cache.get("stats", "v1", compute, current) == "mixed"
        assert await cache.get("stats", "v1", compute, current) == "mixed"
        assert cache.computations == 2, "a value computed across a change must not answer for v1"
        assert await cache.get("stats", "v2", compute, current) == "mixed"
        assert await cache.get("stats", "v2", compute, current) == "mixed"
        assert cache.computations == 3, "computed at a stable version: kept"

    asyncio.run(scenario())


# --- settings ---------------------------------------------------------------------------------


def test_limit_defaults() -> None:
    limits = load_settings({}).limits
    assert limits == Limits()
    assert limits.max_body_bytes == 1024 * 1024
    assert limits.request_timeout == 30.0
    assert (limits.rate_limit, limits.rate_burst, limits.rate_limit_loopback) == (600, 60, False)


def test_limit_settings_are_read() -> None:
    limits = load_settings(
        {
            "COOPGRAPH_MAX_BODY_BYTES": "512k",
            "COOPGRAPH_MAX_QUERY_COST": "20000",
            "COOPGRAPH_REQUEST_TIMEOUT": "2.5",
            "COOPGRAPH_RATE_LIMIT": "0",
            "COOPGRAPH_RATE_BURST": "5",
            "COOPGRAPH_RATE_LIMIT_LOOPBACK": "1",
            "COOPGRAPH_RATE_LIMIT_BY": "token",
        }
    ).limits
    assert limits == Limits(512 * 1024, 20000, 2.5, 0, 5, True, "token")
    assert load_settings({"COOPGRAPH_MAX_BODY_BYTES": "2m"}).limits.max_body_bytes == 2 * 1024 * 1024
    assert load_settings({"COOPGRAPH_MAX_BODY_BYTES": "65536"}).limits.max_body_bytes == 65536


BAD_LIMITS = {
    "COOPGRAPH_MAX_BODY_BYTES": ["lots", "100", "-1m", "1g", "²k"],
    "COOPGRAPH_MAX_QUERY_COST": ["0", "many", "1.5", "²"],
    "COOPGRAPH_REQUEST_TIMEOUT": ["0", "-1", "soon", "7200", "nan"],
    "COOPGRAPH_RATE_LIMIT": ["-5", "fast"],
    "COOPGRAPH_RATE_BURST": ["0", "x"],
    "COOPGRAPH_RATE_LIMIT_LOOPBACK": ["maybe"],
    "COOPGRAPH_RATE_LIMIT_BY": ["cookie"],
}


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in BAD_LIMITS.items() for v in values])
def test_a_bad_limit_is_a_config_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({name: value})
    assert name in str(caught.value)
    assert repr(value) in str(caught.value) or repr(value.lower()) in str(caught.value)


def test_serve_refuses_a_bad_limit_before_starting_anything(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COOPGRAPH_"))}
    env.update(COOPGRAPH_REQUEST_TIMEOUT="forever", COOPGRAPH_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-m", "coopgraph", "serve"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert "COOPGRAPH_REQUEST_TIMEOUT" in done.stderr
    assert not (tmp_path / "data").exists(), "nothing is started"


# --- caches bounded in bytes ------------------------------------------------------------------


def test_a_byte_bounded_cache_evicts_by_size() -> None:
    cache = ByteBoundedCache[str](max_bytes=3200)  # entries of up to 100 bytes are kept
    for i in range(100):
        cache.put(i, f"v{i}", 90)
    assert cache.used <= 3200
    assert len(cache) == 3200 // 90
    assert cache.get(99) == "v99"
    assert cache.get(0) is None
    cache.get(70)  # recently used: kept over older ones
    cache.put("new", "x", 90)
    assert cache.get(70) == "v70"
    cache.put("big", "y", 101)
    assert cache.get("big") is None, "an entry over a 32nd of the cache is not kept"


@strawberry.type
class Echo:
    @strawberry.field
    def echo(self, text: str) -> str:
        return text


def test_the_document_caches_hold_at_most_their_bytes() -> None:
    parsed = ByteBoundedCache[Any](max_bytes=512 * 1024)  # entries of up to 16 KiB
    validated = ByteBoundedCache[Any](max_bytes=256 * 1024)  # a verdict is charged its text alone
    echo = strawberry.Schema(
        query=Echo, extensions=[ErrorCodes, lambda: ParseOnce(parsed), lambda: ValidateOnce(validated)]
    )

    async def run(query: str) -> Any:
        return await echo.execute(query)

    # 100 distinct documents of ~3 KB, charged ~10 KB each (the text and the literal's two copies):
    # more than the caches may hold.
    for i in range(100):
        result = asyncio.run(run(f'{{ echo(text: "{i:06d}{"x" * 3000}") }}'))
        assert result.errors is None and result.data is not None
    assert 0 < len(parsed) < 100 and parsed.used <= parsed.max_bytes
    assert 0 < len(validated) < 100 and validated.used <= validated.max_bytes
    # A repeated document is a hit: the same parsed document.
    query = '{ echo(text: "again") }'
    asyncio.run(run(query))
    document, held = parsed.get((query,)), len(parsed)
    assert document is not None
    asyncio.run(run(query))
    assert parsed.get((query,)) is document and len(parsed) == held
    # A document larger than a 32nd of the cache is parsed every time, never kept.
    asyncio.run(run('{ echo(text: "' + "y" * 20_000 + '") }'))
    assert len(parsed) == held
    invalid = "{ nope }"
    first, second = asyncio.run(run(invalid)), asyncio.run(run(invalid))
    assert [e.message for e in first.errors or ()] == [e.message for e in second.errors or ()]


def test_documents_are_charged_by_the_bytes_they_hold() -> None:
    # The text, and the token's and the AST's copies of a literal; 4 bytes a character once
    # one character needs them.
    narrow = '{ search(text: "' + "x" * 100_000 + '") { totalCount } }'
    wide = '{ search(text: "' + "\U0001f600" * 100_000 + '") { totalCount } }'
    assert document_bytes(narrow, parse(narrow)) >= 300_000
    assert document_bytes(wide, parse(wide)) >= 1_200_000


def test_the_service_keeps_its_parse_cache_within_its_bound(client: TestClient) -> None:
    for i in range(3):
        client.post("/graphql", json={"query": '{ search(text: "' + str(i) * 600_000 + '") { totalCount } }'})
    assert parse_cache.used <= parse_cache.max_bytes


@pytest.fixture(autouse=True)
def _no_stale_cancellations() -> Iterator[None]:
    cancelled.clear()
    yield


def test_whole_graph_computations_waiting_are_bounded() -> None:
    # Each distinct question starts a computation that outlives its request: past the bound a
    # new one is refused (SERVICE_UNAVAILABLE) instead of queueing work no one may wait for.
    async def scenario() -> None:
        cache = VersionedCache(concurrent=1, pending=3)
        release = asyncio.Event()

        async def compute() -> str:
            await release.wait()
            return "ranking"

        async def current() -> str:
            return "v1"

        waiting = [asyncio.ensure_future(cache.get(("q", i), "v1", compute, current)) for i in range(3)]
        await asyncio.sleep(0)
        with pytest.raises(Busy):
            await cache.get(("q", 3), "v1", compute, current)
        release.set()
        assert await asyncio.gather(*waiting) == ["ranking"] * 3
        assert await cache.get(("q", 3), "v1", compute, current) == "ranking"  # room again

    asyncio.run(scenario())
