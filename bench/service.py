"""Start and stop `coopgraph serve` the way users run it, run CLI commands against its data dir."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from graph.store.processes import terminate

ROOT = Path(__file__).resolve().parent.parent
COOPGRAPH = ROOT / ".venv" / "bin" / "coopgraph"


class ServiceError(Exception):
    """The service could not be started, or a CLI command failed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass(frozen=True)
class Ports:
    http: int
    bolt: int
    store_http: int

    @classmethod
    def pick(cls) -> Ports:
        return cls(free_port(), free_port(), free_port())


def _environment(data_dir: Path, ports: Ports, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COOPGRAPH_"))}
    env.update(
        COOPGRAPH_DATA_DIR=str(data_dir),
        COOPGRAPH_HOST="127.0.0.1",
        COOPGRAPH_PORT=str(ports.http),
        COOPGRAPH_STORE_BOLT_PORT=str(ports.bolt),
        COOPGRAPH_STORE_HTTP_PORT=str(ports.store_http),
        COOPGRAPH_WORKERS=str(workers),
    )
    return env


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback http only
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def rss_mb(pid: int) -> float | None:
    """VmRSS of a process in MiB, None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Service:
    """One `coopgraph serve` process (and, as its child, the embedded store)."""

    data_dir: Path
    ports: Ports
    workers: int = 1
    start_timeout: float = 240.0
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.http}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"bench-serve-{self.workers}w.log"

    @property
    def env(self) -> dict[str, str]:
        return _environment(self.data_dir, self.ports, self.workers)

    def start(self) -> float:
        """Start and wait for /readyz; returns the seconds it took."""
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(COOPGRAPH), "serve"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        deadline = started + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceError(
                    f"coopgraph serve exited with {self.process.returncode}: {self._log_tail()}"
                )
            if _status(f"{self.base_url}/readyz") == 200:
                return time.monotonic() - started
            time.sleep(0.25)
        self.stop()
        raise ServiceError(f"coopgraph serve not ready in {self.start_timeout:g} s: {self._log_tail()}")

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        terminate(process, timeout=60)

    def store_pid(self) -> int | None:
        try:
            return int(json.loads((self.data_dir / "store.json").read_text())["pid"])
        except (OSError, ValueError, KeyError):
            return None

    def worker_pids(self) -> list[int]:
        """The processes answering HTTP: the serve process itself with one worker, else its
        uvicorn worker children (not the store, not multiprocessing's resource tracker)."""
        if self.process is None:
            return []
        if self.workers == 1:
            return [self.process.pid]
        store = self.store_pid()
        return [
            pid
            for pid in _children(self.process.pid)
            if pid != store and "resource_tracker" not in _cmdline(pid)
        ]

    def run_cli(self, *args: str, timeout: float = 1800.0) -> float:
        """Run `coopgraph ARGS` against this service's data dir (reusing its store); seconds taken."""
        return self.cli(*args, timeout=timeout)[0]

    def cli(self, *args: str, timeout: float = 1800.0) -> tuple[float, str, str]:
        """`coopgraph ARGS` against this service's data dir (reusing its store): seconds taken,
        stdout and stderr (both also appended to bench-cli.log); ServiceError when it fails."""
        started = time.monotonic()
        done = subprocess.run(
            [str(COOPGRAPH), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            check=False,
        )
        seconds = time.monotonic() - started
        with open(self.data_dir / "bench-cli.log", "a", encoding="utf-8") as log:
            # Never a secret in the log: `token create` prints one on stdout.
            shown = "(stdout not logged)" if args[:2] == ("token", "create") else done.stdout
            log.write(f"$ coopgraph {' '.join(args)}\n{shown}{done.stderr}")
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).splitlines()[-15:]
            raise ServiceError(
                f"coopgraph {' '.join(args)} exited with {done.returncode}: " + "\n".join(tail)
            )
        return seconds, done.stdout, done.stderr

    def password(self) -> str:
        return (self.data_dir / "credentials").read_text().strip()
