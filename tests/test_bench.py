"""The benchmark runs end to end in smoke mode (this checks that it works, not how fast things are)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.queries import QUERY_NAMES

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
    assert "## Throughput" in report
    assert "## Memory (VmRSS)" in report
    assert "## Targets (size M)" in report
    assert "**Errors:** none" in report, report[report.find("## Errors") :]
