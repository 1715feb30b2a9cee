"""Throughput with concurrent clients: wrk (preferred) or an asyncio keep-alive client."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import HttpClient

_LUA = """
local bodies = {BODIES}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  n = id * 7919
  bad = 0
  first_error = ""
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/graphql-response+json"
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[(n % #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
    if first_error == "" then first_error = status .. " " .. string.sub(body, 1, 300) end
  end
end

function done(summary, latency, requests)
  local b = 0
  local first = ""
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    local e = t:get("first_error")
    if first == "" and e ~= nil then first = e end
  end
  local s = summary.errors
  io.write(string.format(
    "BENCH_RESULT %d %d %d %d %d %d %d %d %.3f %.3f\\n",
    summary.requests, summary.duration, b, s.connect, s.read, s.write, s.status, s.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  io.write("BENCH_FIRST_ERROR " .. string.gsub(first, "\\n", " ") .. "\\n")
end
"""


@dataclass
class Throughput:
    name: str
    workers: int
    clients: int
    seconds: float
    requests: int
    errors: int
    client: str
    p50_ms: float | None = None
    p99_ms: float | None = None
    error_samples: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for ASCII text


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    name: str, url: str, bodies: Sequence[bytes], *, workers: int, clients: int, seconds: float
) -> Throughput:
    table = "{" + ",".join(_lua_string(b.decode("ascii")) for b in bodies) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA.replace("{BODIES}", table))
    try:
        threads = min(2, clients)
        done = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    result: Throughput | None = None
    first_error = ""
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            f = line.split()[1:]
            requests, micros, bad = int(f[0]), int(f[1]), int(f[2])
            socket_errors = sum(int(x) for x in f[3:6]) + int(f[7])  # connect, read, write, timeout
            result = Throughput(
                name,
                workers,
                clients,
                micros / 1e6,
                requests,
                bad + socket_errors,
                "wrk",
                float(f[8]),
                float(f[9]),
            )
        elif line.startswith("BENCH_FIRST_ERROR "):
            first_error = line.removeprefix("BENCH_FIRST_ERROR ").strip()
    if result is None:
        raise RuntimeError(f"wrk gave no result (exit {done.returncode}): {done.stderr or done.stdout}")
    if first_error:
        result.error_samples.append(first_error)
    return result


async def _python_load(
    port: int, bodies: Sequence[bytes], clients: int, seconds: float
) -> tuple[int, int, float, list[str]]:
    deadline = time.perf_counter() + seconds
    counts = [0, 0]
    samples: list[str] = []

    async def client(index: int) -> None:
        http = HttpClient(port)
        n = index * 7919
        try:
            while time.perf_counter() < deadline:
                n += 1
                try:
                    status, data = await http.post_raw(bodies[n % len(bodies)])
                    ok = status == 200 and b'"errors"' not in data
                    if not ok and len(samples) < 5:
                        samples.append(f"{status} {data[:300]!r}")
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    ok = False
                    if len(samples) < 5:
                        samples.append(repr(exc))
                    await http.close()
                counts[0] += 1
                counts[1] += 0 if ok else 1
        finally:
            await http.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return counts[0], counts[1], time.perf_counter() - started, samples


def run_python(
    name: str, port: int, bodies: Sequence[bytes], *, workers: int, clients: int, seconds: float
) -> Throughput:
    requests, errors, elapsed, samples = asyncio.run(_python_load(port, bodies, clients, seconds))
    return Throughput(
        name, workers, clients, elapsed, requests, errors, "python asyncio", None, None, samples
    )


def throughput(
    name: str,
    port: int,
    bodies: Sequence[bytes],
    *,
    workers: int,
    clients: int,
    seconds: float,
    use_wrk: bool,
) -> Throughput:
    if use_wrk and wrk_available():
        return run_wrk(
            name,
            f"http://127.0.0.1:{port}/graphql",
            bodies,
            workers=workers,
            clients=clients,
            seconds=seconds,
        )
    return run_python(name, port, bodies, workers=workers, clients=clients, seconds=seconds)
