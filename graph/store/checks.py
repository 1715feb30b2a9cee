"""Start-up checks of the environment, each failure one ConfigError line naming the setting to
change: run before anything is started, so that a bad setting costs seconds, not a half-started
service."""

from __future__ import annotations

import errno
import logging
import re
import socket
import tempfile
import threading
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable

from graph.cypher.database import PING
from graph.environment import ConfigError
from graph.store.settings import GraphSettings, redact

# How long an external server has to answer at start-up, in all.
SERVER_CHECK_TIMEOUT = 5.0
CONNECT_TIMEOUT = 3.0


def check_data_dir(path: Path) -> None:
    """COOPGRAPH_DATA_DIR must be a directory this process can create and write in."""
    setting = f"COOPGRAPH_DATA_DIR={str(path)!r}"
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{setting} is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ConfigError(f"{setting} is not a writable directory: {exc.strerror or exc}") from None


def check_port(host: str, port: int) -> None:
    """The service's own address must be free (checked before the store is started)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"COOPGRAPH_HOST={host!r} is not a known host name: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        # As uvicorn binds: SO_REUSEADDR, so a port left in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"COOPGRAPH_PORT={port}: the port is taken on {host} by another program; "
                    "stop it or set COOPGRAPH_PORT to a free port"
                ) from None
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise ConfigError(
                    f"COOPGRAPH_PORT={port}: not allowed to listen on it here (ports below 1024 need "
                    "privileges); set COOPGRAPH_PORT to 1024 or above"
                ) from None
            raise ConfigError(
                f"COOPGRAPH_HOST={host!r}: cannot listen on it ({exc.strerror}); "
                "use an address of this machine"
            ) from None


def _server_problem(settings: GraphSettings) -> str | None:
    uri = redact(settings.neo4j_uri or "")
    try:
        with (
            GraphDatabase.driver(
                settings.neo4j_uri or "",
                auth=(settings.neo4j_user, settings.neo4j_password or ""),
                connection_timeout=CONNECT_TIMEOUT,
                connection_acquisition_timeout=SERVER_CHECK_TIMEOUT,
            ) as driver,
            driver.session(database=settings.database, disable_auto_commit_retries=True) as session,
        ):
            session.run(PING).consume()
    except AuthError:
        return (
            f"NEO4J_USER={settings.neo4j_user!r} / NEO4J_PASSWORD: the server at NEO4J_URI={uri!r} "
            "rejected these credentials"
        )
    except (ServiceUnavailable, OSError) as exc:
        return f"NEO4J_URI={uri!r} does not answer: {_short(exc)}"
    except (ConfigurationError, ValueError) as exc:
        return f"NEO4J_URI={uri!r} cannot be used: {exc}"
    except Neo4jError as exc:
        if "DatabaseNotFound" in (exc.code or "") or "not found" in (exc.message or "").lower():
            return f"NEO4J_DATABASE={settings.database!r} does not exist on NEO4J_URI={uri!r}"
        return f"NEO4J_URI={uri!r} answered with an error: {exc.code}: {exc.message}"
    return None


def _short(exc: BaseException) -> str:
    """The gist of a connection error: the system's reason when the driver gives one."""
    text = " ".join(str(exc).split())
    reason = re.search(r"\[Errno -?\d+\] ([^)\]]+)", text)
    if reason:
        return reason.group(1).strip()
    if "handshake" in text:
        return "it accepts connections but does not answer the Bolt handshake (not a Neo4j server?)"
    return text or type(exc).__name__


def check_server(settings: GraphSettings, timeout: float = SERVER_CHECK_TIMEOUT) -> None:
    """The configured Neo4j server must answer a query with these credentials within `timeout`."""
    outcome: list[str | None] = []
    probe = threading.Thread(target=lambda: outcome.append(_server_problem(settings)), daemon=True)
    # The driver logs its own failures (a routing table it could not fetch) at ERROR: the one
    # line below says it all.
    driver_log = logging.getLogger("neo4j")
    level = driver_log.level
    driver_log.setLevel(logging.CRITICAL)
    try:
        probe.start()
        probe.join(timeout)
    finally:
        driver_log.setLevel(level)
    if not outcome:
        uri = redact(settings.neo4j_uri or "")
        raise ConfigError(f"NEO4J_URI={uri!r} does not answer within {timeout:g} s")
    if outcome[0] is not None:
        raise ConfigError(outcome[0])
