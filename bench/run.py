"""Benchmark the service: `python -m bench.run [--sizes S,M] [--iterations N] [--smoke] [--out FILE]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.imports import TARGET_RELATIONSHIPS, ImportResult, measure_import
from bench.latency import Plan, SizeResult, measure_size
from bench.load import Throughput, throughput, wrk_available
from bench.queries import LOOKUP, MIX, PARTNERS, Query, Samples
from bench.report import BenchResult, Memory, render
from bench.service import Ports, Service, rss_mb
from bench.writes import WRITE_NAMES, measure_writes

SIZES = {"S": 10_000, "M": 100_000}
SMOKE_ACTORS = 2_000
SMOKE_IMPORT = 2_000  # relationships (between 200 organisations and 20 projects)
CLIENTS = 8


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_sizes(text: str) -> list[tuple[str, int]]:
    """`S,M`, or `NAME=ACTORS` items: `S=2000,M`."""
    sizes: list[tuple[str, int]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, actors = item.partition("=")
        if actors:
            sizes.append((name, int(actors)))
        elif name in SIZES:
            sizes.append((name, SIZES[name]))
        else:
            raise argparse.ArgumentTypeError(f"unknown size {name!r}: use S, M or NAME=ACTORS")
    return sizes


def parse_only(text: str) -> tuple[tuple[Query, ...], bool]:
    """The queries whose name contains one of the comma-separated texts (case-insensitive), and
    whether one of the write shapes' names (bench/writes.py) does."""
    texts = [part.strip().lower() for part in text.split(",") if part.strip()]
    chosen = tuple(q for q in MIX if any(t in q.name.lower() for t in texts))
    writes = any(t in name.lower() for t in texts for name in WRITE_NAMES)
    if not chosen and not writes:
        names = "; ".join([*(q.name for q in MIX), *WRITE_NAMES])
        raise argparse.ArgumentTypeError(f"no query name contains any of {texts}: {names}")
    return chosen, writes


def _bodies(samples: Samples, mix: bool) -> list[bytes]:
    bodies: list[bytes] = []
    for i in range(len(samples.actors)):
        bodies.append(
            json.dumps({"query": LOOKUP.document, "variables": LOOKUP.variables(samples, i)}).encode()
        )
        if mix:
            bodies.append(
                json.dumps({"query": PARTNERS.document, "variables": PARTNERS.variables(samples, i)}).encode()
            )
    return bodies


def _memory(service: Service, label: str) -> list[Memory]:
    found = [Memory(f"service worker ({label})", pid, rss_mb(pid)) for pid in service.worker_pids()]
    store = service.store_pid()
    if store is not None:
        found.append(Memory(f"embedded store JVM ({label})", store, rss_mb(store)))
    return found


def _throughput(
    result: BenchResult, service: Service, samples: Samples, seconds: float, warmup: float, use_wrk: bool
) -> None:
    def run(name: str, mix: bool, duration: float) -> Throughput:
        return throughput(
            name,
            service.ports.http,
            _bodies(samples, mix),
            workers=service.workers,
            clients=CLIENTS,
            seconds=duration,
            use_wrk=use_wrk,
        )

    if warmup > 0:
        # A freshly started store runs the mix at half speed until its JIT has compiled the
        # query paths (about 30 s of load); the 2-worker service starts a new store.
        say(f"throughput warm-up: the mix for {warmup:g} s, not counted")
        result.notes.append(
            f"{service.workers}-worker throughput runs follow {warmup:g} s of the lookup/partners mix, "
            "not counted (the store's JIT warm-up: the 2-worker service starts a new store)."
        )
        run("warm-up", True, warmup)
    for name, mix in (("lookup", False), ("mix", True)):
        say(f"throughput {name}, {service.workers} worker(s), {CLIENTS} clients, {seconds:g} s")
        t = run(name, mix, seconds)
        say(f"  {t.rps:.0f} req/s, {t.errors} errors ({t.client})")
        result.throughput.append(t)


def _import(service: Service, data_dir: Path, uri: str, count: int) -> ImportResult:
    found = ImportResult(
        count,
        organisations=max(20, min(5_000, count // 10)),
        projects=max(5, min(500, count // 100)),
        heap=service.env.get("COOPGRAPH_STORE_HEAP") or "1g, the default",
    )
    measure_import(service, data_dir / "import", found, bolt_uri=uri, progress=say)
    return found


def bench(args: argparse.Namespace, result: BenchResult) -> None:
    sizes: list[tuple[str, int]] = args.sizes
    plan = Plan(
        iterations=args.iterations,
        heavy_iterations=max(3, args.iterations // 6),
        warmup=min(10, max(1, args.iterations // 10)),
        budget_seconds=args.budget,
    )
    data_dir = Path(tempfile.mkdtemp(prefix="coopgraph-bench-"))
    ports = Ports.pick()
    service = Service(data_dir, ports, workers=1)
    RUNNING[:] = [service]
    use_wrk = not args.smoke and not args.python_client
    if use_wrk and not wrk_available():
        result.notes.append("wrk not found: throughput measured with the Python asyncio client.")
    try:
        say(f"starting coopgraph serve (1 worker), data dir {data_dir}")
        result.notes.append(f"service start-up with an empty data dir: {service.start():.1f} s")
        uri = f"bolt://127.0.0.1:{ports.bolt}"
        token = ""
        if args.writes:
            # As a curator would: the secret is printed once, on stdout.
            token = service.cli("token", "create", "--role", "curator", "--name", "bench")[1].strip()
        for name, actors in sizes:
            say(f"loading size {name}: coopgraph synth --actors {actors} --seed 1")
            load_seconds = service.run_cli("synth", "--actors", str(actors), "--seed", "1")
            say(f"  loaded in {load_seconds:.1f} s")
            size = SizeResult(name, actors, load_seconds)
            result.sizes.append(size)
            asyncio.run(
                measure_size(
                    size,
                    http_port=ports.http,
                    bolt_uri=uri,
                    password=service.password(),
                    plan=plan,
                    progress=say,
                    queries=args.only,
                )
            )
            if args.writes:
                note = asyncio.run(
                    measure_writes(
                        size,
                        http_port=ports.http,
                        bolt_uri=uri,
                        password=service.password(),
                        token=token,
                        plan=plan,
                        progress=say,
                    )
                )
                result.notes.append(note)
        last = result.sizes[-1]
        assert last.samples is not None
        result.memory += _memory(service, f"1 worker, after the {last.name} latency runs")
        _throughput(result, service, last.samples, args.duration, args.warmup, use_wrk)
        result.memory += _memory(service, "1 worker, after throughput")
        say("restarting coopgraph serve with 2 workers on the same data dir")
        service.stop()
        service = Service(data_dir, ports, workers=2)
        RUNNING[:] = [service]
        result.notes.append(f"service restart with 2 workers on size {last.name}: {service.start():.1f} s")
        _throughput(result, service, last.samples, args.duration, args.warmup, use_wrk)
        result.memory += _memory(service, "2 workers, after throughput")
        if args.import_relationships > 0:
            # Last: the import adds curated data the measurements above would otherwise see.
            result.imports = _import(service, data_dir, uri, args.import_relationships)
    finally:
        say("stopping the service")
        service.stop()
        result.notes += store_errors(data_dir)
        load = os.getloadavg()
        result.notes.append(
            f"load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min; "
            "includes the benchmark itself and anything else running on the machine)"
        )
        if args.keep_data:
            say(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


RUNNING: list[Service] = []  # the service to stop first when the benchmark itself is stopped


def store_errors(data_dir: Path, limit: int = 5) -> list[str]:
    """The store's own words for failed queries (its log goes with the temporary data dir)."""
    counts: dict[str, int] = {}
    try:
        text = (data_dir / "store.log").read_text(errors="replace")
    except OSError:
        return []
    for line in text.splitlines():
        if "Exception: " in line and not line.lstrip().startswith("at "):
            message = re.sub(r"\d+(\.\d+)?\s?[KMG]?B\b", "N", line.split("Exception: ", 1)[1])[:300]
            if "does not exist" not in message:  # the first start creates the database
                counts[message] = counts.get(message, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:limit]
    return [f"store log: {n} x `{message}`" for message, n in ranked]


def _on_sigterm(signum: int, _frame: Any) -> None:
    # Stop the service first so that requests in flight fail at once, then unwind (finally).
    for service in RUNNING:
        if service.process is not None and service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
    raise SystemExit(128 + signum)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", type=parse_sizes, default=None, help="S,M (default) or NAME=ACTORS,...")
    parser.add_argument("--iterations", type=int, default=None, help="per local query (default 300)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per throughput run (15)")
    parser.add_argument(
        "--warmup", type=float, default=None, help="seconds of untimed load before throughput runs (30)"
    )
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per query and size, at most")
    parser.add_argument("--smoke", action="store_true", help=f"size S with {SMOKE_ACTORS} actors, quick")
    parser.add_argument(
        "--only",
        default=None,
        metavar="TEXT[,TEXT]",
        help="latency of the queries (and write shapes) whose name contains a TEXT alone, e.g. "
        "`nested` or `assertRelationship` (default: all); no import unless --import-relationships",
    )
    parser.add_argument("--no-writes", action="store_true", help="leave out the write shapes")
    parser.add_argument(
        "--import-relationships",
        type=int,
        default=None,
        help=f"relationships in the timed import ({TARGET_RELATIONSHIPS:,}; "
        f"{SMOKE_IMPORT:,} with --smoke; 0: none)",
    )
    parser.add_argument("--python-client", action="store_true", help="throughput without wrk")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary data dir")
    parser.add_argument("--out", type=Path, default=None, help="report file (default BENCHMARKS.md)")
    return parser


def _settle(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Defaults that depend on other arguments."""
    if args.only is None:
        args.only, args.writes = MIX, True
    else:
        try:
            args.only, args.writes = parse_only(args.only)
        except argparse.ArgumentTypeError as exc:
            parser.error(str(exc))
        if args.import_relationships is None:
            args.import_relationships = 0
    args.writes = args.writes and not args.no_writes
    if args.smoke:
        args.sizes = args.sizes or [("S", SMOKE_ACTORS)]
        args.iterations = args.iterations or 5
        args.duration = args.duration or 2.0
        args.warmup = 0.0 if args.warmup is None else args.warmup
        args.budget = min(args.budget, 10.0)
        args.import_relationships = (
            SMOKE_IMPORT if args.import_relationships is None else args.import_relationships
        )
        if args.out is None:
            args.out = Path(tempfile.mkstemp(prefix="coopgraph-bench-", suffix=".md")[1])
    args.sizes = args.sizes or parse_sizes("S,M")
    args.iterations = args.iterations or 300
    if args.import_relationships is None:
        args.import_relationships = TARGET_RELATIONSHIPS
    args.duration = args.duration or 15.0
    args.warmup = 30.0 if args.warmup is None else args.warmup
    args.out = args.out or Path("BENCHMARKS.md")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _settle(parser, args)
    signal.signal(signal.SIGTERM, _on_sigterm)
    result = BenchResult(command="python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv))
    code = 0
    try:
        bench(args, result)
    except Exception as exc:  # the report says what went wrong, and so does the exit code
        result.fatal = f"{type(exc).__name__}: {exc}"
        say(f"failed: {result.fatal}")
        code = 1
    except KeyboardInterrupt:
        result.fatal = "interrupted"
        code = 130
    args.out.write_text(render(result), encoding="utf-8")
    say(f"report written to {args.out}")
    if result.errors():
        code = code or 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
