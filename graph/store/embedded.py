"""Starts, finds and stops the embedded store: an ArcadeDB child process speaking Bolt.

One store per data directory. The process that starts it (its owner) holds an exclusive lock on
``store.lock`` for the store's life and records the store in ``store.json``
(graph/store/status.py); a second coopgraph process pointed at the same directory finds the
lock taken and reuses the running store instead of opening the files a second time. With
``supervise=True`` a thread keeps the store running (graph/store/supervisor.py): the owner
restarts it when it exits, and a process sharing it takes it over when the owner exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
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
from graph.store.status import StoreStatus, read_status, status_path, write_status

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_MS = 60_000
PROBE_TIMEOUT = 2.0
# How long a process taking the store over waits for the previous owner's store to exit
# (it got SIGTERM when its owner died, and stops within a second or two) before killing it.
ORPHAN_EXIT_TIMEOUT = 30.0


class StoreError(Exception):
    """The embedded store could not be started or reached."""


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


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _ask(conn: Connection) -> str | None:
    try:
        with (
            GraphDatabase.driver(
                conn.uri,
                auth=(conn.user, conn.password),
                connection_timeout=PROBE_TIMEOUT,
                connection_acquisition_timeout=PROBE_TIMEOUT,
            ) as driver,
            driver.session(database=conn.database, disable_auto_commit_retries=True) as session,
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


def _answers(conn: Connection) -> str | None:
    """None when the store answers a query within PROBE_TIMEOUT, else the reason it does not.

    In a thread of its own: a store that accepts connections and never answers (hung) would
    hold a query forever, and the driver has no read timeout."""
    outcome: list[str | None] = []
    probe = threading.Thread(target=lambda: outcome.append(_ask(conn)), name="store-probe", daemon=True)
    probe.start()
    probe.join(PROBE_TIMEOUT + 1)
    return outcome[0] if outcome else f"no answer within {PROBE_TIMEOUT + 1:g} s"


def _is_store_process(pid: int) -> bool:
    """Whether `pid` is a running store process (not a reused pid of something else)."""
    try:
        return b"graph.store.process" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class EmbeddedStore:
    """Context manager around the store's child process (or a reused running one)."""

    def __init__(self, settings: StoreSettings, database: str, *, supervise: bool = False) -> None:
        self.settings = settings
        self.database = database
        self.supervise = supervise
        self.data_dir = settings.data_dir
        self.log_path = self.data_dir / "store.log"
        self.status_file = status_path(self.data_dir)
        self.owned = False
        self.bolt_port = settings.bolt_port
        self.http_port = settings.http_port
        # Set while stopping: every wait inside start-up and restarts gives up at once.
        self.stopping = threading.Event()
        self._password = ""
        self._status: StoreStatus | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None
        self._log: IO[bytes] | None = None
        self._supervisor: threading.Thread | None = None

    @property
    def connection(self) -> Connection:
        return Connection(f"bolt://127.0.0.1:{self.bolt_port}", "root", self._password, self.database)

    def start(self) -> Connection:
        self.stopping.clear()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._password = _read_or_create_password(self.data_dir / "credentials")
        if self._try_lock():
            self.bolt_port, self.http_port = self.settings.bolt_port, self.settings.http_port
            self._check_ports()
            try:
                self._spawn()
                self._wait_ready()
            except BaseException:
                self.stop()
                raise
            self.owned = True
            self._status = StoreStatus(self._pid(), os.getpid(), self.bolt_port, self.http_port)
            write_status(self.status_file, self._status)
        else:
            self._reuse()
        if self.supervise:
            from graph.store.supervisor import Supervisor

            self._supervisor = Supervisor(self)
            self._supervisor.start()
        return self.connection

    def _try_lock(self) -> bool:
        lock = open(self.data_dir / "store.lock", "a+")  # noqa: SIM115 - held for the store's life
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return False
        self._lock = lock
        return True

    def _check_ports(self) -> None:
        for name, value in (("BOLT", self.bolt_port), ("HTTP", self.http_port)):
            if not port_free(value):
                self._release()
                raise StoreError(
                    f"COOPGRAPH_STORE_{name}_PORT: port {value} on 127.0.0.1 is taken by another "
                    f"program; set COOPGRAPH_STORE_{name}_PORT to a free port"
                )

    def _pid(self) -> int:
        return self._process.pid if self._process else 0

    def _spawn(self) -> None:
        env = dict(os.environ)
        env.update(
            COOPGRAPH_STORE_ROOT=str(self.data_dir / "arcadedb"),
            COOPGRAPH_STORE_PASSWORD_FILE=str(self.data_dir / "credentials"),
            COOPGRAPH_STORE_DATABASE=self.database,
            COOPGRAPH_STORE_BOLT_PORT=str(self.bolt_port),
            COOPGRAPH_STORE_HTTP_PORT=str(self.http_port),
            COOPGRAPH_STORE_HEAP=self.settings.heap,
            COOPGRAPH_STORE_COMMAND_TIMEOUT_MS=str(COMMAND_TIMEOUT_MS),
            # The child stops when this process dies (graph/store/process.py).
            COOPGRAPH_STORE_PARENT_PID=str(os.getpid()),
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")])
            ),
        )
        if self._log is not None:
            self._log.close()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it
        self._process = subprocess.Popen(
            [sys.executable, "-m", "graph.store.process"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
        )

    def _wait_ready(self) -> None:
        conn = self.connection
        deadline = time.monotonic() + self.settings.start_timeout
        reason = "not started"
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise StoreError(
                    f"the embedded store exited with code {self._process.returncode} during start-up; "
                    f"see its log: {self.log_path}"
                )
            failure = _answers(conn)
            if failure is None:
                return
            reason = failure
            if self.stopping.wait(0.25):
                raise StoreError("stopped while the embedded store was starting")
        raise StoreError(
            f"the embedded store did not answer within {self.settings.start_timeout:g} s "
            f"(COOPGRAPH_STORE_TIMEOUT; last: {reason}); see its log: {self.log_path}"
        )

    def _reuse(self) -> None:
        deadline = time.monotonic() + self.settings.start_timeout
        reason = "store.json not written yet"
        while time.monotonic() < deadline:
            status = read_status(self.status_file)
            if status is not None:
                self.bolt_port = status.bolt_port
                self.http_port = status.http_port or self.http_port
                failure = _answers(self.connection)
                if failure is None:
                    return
                reason = failure
            if self.stopping.wait(0.25):
                break
        raise StoreError(
            f"COOPGRAPH_DATA_DIR: {self.data_dir} is locked by another coopgraph process whose store "
            f"does not answer ({reason}); stop that process or use another COOPGRAPH_DATA_DIR"
        )

    # What the supervisor uses (graph/store/supervisor.py), from its own thread.

    def status(self) -> StoreStatus:
        """The store as store.json records it (this process's view when it owns the store)."""
        status = self._status if self.owned else read_status(self.status_file)
        return status or StoreStatus(0, 0, self.bolt_port, self.http_port)

    def answers(self) -> str | None:
        """None when the store answers a query, else the reason it does not."""
        return _answers(self.connection)

    def exit_code(self) -> int | None:
        """The exit code of the store this process started, once it has exited."""
        return self._process.poll() if self._process is not None else None

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()

    def take_over(self) -> bool:
        """When the process that owns the store has exited (its lock is free), become the owner;
        restart() then starts the store on the ports the previous owner used."""
        if self.owned or not self._try_lock():
            return False
        self.owned = True
        previous = read_status(self.status_file)
        self._status = previous or StoreStatus(0, os.getpid(), self.bolt_port, self.http_port)
        self._status = self._status.restarting("the process that ran the store exited")
        write_status(self.status_file, self._status)
        if previous is not None and previous.pid:
            self._wait_gone(previous.pid)
        return True

    def _wait_gone(self, pid: int) -> None:
        deadline = time.monotonic() + ORPHAN_EXIT_TIMEOUT
        while _is_store_process(pid) and time.monotonic() < deadline:
            if self.stopping.wait(0.1):
                return
        if _is_store_process(pid):
            log.warning("the previous store (pid %d) is still running; killing it", pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def mark_restarting(self, reason: str) -> None:
        status = self._status or StoreStatus(0, os.getpid(), self.bolt_port, self.http_port)
        self._status = status.restarting(reason)
        write_status(self.status_file, self._status)

    def restart(self) -> None:
        """Start the store again on the same ports and data (owner only); StoreError if it does
        not answer, after stopping what was started."""
        if self._process is not None:
            terminate(self._process, timeout=5)
        for port in (self.bolt_port, self.http_port):
            if not port_free(port):
                raise StoreError(f"port {port} on 127.0.0.1 is still taken")
        self._spawn()
        try:
            self._wait_ready()
        except StoreError:
            terminate(self._process, timeout=5)
            raise
        status = self._status or StoreStatus(0, os.getpid(), self.bolt_port, self.http_port)
        self._status = status.running(self._pid(), os.getpid())
        write_status(self.status_file, self._status)

    def stop(self) -> None:
        self.stopping.set()
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.join(timeout=30)
        process, self._process = self._process, None
        terminate(process, timeout=20)
        if self.owned:
            with contextlib.suppress(FileNotFoundError):
                self.status_file.unlink()
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
