"""BENCHMARKS.md: machine, versions, sizes, latency tables, throughput, memory, targets."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench.imports import TARGET_RELATIONSHIPS, TARGET_SECONDS, ImportResult
from bench.latency import QueryResult, SizeResult
from bench.load import Throughput
from bench.measure import Stats
from bench.queries import NESTED_20, NESTED_100, NESTED_RELATIONSHIPS
from bench.writes import WRITE_AGAIN, WRITE_NEW

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Memory:
    label: str
    pid: int
    rss_mb: float | None


@dataclass
class BenchResult:
    command: str
    sizes: list[SizeResult] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)
    memory: list[Memory] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    imports: ImportResult | None = None
    fatal: str | None = None

    def errors(self) -> list[str]:
        found = [f"{s.name}: {e}" for s in self.sizes for q in s.queries for e in q.errors]
        if self.imports is not None:
            found += self.imports.errors
        for t in self.throughput:
            if t.errors:
                found.append(
                    f"throughput {t.name}, {t.workers} worker(s): {t.errors} errors; e.g. "
                    + "; ".join(t.error_samples[:2])
                )
        if self.fatal:
            found.append(f"run aborted: {self.fatal}")
        return found


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return "?"
    return done.stdout.strip() or "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:.1f}" if value >= 100 else f"{value:.2f}"


def _ratio(api: Stats, raw: Stats) -> str:
    if not api.n or not raw.n or raw.p50 <= 0:
        return "-"
    return f"{api.p50 / raw.p50:.2f}x"


def _overhead(api: Stats, raw: Stats) -> str:
    if not api.n or not raw.n:
        return "-"
    return f"{api.p50 - raw.p50:+.2f}"


def _cooperating(size: SizeResult) -> str:
    if size.samples is None:
        return ""
    s = size.samples
    found = len(s.cooperators)
    return f"; inputs of the two-level shapes (actors with COOPERATES_WITH): {found} of {len(s.actors)}"


def _size_table(size: SizeResult) -> list[str]:
    lines = [
        f"### Size {size.name}: {size.actors:,} actors ({size.nodes:,} nodes, "
        f"{size.relationships:,} relationships); country for co-participation/brokers: {size.country}"
        + _cooperating(size),
        "",
        "| query | n | API p50 | API p95 | API p99 | raw p50 | raw p95 | raw p99 | API/raw p50 "
        "| API - raw p50 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for q in size.queries:
        if q.uncached_api_ms is not None or q.uncached_raw_ms is not None or q.uncached_errors:
            ratio = (
                f"{q.uncached_api_ms / q.uncached_raw_ms:.2f}x"
                if q.uncached_api_ms and q.uncached_raw_ms
                else "-"
            )
            diff = (
                f"{q.uncached_api_ms - q.uncached_raw_ms:+.1f}"
                if q.uncached_api_ms is not None and q.uncached_raw_ms is not None
                else "-"
            )
            lines.append(
                f"| {q.name}: first call, uncached | 1 | {_ms(q.uncached_api_ms)} | | | "
                f"{_ms(q.uncached_raw_ms)} | | | {ratio} | {diff} | {len(q.uncached_errors)} |"
            )
        label = f"{q.name}: cached repeats" if q.uncached_api_ms is not None else q.name
        if q.floor:
            label += " (raw: floor)"
        lines.append(
            f"| {label} | {q.api.n} | {_ms(q.api.p50)} | {_ms(q.api.p95)} | {_ms(q.api.p99)} | "
            f"{_ms(q.raw.p50)} | {_ms(q.raw.p95)} | {_ms(q.raw.p99)} | {_ratio(q.api, q.raw)} | "
            f"{_overhead(q.api, q.raw)} | {len(q.api.errors) + len(q.raw.errors)} |"
        )
    lines.append("")
    return lines


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    passed: bool | None  # None: not measured


def _find(sizes: dict[str, SizeResult], size: str, name: str) -> QueryResult | None:
    found = sizes.get(size)
    return found.query(name) if found else None


# The nested shapes (bench/floors.py), with their labels in the targets table.
NESTED: tuple[tuple[str, str], ...] = (
    (NESTED_100.name, "nested cooperation, 2 levels x 100"),
    (NESTED_20.name, "nested cooperation, 2 levels x 20"),
    (NESTED_RELATIONSHIPS.name, "nested 20 relationships with sources and other end"),
)


def _p95(q: QueryResult | None, limit: float, label: str) -> Verdict:
    target = f"{label} p95 ≤ {limit:g} ms"
    if q is not None and not q.api.n and q.api.errors:
        return Verdict(target, f"every call failed ({q.api.errors[0][:80]})", False)
    if q is None or not q.api.n:
        return Verdict(target, "not measured", None)
    return Verdict(target, f"{q.api.p95:.2f} ms", q.api.p95 <= limit and not q.errors)


def _nested_targets(sizes: dict[str, SizeResult]) -> list[Verdict]:
    """Each nested shape at M: API p95 ≤ 30 ms, API p50 ≤ 2x the floor's (and the same answers)."""
    verdicts: list[Verdict] = []
    for name, label in NESTED:
        q = _find(sizes, "M", name)
        verdicts.append(_p95(q, 30, label))
        target = f"{label}: API p50 ≤ 2x the floor's"
        if q is None or not q.api.n or not q.raw.n or q.raw.p50 <= 0:
            verdicts.append(Verdict(target, "not measured", None))
            continue
        factor = q.api.p50 / q.raw.p50
        measured = f"{factor:.2f}x ({q.api.p50:.2f} vs {q.raw.p50:.2f} ms)"
        verdicts.append(Verdict(target, measured, factor <= 2 and not q.errors))
    return verdicts


def _import_target(found: ImportResult | None) -> Verdict:
    target = f"import {TARGET_RELATIONSHIPS:,} relationships ≤ {TARGET_SECONDS:g} s"
    if found is None or found.seconds is None:
        failed = found.errors[0][:80] if found is not None and found.errors else None
        return Verdict(target, f"failed ({failed})" if failed else "not measured", False if failed else None)
    measured = f"{found.seconds:.1f} s for {found.relationships:,}"
    if found.relationships < TARGET_RELATIONSHIPS:
        return Verdict(target, measured + " (too few to judge)", None)
    return Verdict(target, measured, found.seconds <= TARGET_SECONDS and not found.errors)


def _import_section(found: ImportResult | None) -> list[str]:
    if found is None:
        return []

    def secs(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} s"

    rate = f"{found.relationships / found.seconds:,.0f} relationships/s" if found.seconds else "-"
    unchanged = {None: "-", True: "yes", False: "NO"}[found.unchanged]
    return [
        "## Import (`coopgraph import`)",
        "",
        f"`python -m bench.import_data` files: {found.organisations:,} organisations and {found.projects:,} "
        f"projects (imported first, with their source: {secs(found.entities_seconds)}), then "
        f"{found.relationships:,} relationships between them, timed end to end (the command's "
        f"process from start to exit) against the running service's store (heap {found.heap}).",
        "",
        "| import | relationships | time | rate | graph changed |",
        "|---|---:|---:|---:|---|",
        f"| relationships.csv, first time | {found.relationships:,} | {secs(found.seconds)} | {rate} | "
        f"{'-' if found.created is None else f'+{found.created:,} claims'} |",
        f"| the same file again | {found.relationships:,} | {secs(found.again_seconds)} | | "
        f"{'-' if found.unchanged is None else ('no' if found.unchanged else 'YES (an error)')} |",
        "",
        "Claims are counted by their two kinds (COOPERATES_WITH, PARTICIPATES_IN). The same file "
        f"again left the data version and that count as they were: {unchanged}.",
    ]


def targets(result: BenchResult) -> list[Verdict]:  # noqa: PLR0912 - one branch per target
    sizes = {s.name: s for s in result.sizes}
    verdicts: list[Verdict] = []

    def p95(name: str, limit: float, label: str) -> None:
        verdicts.append(_p95(_find(sizes, "M", name), limit, label))

    p95("lookup by key", 10, "lookup")
    p95("search", 30, "search")
    p95("partners first page", 25, "partners first page")
    p95("paths <= 6 hops", 50, "paths")
    p95("network depth 2", 150, "network around an actor")
    p95("network depth 2, node-link JSON", 150, "network around an actor, as node-link JSON")
    for name, label in (("brokers (country)", "brokers"), ("co-participation (country)", "co-participation")):
        p95(name, 50, f"{label}, one country, cached")
        q = _find(sizes, "M", name)
        failed = [e for e in q.uncached_errors if not e.startswith("raw:")] if q is not None else []
        if failed:
            verdicts.append(Verdict(f"{label}, first uncached < 10 s", f"failed ({failed[0][:80]})", False))
        elif q is None or q.uncached_api_ms is None:
            verdicts.append(Verdict(f"{label}, first uncached < 10 s", "not measured", None))
        else:
            verdicts.append(
                Verdict(
                    f"{label}, first uncached < 10 s",
                    f"{q.uncached_api_ms / 1000:.2f} s",
                    q.uncached_api_ms < 10_000,
                )
            )
    verdicts += _nested_targets(sizes)
    p95(WRITE_NEW, 20, "single-relationship mutation (assertRelationship, a new claim)")
    p95(
        WRITE_AGAIN,
        20,
        "single-relationship mutation (assertRelationship, the same claim from another source)",
    )
    verdicts.append(_import_target(result.imports))
    for name, label in (("lookup by key", "lookup"), ("partners first page", "partners")):
        q = _find(sizes, "M", name)
        if q is None or not q.api.n or not q.raw.n:
            verdicts.append(Verdict(f"API overhead over raw, {label}, p50 ≤ 2 ms", "not measured", None))
        else:
            over = q.api.p50 - q.raw.p50
            verdicts.append(
                Verdict(f"API overhead over raw, {label}, p50 ≤ 2 ms", f"{over:+.2f} ms", over <= 2)
            )
    for name, label in (
        ("lookup by key", "lookup"),
        ("partners first page", "partners"),
        ("paths <= 6 hops", "paths"),
        ("network depth 2", "network"),
    ):
        m, s = _find(sizes, "M", name), _find(sizes, "S", name)
        target = f"{label}: p50 at M within 1.5x of S"
        if m is None or s is None or not m.api.n or not s.api.n:
            verdicts.append(Verdict(target, "not measured", None))
        else:
            factor = m.api.p50 / s.api.p50
            verdicts.append(
                Verdict(target, f"{factor:.2f}x ({s.api.p50:.2f} -> {m.api.p50:.2f} ms)", factor <= 1.5)
            )
    at_m = "M" in sizes
    for name, label, limit in (("lookup", "lookups", 700), ("mix", "lookup/partners 50/50", 450)):
        t = next((t for t in result.throughput if t.workers == 2 and t.name == name), None)
        target = f"2 workers, 8 clients, {label} ≥ {limit} req/s, no errors"
        if t is None or not at_m:
            verdicts.append(Verdict(target, "not measured at M", None))
        else:
            verdicts.append(
                Verdict(target, f"{t.rps:.0f} req/s, {t.errors} errors", t.rps >= limit and t.errors == 0)
            )
    service = [m for m in result.memory if m.label.startswith("service") and m.rss_mb is not None]
    if not service or not at_m:
        verdicts.append(Verdict("service process memory < 300 MB at M", "not measured at M", None))
    else:
        worst = max(service, key=lambda m: m.rss_mb or 0.0)
        verdicts.append(
            Verdict(
                "service process memory < 300 MB at M",
                f"max {worst.rss_mb:.0f} MB ({worst.label})",
                (worst.rss_mb or 0.0) < 300,
            )
        )
    return verdicts


def render(result: BenchResult) -> str:
    # The report file itself is rewritten by every run: it does not make the tree dirty.
    dirty = _git("status", "--porcelain", "--", ".", ":(exclude)BENCHMARKS.md") not in ("", "?")
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{result.command}` on {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, "
        f"commit `{_git('rev-parse', '--short', 'HEAD')}`"
        + (" (working tree has uncommitted changes)." if dirty else "."),
        "",
        "## Machine and versions",
        "",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} logical cores (nproc); RAM {_ram_gib()}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, strawberry-graphql {_version('strawberry-graphql')}, "
        f"neo4j driver {_version('neo4j')}, arcadedb-embedded {_version('arcadedb-embedded')}, "
        f"uvicorn {_version('uvicorn')}, starlette {_version('starlette')}",
        "",
        "## Method",
        "",
        "- The service runs as users run it: `coopgraph serve` (embedded ArcadeDB store as its child, "
        "own temporary data dir, free loopback ports); data is written with `coopgraph synth --actors N "
        "--seed 1` against the running store.",
        "- Latency: one client, sequential, HTTP/1.1 keep-alive POST /graphql "
        "(`Accept: application/graphql-response+json`); after a warm-up, each iteration sends the "
        "GraphQL request twice and times the second, then runs the same Cypher twice and times the "
        "second. Each timing thus follows the same request by the same client (a warm store cache, "
        "a warm service), and neither side follows the other: timed right after raw's untimed run, "
        "the API paid ~0.3 ms more at p50. The raw side is "
        "the Cypher the resolver sends, imported from `graph.cypher`, "
        "with the same input, through the official async `neo4j` driver (`execute_query`, "
        "`database_='coopgraph'`, read routing). Inputs come from `random.Random(42)` over the "
        "graph: random synthetic actors plus 5 each of agencies, ministries, schools and "
        "municipalities; random actor pairs for paths; actor pairs two hops apart for common "
        "partners; folded name prefixes for search; random municipalities for coverage.",
        "- Latencies are therefore those of a request repeated at once (as for a dashboard polling "
        "the same questions); runs before this method are not strictly comparable. The untimed "
        "runs count against each query's time budget.",
        "- `raw` repeats every statement of the resolver's code path (e.g. network = entity, two "
        "neighbour levels, edges among, degrees; a cached answer = data version + the entities "
        "it names) but does no GraphQL work; API/raw and API - raw at p50 are therefore the cost "
        "of the Python API. Heavy queries get fewer iterations and each query a time budget, so `n` "
        "varies. Percentiles are nearest-rank; all times in ms.",
        "- Rows marked `(raw: floor)`, the nested selections, compare the API's whole route with "
        "the floor instead (`bench/floors.py`): the one Cypher statement a careful person would write "
        "for the same answer, with the API's order and window (`first` per level) and only the "
        "properties asked for. The two-level cooperation shapes take those of the random actors that "
        "have a COOPERATES_WITH relationship (persons have none; the count is in each size's heading): "
        "an actor without one answers empty and would time a request's fixed cost (HTTP, GraphQL), "
        "not a traversal. Runs before 2026-12-04 took all the actors. Every input's floor "
        "answer is checked against the API's (a difference is an error). Targets at M: API p50 ≤ 2x "
        "the floor's, API p95 ≤ 30 ms.",
        "- Writes, at each size after its reads (a write gives a new data version, which would "
        "empty the caches the reads use): `assertRelationship` over HTTP with a curator token "
        "(`coopgraph token create --role curator`) and a `clientMutationId`, selecting the "
        "relationship (key, revision, sources), the change and the data version. Each iteration "
        "asserts a new COOPERATES_WITH claim between two curated seed actors (a role of its own "
        "makes each a claim of its own; curated, not synthetic, actors: `export-seeds` writes only "
        "relationships between curated entities), then the same claim from a second source (which "
        "adds the source to it), then a new claim through the floor: the careful minimal Cypher, one "
        "transaction through the driver (`bench/floors.py` WRITE_OPEN, WRITE_CLAIM: the Meta node "
        "written first as every curation write must, both ends found by key, the claim checked new "
        "and its sources present, created, both ends' degrees refreshed, the Change node (linked to "
        "both ends) and the new data version recorded). The floor skips the API's lookups (merged "
        "keys, the claim by kind, the client mutation id) and its read-back of the relationship; "
        "its claim's properties are checked to be the API's. Each write is timed once (it cannot "
        "be repeated). The second-source case has no floor. Target at M: p95 ≤ 20 ms.",
        "- Import: `coopgraph import` of `python -m bench.import_data`'s files (100,000 "
        "relationships) against the running service's store, after the throughput runs; see Import.",
        "",
        "## Sizes and load times",
        "",
        "| size | actors | nodes | relationships | `coopgraph synth` time |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in result.sizes:
        lines.append(
            f"| {s.name} | {s.actors:,} | {s.nodes:,} | {s.relationships:,} | {s.load_seconds:.1f} s |"
        )
    lines += ["", "## Latency, one client (ms)", ""]
    for s in result.sizes:
        lines += _size_table(s)
    lines += [
        "## Throughput",
        "",
        "| workers | workload | clients | duration | req/s | errors | client | client p50 | client p99 |",
        "|---:|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for t in result.throughput:
        workload = "lookups by id" if t.name == "lookup" else "50/50 lookup + partners first page"
        lines.append(
            f"| {t.workers} | {workload} | {t.clients} | {t.seconds:.1f} s | {t.rps:.0f} | {t.errors} | "
            f"{t.client} | {_ms(t.p50_ms)} | {_ms(t.p99_ms)} |"
        )
    if result.sizes:
        lines += ["", f"Throughput measured on size {result.sizes[-1].name}."]
    lines += ["", "## Memory (VmRSS)", "", "| process | pid | RSS |", "|---|---:|---:|"]
    for m in result.memory:
        lines.append(f"| {m.label} | {m.pid} | {'gone' if m.rss_mb is None else f'{m.rss_mb:.0f} MB'} |")
    if result.imports is not None:
        lines += ["", *_import_section(result.imports)]
    lines += ["", "## Targets (size M)", "", "| target | measured | verdict |", "|---|---|---|"]
    for v in targets(result):
        verdict = "n/a" if v.passed is None else ("PASS" if v.passed else "MISS")
        lines.append(f"| {v.target} | {v.measured} | {verdict} |")
    if result.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in result.notes]
    errors = result.errors()
    lines += ["", "## Errors", ""]
    if errors:
        lines += [f"**Errors:** {len(errors)}", ""] + [f"- {e}" for e in errors[:50]]
    else:
        lines.append("**Errors:** none")
    return "\n".join(lines) + "\n"
