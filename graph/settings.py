"""Configuration read from the environment at start-up, validated in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
EMBEDDED_DATABASE = "coopgraph"


class ConfigError(Exception):
    """The environment does not describe a usable configuration."""


@dataclass(frozen=True)
class StoreSettings:
    """How to run the embedded store when no external server is configured."""

    data_dir: Path
    bolt_port: int
    http_port: int
    heap: str
    start_timeout: float


@dataclass(frozen=True)
class Settings:
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    database: str
    host: str
    port: int
    workers: int
    store: StoreSettings
    access_log: bool = False

    @property
    def embedded(self) -> bool:
        return self.neo4j_uri is None


def _port(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        problems.append(f"{name}={raw!r} is not a TCP port (1-65535)")
        return default
    return int(raw)


def _positive(env: Mapping[str, str], name: str, default: float, problems: list[str]) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        problems.append(f"{name}={raw!r} must be a positive number")
        return default
    return value


def _flag(env: Mapping[str, str], name: str, problems: list[str]) -> bool:
    raw = env.get(name, "").strip()
    if raw.lower() in ("", "0", "false", "no", "off"):
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    problems.append(f"{name}={raw!r} must be 1 or 0 (true/false, yes/no, on/off)")
    return False


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting, reporting all problems at once."""
    env = os.environ if env is None else env
    problems: list[str] = []

    uri = env.get("NEO4J_URI", "").strip() or None
    if uri is not None:
        parts = urlsplit(uri)
        if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
            # Never echo credentials someone put into the URI.
            shown = (
                uri.replace(f"{parts.username or ''}:{parts.password}@", "***@") if parts.password else uri
            )
            problems.append(
                f"NEO4J_URI={shown!r} is not a Neo4j URI; expected one of "
                f"{', '.join(s + '://host:port' for s in ('bolt', 'neo4j', 'neo4j+s'))}"
            )
    password = env.get("NEO4J_PASSWORD") or None
    if uri is not None and password is None:
        problems.append("NEO4J_PASSWORD must be set when NEO4J_URI is set")

    default_db = "neo4j" if uri else EMBEDDED_DATABASE
    database = env.get("NEO4J_DATABASE", "").strip() or default_db
    if not database.replace("-", "").replace(".", "").replace("_", "").isalnum():
        problems.append(f"NEO4J_DATABASE={database!r} is not a valid database name")

    host = env.get("COOPGRAPH_HOST", "").strip() or "127.0.0.1"
    port = _port(env, "COOPGRAPH_PORT", 8000, problems)
    workers_raw = env.get("COOPGRAPH_WORKERS", "").strip() or "1"
    workers = int(workers_raw) if workers_raw.isdigit() and int(workers_raw) >= 1 else 1
    if workers_raw != str(workers):
        problems.append(f"COOPGRAPH_WORKERS={workers_raw!r} must be a whole number of at least 1")
    # At 100k actors (1.5M relationships) a 512m heap ran eight full collections per 10 s of
    # mixed reads; with 1g, none (raw lookup/partners throughput +30%).
    heap = env.get("COOPGRAPH_STORE_HEAP", "").strip() or "1g"
    if not (heap[:-1].isdigit() and heap[-1].lower() in "mg"):
        problems.append(f"COOPGRAPH_STORE_HEAP={heap!r} must look like 512m or 2g")

    access_log = _flag(env, "COOPGRAPH_ACCESS_LOG", problems)

    store = StoreSettings(
        data_dir=Path(env.get("COOPGRAPH_DATA_DIR", "").strip() or "data").resolve(),
        bolt_port=_port(env, "COOPGRAPH_STORE_BOLT_PORT", 7690, problems),
        http_port=_port(env, "COOPGRAPH_STORE_HTTP_PORT", 2490, problems),
        heap=heap,
        start_timeout=_positive(env, "COOPGRAPH_STORE_TIMEOUT", 90.0, problems),
    )
    if problems:
        raise ConfigError("invalid configuration:\n  - " + "\n  - ".join(problems))
    return Settings(
        neo4j_uri=uri,
        neo4j_user=env.get("NEO4J_USER", "").strip() or ("neo4j" if uri else "root"),
        neo4j_password=password,
        database=database,
        host=host,
        port=port,
        workers=workers,
        store=store,
        access_log=access_log,
    )
