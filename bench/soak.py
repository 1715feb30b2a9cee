"""Soak: mixed reads and maintenance writes from 8 clients for a set time, as `make soak` runs it.

`python -m bench.soak [--minutes 10] [--actors 5000] [--workers 2] [--out SOAK.md]`

Seven clients send the benchmark's queries (bench/queries.py, lookups and other cheap ones
weighted up) in a loop; the eighth client writes: it reloads the curated seed graph
(`coopgraph load`, one transaction) again and again, so reads always meet a write in progress.
The report gives, per interval, requests, errors, latency (p50/p95/p99) and the memory (RSS) of
the service's workers and of the store, then every distinct error seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import AsyncGraphDatabase

from bench.measure import HttpClient
from bench.queries import MIX, Query, Samples, pick_samples
from bench.service import Ports, Service, ServiceError, rss_mb

READERS = 7
# Cheap questions are most of what a dashboard asks; each heavy one appears once in the mix.
WEIGHTS = {"lookup by key": 6, "search": 3, "partners first page": 4, "paths <= 6 hops": 2}


@dataclass
class Interval:
    started: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    writes: int = 0
    write_failures: int = 0
    memory: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Soak:
    interval_seconds: float
    started: float = field(default_factory=time.monotonic)
    intervals: list[Interval] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)

    def current(self) -> Interval:
        index = int((time.monotonic() - self.started) // self.interval_seconds)
        while len(self.intervals) <= index:
            self.intervals.append(Interval(self.started + len(self.intervals) * self.interval_seconds))
        return self.intervals[index]

    def error(self, kind: str) -> None:
        self.current().errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def _weighted(queries: Sequence[Query]) -> list[Query]:
    return [q for q in queries for _ in range(WEIGHTS.get(q.name, 1))]


async def _reader(port: int, samples: Samples, soak: Soak, until: float, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible mix, not a secret
    mix = _weighted(MIX)
    http = HttpClient(port)
    try:
        while time.monotonic() < until:
            query = rng.choice(mix)
            body = json.dumps(
                {"query": query.document, "variables": query.variables(samples, rng.randrange(1000))}
            )
            began = time.perf_counter()
            try:
                status, data = await http.post_raw(body.encode())
            except (OSError, asyncio.IncompleteReadError) as exc:
                soak.error(f"{query.name}: {type(exc).__name__}")
                await http.close()
                await asyncio.sleep(0.1)
                continue
            elapsed = (time.perf_counter() - began) * 1000
            answer = json.loads(data) if data[:1] == b"{" else {}
            if status != 200 or answer.get("errors"):
                codes = [e.get("extensions", {}).get("code") for e in answer.get("errors") or [{}]]
                soak.error(f"{query.name}: HTTP {status} {codes}")
            else:
                soak.current().latencies.append(elapsed)
    finally:
        await http.close()


async def _writer(service: Service, soak: Soak, until: float) -> None:
    while time.monotonic() < until:
        try:
            await asyncio.to_thread(service.run_cli, "load", timeout=300)
            soak.current().writes += 1
        except ServiceError as exc:
            soak.current().write_failures += 1
            soak.error(f"coopgraph load: {str(exc).splitlines()[0][:200]}")
            await asyncio.sleep(1)


async def _memory(service: Service, soak: Soak, until: float) -> None:
    while time.monotonic() < until:
        interval = soak.current()
        for i, pid in enumerate(service.worker_pids()):
            interval.memory[f"worker {i + 1}"] = rss_mb(pid)
        store = service.store_pid()
        interval.memory["store"] = rss_mb(store) if store is not None else None
        await asyncio.sleep(min(5.0, soak.interval_seconds / 2))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def render(soak: Soak, settings: str) -> str:
    names = sorted({name for i in soak.intervals for name in i.memory})
    head = ["minute", "requests", "req/s", "errors", "p50 ms", "p95 ms", "p99 ms", "loads", "failed loads"]
    lines = [
        "# Soak",
        "",
        f"{settings}. Memory is VmRSS in MB at the end of each interval.",
        "",
        "| " + " | ".join(head + [f"{n} MB" for n in names]) + " |",
        "|" + "---:|" * (len(head) + len(names)),
    ]
    for i in soak.intervals:
        count = len(i.latencies)
        cells = [
            f"{(i.started - soak.started) / 60:.1f}",
            str(count + i.errors),
            f"{(count + i.errors) / soak.interval_seconds:.0f}",
            str(i.errors),
            f"{_percentile(i.latencies, 0.5):.1f}",
            f"{_percentile(i.latencies, 0.95):.1f}",
            f"{_percentile(i.latencies, 0.99):.1f}",
            str(i.writes),
            str(i.write_failures),
        ]
        cells += ["-" if (mb := i.memory.get(n)) is None else f"{mb:.0f}" for n in names]
        lines.append("| " + " | ".join(cells) + " |")
    total = sum(i.errors for i in soak.intervals)
    lines += ["", f"Errors in all: {total}."]
    lines += [f"- {n} x {kind}" for kind, n in sorted(soak.error_kinds.items(), key=lambda item: -item[1])]
    return "\n".join(lines) + "\n"


async def soak(service: Service, samples: Samples, seconds: float, interval: float) -> Soak:
    result = Soak(interval)
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(_reader(service.ports.http, samples, result, until, seed) for seed in range(READERS)),
        _writer(service, result, until),
        _memory(service, result, until),
    )
    return result


async def _samples(service: Service) -> Samples:
    driver = AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{service.ports.bolt}", auth=("root", service.password())
    )
    try:
        return await pick_samples(driver)
    finally:
        await driver.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--actors", type=int, default=5000, help="synthetic actors (coopgraph synth)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per report line")
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="coopgraph-soak-"))
    service = Service(data_dir, Ports.pick(), workers=args.workers)
    try:
        print(f"[soak] starting the service in {data_dir}", file=sys.stderr, flush=True)
        service.start()
        service.run_cli("synth", "--actors", str(args.actors), "--seed", "1")
        samples = asyncio.run(_samples(service))
        print(f"[soak] {READERS} readers + 1 writer for {args.minutes:g} min", file=sys.stderr, flush=True)
        result = asyncio.run(soak(service, samples, args.minutes * 60, args.interval))
    finally:
        service.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    settings = (
        f"{args.minutes:g} min, {READERS} reading clients + 1 writing (`coopgraph load` in a loop), "
        f"{args.workers} workers, {args.actors} synthetic actors"
    )
    report = render(result, settings)
    sys.stdout.write(report)
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
    return 1 if any(i.errors for i in result.intervals) else 0


if __name__ == "__main__":
    raise SystemExit(main())
