"""The benchmark runs end to end in smoke mode (this checks that it works, not how fast things are)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import bench.floors
import bench.queries
from bench.floors import same_relationships, same_two_levels
from bench.queries import MIX, QUERY_NAMES
from bench.report import NESTED
from bench.writes import WRITE_NAMES, WRITE_NEW
from tests.test_cypher_lint import lint

ROOT = Path(__file__).resolve().parent.parent


def test_smoke_benchmark_runs_and_reports_every_query(tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    for name in QUERY_NAMES:
        assert f"| {name}" in report, name
    # The nested shapes' floors gave the API's answers (a difference is an error) and have targets.
    for name, label in NESTED:
        assert f"| {name} (raw: floor) |" in report, name
        assert f"| {label} p95 ≤ 30 ms |" in report, label
        assert f"| {label}: API p50 ≤ 2x the floor's |" in report, label
    # The write shapes (assertRelationship with a curator token; a new claim beside its floor) and
    # the timed import (smoke size: too few relationships to judge the target), with their targets.
    for name in WRITE_NAMES:
        assert f"| {name}" in report, name
    assert f"| {WRITE_NEW} (raw: floor) |" in report
    assert report.count("| single-relationship mutation (assertRelationship, ") == 2
    assert "## Import (`coopgraph import`)" in report
    assert "| relationships.csv, first time | 2,000 |" in report
    assert "again left the data version and that count as they were: yes" in report
    assert "| import 100,000 relationships ≤ 60 s | " in report
    assert "## Throughput" in report
    assert "## Memory (VmRSS)" in report
    assert "## Targets (size M)" in report
    assert "**Errors:** none" in report, report[report.find("## Errors") :]


def bench_statements() -> dict[str, str]:
    """The Cypher bench/ sends of its own (floors, sample picking): module-level string constants
    with upper-case names (tests/test_cypher_lint.py covers graph.cypher)."""
    found: dict[str, str] = {}
    for module in (bench.floors, bench.queries):
        for name in getattr(module, "__annotations__", {}):
            value = getattr(module, name, None)
            if name.lstrip("_").isupper() and isinstance(value, str):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_bench_statements_are_valid_neo4j_5_cypher() -> None:
    statements = bench_statements()
    assert {
        "bench.floors.TWO_LEVELS_COOPERATION",
        "bench.floors.RELATIONSHIPS_WITH_SOURCES",
        "bench.floors.WRITE_OPEN",
        "bench.floors.WRITE_CLAIM",
    } <= set(statements)
    problems = {name: messages for name, messages in lint(statements).items() if messages}
    assert problems == {}


def test_every_nested_shape_has_a_floor_and_targets() -> None:
    nested = {q.name for q in MIX if q.floor}
    assert nested == {name for name, _ in NESTED}
    assert len(nested) == 3


def test_a_floor_must_give_the_apis_answer() -> None:
    other = {"key": "b", "name": "B"}
    api: dict[str, Any] = {
        "data": {
            "entity": {
                "relationships": {"edges": [{"other": {"relationships": {"edges": [{"other": other}]}}}]}
            }
        }
    }
    assert same_two_levels(api, [{"first": [[{"key": "b", "name": "B"}]]}]) is None
    assert same_two_levels(api, [{"first": [[{"key": "c", "name": "C"}]]}]) is not None
    assert same_two_levels({"data": {"entity": None}}, []) is None
    edge = {
        "node": {"key": "r1", "kind": "MEMBER_OF", "sources": [{"key": "s1", "title": None}]},
        "other": {"key": "b", "name": "B", "nameEn": ""},
    }
    api = {"data": {"entity": {"relationships": {"edges": [edge]}}}}
    row = {"key": "r1", "kind": "MEMBER_OF", "sources": [{"key": "s1", "title": None}]}
    floor: list[dict[str, Any]] = [
        {"relationships": [{**row, "other": {"key": "b", "name": "B", "nameEn": None}}]}
    ]
    assert same_relationships(api, floor) is None  # a missing name_en is "" in the API
    floor[0]["relationships"][0]["sources"] = []
    assert same_relationships(api, floor) is not None
