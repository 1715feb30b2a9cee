"""Starts, finds and stops the embedded store: an ArcadeDB child process speaking Bolt.

One store per data directory. The process that starts it holds an exclusive lock on
``store.lock`` for the store's life; a second coopgraph process pointed at the same
directory finds the lock taken and reuses the running store instead of opening the
files a second time.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from graph.cypher.database import PING
from graph.database import Connection
from graph.store.processes import terminate
from graph.store.settings import StoreSettings

COMMAND_TIMEOUT_MS = 60_000
_PR_SET_PDEATHSIG = 1


class StoreError(Exception):
    """The embedded store could not be started or reached."""


def _die_with_parent() -> None:
    # Linux only: the JVM gets SIGTERM if the coopgraph process is killed outright,
    # so no orphaned store outlives it.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _read_or_create_password(path: Path) -> str:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
        password = path.read_text().strip()
        if not password:
            raise StoreError(f"{path} is empty; delete it only together with the store's data") from None
        return password
    password = secrets.token_urlsafe(24)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    return password


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(conn: Connection) -> str | None:
    """None when the store answers a query, else the reason it does not."""
    try:
        with (
            GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password), connection_timeout=2.0) as driver,
            driver.session(database=conn.database) as session,
        ):
            # session.run, not execute_query: a probe must fail fast, not be retried.
            session.run(PING).consume()
    except (ServiceUnavailable, OSError) as exc:
        return f"not reachable: {exc}"
    except AuthError as exc:
        return f"authentication failed: {exc}"
    except Neo4jError as exc:
        return f"error: {exc}"
    return None


class EmbeddedStore:
    """Context manager around the store's child process (or a reused running one)."""

    def __init__(self, settings: StoreSettings, database: str) -> None:
        self.settings = settings
        self.database = database
        self.data_dir = settings.data_dir
        self.log_path = self.data_dir / "store.log"
        self.owned = False
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        self._log: IO[bytes] | None = None

    def _connection(self, port: int, password: str) -> Connection:
        return Connection(f"bolt://127.0.0.1:{port}", "root", password, self.database)

    def start(self) -> Connection:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        password = _read_or_create_password(self.data_dir / "credentials")
        lock = open(self.data_dir / "store.lock", "a+")  # noqa: SIM115 - held for the store's life
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return self._reuse(password)
        self._lock = lock
        port = self.settings.bolt_port
        for name, value in (("BOLT", port), ("HTTP", self.settings.http_port)):
            if not _port_free(value):
                self._release()
                raise StoreError(
                    f"port {value} on 127.0.0.1 is taken by another program; "
                    f"set COOPGRAPH_STORE_{name}_PORT to a free port"
                )
        self._spawn(password)
        conn = self._connection(port, password)
        self._wait_ready(conn)
        (self.data_dir / "store.json").write_text(
            json.dumps({"pid": self._pid(), "owner_pid": os.getpid(), "bolt_port": port})
        )
        self.owned = True
        return conn

    def _pid(self) -> int:
        return self._process.pid if self._process else 0

    def _spawn(self, password: str) -> None:
        env = dict(os.environ)
        env.update(
            COOPGRAPH_STORE_ROOT=str(self.data_dir / "arcadedb"),
            COOPGRAPH_STORE_PASSWORD_FILE=str(self.data_dir / "credentials"),
            COOPGRAPH_STORE_DATABASE=self.database,
            COOPGRAPH_STORE_BOLT_PORT=str(self.settings.bolt_port),
            COOPGRAPH_STORE_HTTP_PORT=str(self.settings.http_port),
            COOPGRAPH_STORE_HEAP=self.settings.heap,
            COOPGRAPH_STORE_COMMAND_TIMEOUT_MS=str(COMMAND_TIMEOUT_MS),
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")])
            ),
        )
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it
        self._process = subprocess.Popen(
            [sys.executable, "-m", "graph.store.process"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - single-threaded at this point
        )

    def _wait_ready(self, conn: Connection) -> None:
        deadline = time.monotonic() + self.settings.start_timeout
        reason = "not started"
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                code = self._process.returncode
                self._release()
                raise StoreError(
                    f"the embedded store exited with code {code} during start-up; "
                    f"see its log: {self.log_path}"
                )
            failure = _answers(conn)
            if failure is None:
                return
            reason = failure
            time.sleep(0.25)
        self.stop()
        raise StoreError(
            f"the embedded store did not answer within {self.settings.start_timeout:g} s "
            f"(last: {reason}); see its log: {self.log_path}"
        )

    def _reuse(self, password: str) -> Connection:
        info_path = self.data_dir / "store.json"
        deadline = time.monotonic() + self.settings.start_timeout
        reason = "store.json not written yet"
        while time.monotonic() < deadline:
            if info_path.exists():
                info = json.loads(info_path.read_text())
                conn = self._connection(int(info["bolt_port"]), password)
                failure = _answers(conn)
                if failure is None:
                    return conn
                reason = failure
            time.sleep(0.25)
        raise StoreError(
            f"{self.data_dir} is locked by another coopgraph process whose store does not "
            f"answer ({reason}); stop that process or use another COOPGRAPH_DATA_DIR"
        )

    def stop(self) -> None:
        process, self._process = self._process, None
        terminate(process, timeout=20)
        if self.owned:
            with contextlib.suppress(FileNotFoundError):
                (self.data_dir / "store.json").unlink()
        self.owned = False
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Connection:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
