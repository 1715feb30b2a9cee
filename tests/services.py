"""`coopgraph serve` as a real process, for the tests that break things on purpose."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.constraints import apply_constraints
from graph.database import Connection
from graph.ingest.loader import load_seeds
from graph.store.embedded import EmbeddedStore
from graph.store.status import StoreStatus, read_status
from tests.conftest import free_port, run_db, store_settings

STATS = "{ graphStats { nodeCount relationshipCount } }"


def clean_env(**settings: str) -> dict[str, str]:
    """The environment without the caller's graph and service settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COOPGRAPH_"))}
    env.update(settings)
    return env


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> float:
    """Poll until `condition` holds; the seconds it took. Fails the test at the deadline."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(interval)
    return time.monotonic() - began


class Service:
    """One `coopgraph serve` on a data directory, its own port and the store ports given."""

    def __init__(self, data_dir: Path, *, bolt_port: int, http_port: int, workers: int = 1) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = clean_env(
            COOPGRAPH_DATA_DIR=str(data_dir),
            COOPGRAPH_PORT=str(self.port),
            COOPGRAPH_WORKERS=str(workers),
            COOPGRAPH_STORE_BOLT_PORT=str(bolt_port),
            COOPGRAPH_STORE_HTTP_PORT=str(http_port),
            COOPGRAPH_STORE_HEAP="512m",
        )
        self.log_path = data_dir.parent / f"serve-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "coopgraph", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(
        self,
        path: str,
        body: dict[str, Any] | None = None,
        accept: str = "application/json",
        timeout: float = 30,
    ) -> tuple[int, dict[str, Any], float]:
        """Status, JSON body and seconds taken; status 0 when nothing answers."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, headers={"content-type": "application/json", "accept": accept}
        )
        began = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except OSError:
            return 0, {}, time.monotonic() - began
        return status, json.loads(raw) if raw else {}, time.monotonic() - began

    def query(self, query: str, accept: str = "application/json") -> tuple[int, dict[str, Any], float]:
        return self.request("/graphql", {"query": query}, accept)

    def ready(self) -> bool:
        assert self.process.poll() is None, f"coopgraph serve exited:\n{self.log()[-3000:]}"
        return self.request("/readyz", timeout=5)[0] == 200

    def wait_ready(self, timeout: float = 90) -> None:
        wait_for(self.ready, timeout, "coopgraph serve ready", interval=0.2)

    def store(self) -> StoreStatus:
        status = read_status(self.data_dir / "store.json")
        assert status is not None, "no store.json"
        return status

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=60)


@dataclass(frozen=True)
class CliStore:
    """A running store with the curated seeds, and the environment under which `coopgraph`
    commands find it (store.json in its data dir) instead of starting their own."""

    conn: Connection
    env: dict[str, str]


@contextlib.contextmanager
def seeded_cli_store(data_dir: Path) -> Iterator[CliStore]:
    settings = store_settings(data_dir)
    env = clean_env(
        COOPGRAPH_DATA_DIR=str(data_dir),
        COOPGRAPH_STORE_BOLT_PORT=str(settings.bolt_port),
        COOPGRAPH_STORE_HTTP_PORT=str(settings.http_port),
    )
    with EmbeddedStore(settings, "coopgraph") as conn:
        run_db(conn, apply_constraints)
        run_db(conn, load_seeds)
        yield CliStore(conn, env)


def coopgraph_command(store: CliStore, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`coopgraph ARGS` against the store, to its end; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", *args],
        env=store.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
