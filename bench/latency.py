"""One client, sequential: each query of the mix over HTTP and as raw Cypher, interleaved."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase

from bench.measure import HttpClient, Stats, timed
from bench.queries import (
    MIX,
    Query,
    Recorder,
    Samples,
    Steps,
    brokers_uncached,
    co_participation_uncached,
    pick_samples,
    replay,
    run,
)
from graph.cypher.stats import NODE_COUNT, RELATIONSHIP_COUNT
from resolvers.networks import Brokers

MAX_CONSECUTIVE_ERRORS = 3
# A floor's answer is checked against the API's for this many inputs before timing (untimed, so
# that a short run checks them too), then for every further input the timed loop reaches.
CHECKED_FIRST = 20


@dataclass
class QueryResult:
    name: str
    api: Stats = field(default_factory=Stats)
    raw: Stats = field(default_factory=Stats)
    uncached_api_ms: float | None = None
    uncached_raw_ms: float | None = None
    uncached_errors: list[str] = field(default_factory=list)
    floor: bool = False  # raw is the one-statement floor (bench/floors.py)
    checked: int = 0  # inputs whose floor answer was compared with the API's

    @property
    def errors(self) -> list[str]:
        return [*self.uncached_errors, *self.api.errors, *(f"raw: {e}" for e in self.raw.errors)]


@dataclass
class SizeResult:
    name: str
    actors: int
    load_seconds: float
    nodes: int = 0
    relationships: int = 0
    country: str = ""
    queries: list[QueryResult] = field(default_factory=list)
    samples: Samples | None = None

    def query(self, name: str) -> QueryResult | None:
        return next((q for q in self.queries if q.name == name), None)


@dataclass(frozen=True)
class Plan:
    iterations: int
    heavy_iterations: int
    warmup: int
    budget_seconds: float  # per query (API and raw together); stops early once exceeded


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


async def _api_once(http: HttpClient, query: Query, samples: Samples, i: int) -> dict[str, Any]:
    return await http.graphql(query.document, query.variables(samples, i))


class Raw:
    """The raw side of one query: statements captured once per input, replayed when timed."""

    def __init__(self, driver: AsyncDriver, query: Query, samples: Samples) -> None:
        self.driver = driver
        self.query = query
        self.samples = samples
        self.steps: dict[int, Steps] = {}
        self.answers: dict[int, object] = {}  # what the capture returned, per input

    async def prepare(self, i: int) -> Steps:
        if i not in self.steps:
            recorder = Recorder(self.driver)
            self.answers[i] = await self.query.raw(recorder, self.samples, i)
            self.steps[i] = recorder.steps
        return self.steps[i]

    async def replay(self, i: int) -> None:
        await replay(self.driver, self.steps[i])

    async def warm(self, i: int) -> None:
        """Untimed: capture the input's statements, or run them again if captured already."""
        if i in self.steps:
            await self.replay(i)
        else:
            await self.prepare(i)


def _inputs(query: Query, samples: Samples) -> int:
    """How many distinct inputs the query cycles through (captures are keyed by i mod this)."""
    if query.cached:
        return 1
    pools: dict[str, Sequence[object]] = {
        "search": samples.search_terms,
        "paths <= 6 hops": samples.path_pairs,
        "common partners": samples.common_pairs,
        "counsellor coverage": samples.municipalities,
    }
    return len(pools.get(query.name, samples.actors))


async def _warm(raw: Raw, i: int) -> Exception | None:
    try:
        await raw.warm(i)
    except Exception as exc:  # reported with the raw timings of this iteration
        return exc
    return None


async def _measure(
    query: Query, samples: Samples, http: HttpClient, driver: AsyncDriver, plan: Plan, result: QueryResult
) -> None:
    n = plan.heavy_iterations if query.heavy else plan.iterations
    raw = Raw(driver, query, samples)
    modulo = _inputs(query, samples)
    checked: set[int] = set()
    if query.same is not None:
        for i in range(min(modulo, CHECKED_FIRST)):
            await _check(query, samples, http, raw, i, checked, result)
    for i in range(plan.warmup):
        # Warm-up errors are seen again (and counted) in the measured iterations.
        with contextlib.suppress(Exception):
            await _api_once(http, query, samples, i)
        with contextlib.suppress(Exception):
            await raw.prepare(i % modulo)
            await raw.replay(i % modulo)
    started = time.monotonic()
    failing = 0
    api = functools.partial(_api_once, http, query, samples)
    for i in range(n):
        # Each side is timed right after the same request by the same client, untimed: the
        # store, the service and the client are then in the state that request leaves them
        # in, for the API and for raw alike (as for a dashboard repeating its questions).
        # Timing the API right after raw's untimed run, as this did before, cost the API
        # ~0.3 ms more at p50 than raw (both orders measured alternately on the same inputs).
        answer: dict[str, Any] | None = None
        with contextlib.suppress(Exception):
            answer = await api(i)  # an error shows again in the timed request
        try:
            ms, _ = await timed(functools.partial(api, i))
            result.api.add(ms)
            failing = 0
        except Exception as exc:
            result.api.errors.append(f"{query.name}: {_describe(exc)}")
            failing += 1
        prepared = await _warm(raw, i % modulo)
        if query.same is not None and answer is not None and prepared is None and i % modulo not in checked:
            checked.add(i % modulo)
            _compare(query, answer, raw, i % modulo, result)
        try:
            if prepared is not None:
                raise prepared
            ms, _ = await timed(functools.partial(raw.replay, i % modulo))
            result.raw.add(ms)
        except Exception as exc:
            result.raw.errors.append(f"{query.name}: {_describe(exc)}")
        elapsed = time.monotonic() - started
        if failing >= MAX_CONSECUTIVE_ERRORS or elapsed > 3 * plan.budget_seconds:
            break  # a query that keeps failing (or crawling) is reported as such, not retried for ever
        if elapsed > plan.budget_seconds and i + 1 >= min(n, 20):
            break


async def _check(
    query: Query, samples: Samples, http: HttpClient, raw: Raw, i: int, checked: set[int], result: QueryResult
) -> None:
    """Untimed: ask both sides for input i and compare (failures show again in the timed runs)."""
    try:
        answer = await _api_once(http, query, samples, i)
        await raw.prepare(i)
    except Exception:  # counted where it is timed
        return
    checked.add(i)
    _compare(query, answer, raw, i, result)


def _compare(query: Query, answer: dict[str, Any], raw: Raw, i: int, result: QueryResult) -> None:
    """A floor must give the API's answer (each input once, from the untimed runs)."""
    assert query.same is not None
    result.checked += 1
    try:
        problem = query.same(answer, raw.answers.get(i))
    except Exception as exc:
        problem = _describe(exc)
    if problem is not None:
        result.raw.errors.append(f"{query.name}: the floor answers otherwise for input {i}: {problem}")


async def _uncached(
    query: Query, samples: Samples, http: HttpClient, driver: AsyncDriver, result: QueryResult
) -> None:
    """The first call after a data change computes; time it, and the raw statements behind it, once."""
    try:
        ms, _ = await timed(lambda: _api_once(http, query, samples, 0))
        result.uncached_api_ms = ms
    except Exception as exc:
        result.uncached_errors.append(f"{query.name} (uncached): {_describe(exc)}")
    compute = brokers_uncached if query.name.startswith("brokers") else co_participation_uncached
    try:
        recorder = Recorder(driver)
        found = await compute(recorder, samples)
        if isinstance(found, Brokers):
            samples.broker_keys = [b.key for b in found.items]
        elif isinstance(found, list):
            pairs = [(getattr(r, "a", ""), getattr(r, "b", "")) for r in found]
            samples.co_keys = sorted({key for pair in pairs for key in pair})
        ms, _ = await timed(lambda: replay(driver, recorder.steps))
        result.uncached_raw_ms = ms
    except Exception as exc:
        result.uncached_errors.append(f"raw: {query.name} (uncached): {_describe(exc)}")


async def measure_size(
    size: SizeResult,
    *,
    http_port: int,
    bolt_uri: str,
    password: str,
    plan: Plan,
    progress: Any,
    queries: Sequence[Query] = MIX,
) -> None:
    driver = AsyncGraphDatabase.driver(bolt_uri, auth=("root", password))
    http = HttpClient(http_port)
    try:
        size.nodes = int((await run(driver, NODE_COUNT, {}))[0]["count"])
        size.relationships = int((await run(driver, RELATIONSHIP_COUNT, {}))[0]["count"])
        samples = await pick_samples(driver)
        size.samples = samples
        size.country = samples.country
        for query in queries:
            result = QueryResult(query.name, floor=query.floor)
            size.queries.append(result)
            started = time.monotonic()
            if query.cached:
                await _uncached(query, samples, http, driver, result)
            await _measure(query, samples, http, driver, plan, result)
            progress(
                f"  {size.name} {query.name}: API p50 {result.api.p50:.2f} ms, raw p50 "
                f"{result.raw.p50:.2f} ms, n={result.api.n}, errors={len(result.errors)}"
                + (f", floor checked on {result.checked} inputs " if result.floor else " ")
                + f"({time.monotonic() - started:.0f} s)"
            )
    finally:
        await http.close()
        await driver.close()
