"""Curation writes: assertRelationship over HTTP with a curator token, beside the floor.

Each iteration asserts a new claim (COOPERATES_WITH between two curated seed actors, a role of
its own so that each is a claim of its own), then the same claim from a second source (which adds
that source to it), then a new claim through the floor (bench/floors.py: the careful minimal
Cypher, one transaction). Curated seed actors, not synthetic ones: `coopgraph export-seeds`
writes only relationships between curated entities, so a curated claim between synthetic actors
would be left out of the seed files, and `synth` replacing its network would delete it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction

from bench import floors
from bench.latency import Plan, QueryResult, SizeResult
from bench.measure import HttpClient, timed
from bench.queries import DATABASE, run
from graph.validation import relation_id, relation_key, validate_relation

WRITE_NEW = "assertRelationship, new claim"
WRITE_AGAIN = "assertRelationship, same claim, another source"
WRITE_NAMES: tuple[str, ...] = (WRITE_NEW, WRITE_AGAIN)
KIND = "cooperates_with"
MAX_CONSECUTIVE_ERRORS = 3

ADD_SOURCE = "mutation($input: SourceInput!) { addSource(input: $input) { source { key } dataVersion } }"
# As the README's walkthrough: what changed, the change, the new data version.
ASSERT = (
    "mutation($input: RelationshipInput!, $id: String) { "
    "assertRelationship(input: $input, clientMutationId: $id) { "
    "relationship { key revision sources { key } } change { key } dataVersion } }"
)

_CHANGES = "MATCH (c:Change) RETURN count(c) AS count"
_CURATED_ACTORS = (
    "MATCH (n:Actor) WHERE n.curated = true AND coalesce(n.synthetic, false) = false RETURN n.id AS id"
)


@dataclass(frozen=True)
class Claim:
    start: str
    end: str
    role: str


def pick_actors(keys: list[str], seed: int = 42) -> list[tuple[str, str]]:
    """Pairs of distinct curated actors, in a reproducible order."""
    rng = random.Random(seed)  # noqa: S311 - reproducible inputs, not secrets
    keys = sorted(keys)
    pairs = [(a, b) for a in keys for b in keys if a != b]
    rng.shuffle(pairs)
    return pairs


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Writer:
    """Both sides of the write shape at one size: the API (HTTP, curator token) and the floor."""

    def __init__(
        self, http: HttpClient, driver: AsyncDriver, size: str, pairs: list[tuple[str, str]]
    ) -> None:
        self.http = http
        self.driver = driver
        self.size = size
        self.pairs = pairs
        self.first_source = f"src-bench-write-{size.lower()}-a"
        self.second_source = f"src-bench-write-{size.lower()}-b"

    def claim(self, side: str, i: int) -> Claim:
        a, b = self.pairs[i % len(self.pairs)]
        return Claim(a, b, f"bench {self.size} {side} {i}")

    async def add_sources(self) -> None:
        for key in (self.first_source, self.second_source):
            source = {
                "key": key,
                "url": f"https://www.example.org/coopgraph-bench/{key}",
                "language": "en",
                "titleEn": f"Benchmark source {key}",
                "published": "2024",
            }
            await self.http.graphql(ADD_SOURCE, {"input": source})

    async def api(self, claim: Claim, source: str, request: str) -> dict[str, Any]:
        variables = {
            "input": {
                "kind": KIND.upper(),
                "from": claim.start,
                "to": claim.end,
                "role": claim.role,
                "start": "2024",
                "sources": [source],
            },
            "id": request,
        }
        answer = await self.http.graphql(ASSERT, variables)
        payload = answer["data"]["assertRelationship"]
        if payload["change"] is None or payload["relationship"] is None:
            raise RuntimeError(f"assertRelationship changed nothing: {json.dumps(payload)[:200]}")
        return answer

    async def floor(self, claim: Claim) -> str:
        """The new claim through the floor's two statements, one transaction; its data version."""
        data = {"type": KIND, "from": claim.start, "to": claim.end, "role": claim.role, "start": "2024"}
        relation, problems = validate_relation(data, [self.first_source])
        if relation is None or problems:
            raise RuntimeError(f"the floor's claim is invalid: {problems}")
        rel_id = relation_id(relation_key(data))
        props = {**relation["props"], "id": rel_id, "revision": 1}

        async def work(tx: AsyncManagedTransaction) -> str:
            meta = await (await tx.run(floors.WRITE_OPEN, {"now": _now()})).single(strict=True)
            if meta["run"] is not None:
                raise RuntimeError("a maintenance run is changing the graph")
            seq = int(meta["seq"])
            change_id = f"chg-{seq}"
            curated = hashlib.sha256(f"{meta['curated']}\n{change_id}".encode()).hexdigest()[:16]
            diff = [
                {"target": "relationship", "key": rel_id, "field": name, "before": None, "after": value}
                for name, value in sorted(props.items())
                if name not in ("curated", "revision") and not name.endswith(("_date", "_precision"))
            ]
            change = {
                "id": change_id,
                "seq": seq,
                "at": _now(),
                "author": "bench-floor",
                "action": "assert_relationship",
                "subject": f"{claim.start}\n{claim.end}\n{rel_id}",
                "entities": [claim.start, claim.end],
                "relationships": [rel_id],
                "sources": [],
                "diff": json.dumps(diff, default=str),
            }
            params = {
                "from": claim.start,
                "to": claim.end,
                "id": rel_id,
                "sources": [self.first_source],
                "props": props,
                "curated": curated,
                "change": change,
            }
            found = await (await tx.run(floors.WRITE_CLAIM, params)).single()
            if found is None:
                raise RuntimeError(f"the floor wrote nothing for {claim}")
            return str(found["version"])

        async with self.driver.session(database=DATABASE) as session:
            return await session.execute_write(work)

    async def properties(self, claim: Claim) -> dict[str, Any]:
        data = {"type": KIND, "from": claim.start, "to": claim.end, "role": claim.role, "start": "2024"}
        rows = await run(
            self.driver,
            floors.CLAIM_PROPERTIES,
            {"from": claim.start, "to": claim.end, "id": relation_id(relation_key(data))},
        )
        return dict(rows[0]["props"]) if rows else {}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


async def _compare(writer: Writer, api: Claim, floor: Claim, result: QueryResult) -> None:
    """The floor must write what the API writes: the same properties, role and id aside."""
    result.checked += 1
    a, f = await writer.properties(api), await writer.properties(floor)
    ignore = {"id", "role"}
    a_rest = {k: v for k, v in a.items() if k not in ignore}
    f_rest = {k: v for k, v in f.items() if k not in ignore}
    if not a or a_rest != f_rest:
        result.raw.errors.append(
            f"{WRITE_NEW}: the floor writes otherwise: API {a_rest!r:.200} != floor {f_rest!r:.200}"
        )


async def _iteration(writer: Writer, i: int, new: QueryResult, again: QueryResult) -> bool:
    """A new claim, the same claim from the second source, a new claim through the floor, each
    timed; whether the first succeeded."""
    claim, floor_claim = writer.claim("api", i), writer.claim("floor", i)
    request = f"bench-{writer.size}-{i}"
    succeeded = True
    try:
        ms, _ = await timed(functools.partial(writer.api, claim, writer.first_source, request))
        new.api.add(ms)
    except Exception as exc:
        new.api.errors.append(f"{WRITE_NEW}: {_describe(exc)}")
        succeeded = False
    try:
        ms, _ = await timed(functools.partial(writer.api, claim, writer.second_source, request + "-again"))
        again.api.add(ms)
    except Exception as exc:
        again.api.errors.append(f"{WRITE_AGAIN}: {_describe(exc)}")
    try:
        ms, _ = await timed(functools.partial(writer.floor, floor_claim))
        new.raw.add(ms)
    except Exception as exc:
        new.raw.errors.append(f"{WRITE_NEW}: {_describe(exc)}")
    return succeeded


async def measure_writes(
    size: SizeResult,
    *,
    http_port: int,
    bolt_uri: str,
    password: str,
    token: str,
    plan: Plan,
    progress: Callable[[str], None],
) -> str:
    """The write shapes at one size (after its reads: every write gives a new data version); a
    note on the size of the change log they wrote to."""
    driver = AsyncGraphDatabase.driver(bolt_uri, auth=("root", password))
    http = HttpClient(http_port, token=token)
    new, again = QueryResult(WRITE_NEW, floor=True), QueryResult(WRITE_AGAIN)
    size.queries += [new, again]
    changes = ["?", "?"]
    try:
        changes[0] = f"{(await run(driver, _CHANGES, {}))[0]['count']:,}"
        actors = [str(r["id"]) for r in await run(driver, _CURATED_ACTORS, {})]
        if len(actors) < 2:
            raise RuntimeError("fewer than two curated actors in the graph: is the seed graph loaded?")
        writer = Writer(http, driver, size.name, pick_actors(actors))
        await writer.add_sources()
        started = time.monotonic()
        for i in range(plan.warmup):
            claim, floor_claim = writer.claim("warm-up", i), writer.claim("warm-up floor", i)
            await writer.api(claim, writer.first_source, f"bench-{size.name}-warm-{i}")
            await writer.floor(floor_claim)
            if i == 0:
                await _compare(writer, claim, floor_claim, new)
        failing = 0
        for i in range(plan.iterations):
            failing = 0 if await _iteration(writer, i, new, again) else failing + 1
            elapsed = time.monotonic() - started
            if failing >= MAX_CONSECUTIVE_ERRORS or elapsed > 3 * plan.budget_seconds:
                break
            if elapsed > plan.budget_seconds and i + 1 >= min(plan.iterations, 20):
                break
        changes[1] = f"{(await run(driver, _CHANGES, {}))[0]['count']:,}"
        for q in (new, again):
            progress(
                f"  {size.name} {q.name}: API p50 {q.api.p50:.2f} p95 {q.api.p95:.2f} ms, floor p50 "
                f"{q.raw.p50:.2f} ms, n={q.api.n}, errors={len(q.errors)}"
            )
    except Exception as exc:
        new.api.errors.append(f"{WRITE_NEW}: set-up failed: {_describe(exc)}")
    finally:
        await http.close()
        await driver.close()
    return (
        f"writes at size {size.name}: the change log held {changes[0]} changes when they began, "
        f"{changes[1]} when they ended"
    )
