"""Where the graph lives, read from the environment at start-up: an external Neo4j server, or
the embedded store's data directory, ports and heap. The web server's own settings are the
app's (coopgraph/settings.py), which reads these too and reports every problem at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from graph.environment import env_port, env_positive

ALLOWED_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
EMBEDDED_DATABASE = "coopgraph"


def redact(uri: str) -> str:
    """The URI without a password someone put into it."""
    parts = urlsplit(uri)
    return uri.replace(f"{parts.username or ''}:{parts.password}@", "***@") if parts.password else uri


@dataclass(frozen=True)
class StoreSettings:
    """How to run the embedded store when no external server is configured."""

    data_dir: Path
    bolt_port: int
    http_port: int
    heap: str
    start_timeout: float


@dataclass(frozen=True)
class GraphSettings:
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    database: str
    store: StoreSettings

    @property
    def embedded(self) -> bool:
        return self.neo4j_uri is None


def read_graph_settings(env: Mapping[str, str], problems: list[str]) -> GraphSettings:
    """The graph's settings; each problem is added to `problems` rather than raised."""
    uri = env.get("NEO4J_URI", "").strip() or None
    if uri is not None:
        parts = urlsplit(uri)
        if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
            problems.append(
                f"NEO4J_URI={redact(uri)!r} is not a Neo4j URI; expected one of "
                f"{', '.join(s + '://host:port' for s in ('bolt', 'neo4j', 'neo4j+s'))}"
            )
    password = env.get("NEO4J_PASSWORD") or None
    if uri is not None and password is None:
        problems.append("NEO4J_PASSWORD must be set when NEO4J_URI is set")

    default_db = "neo4j" if uri else EMBEDDED_DATABASE
    database = env.get("NEO4J_DATABASE", "").strip() or default_db
    if not database.replace("-", "").replace(".", "").replace("_", "").isalnum():
        problems.append(f"NEO4J_DATABASE={database!r} is not a valid database name")

    # At 100k actors (1.5M relationships) a 512m heap ran eight full collections per 10 s of
    # mixed reads; with 1g, none (raw lookup/partners throughput +30%).
    heap = env.get("COOPGRAPH_STORE_HEAP", "").strip() or "1g"
    if not (heap[:-1].isascii() and heap[:-1].isdigit() and heap[-1].lower() in "mg"):
        problems.append(f"COOPGRAPH_STORE_HEAP={heap!r} must look like 512m or 2g")

    store = StoreSettings(
        data_dir=Path(env.get("COOPGRAPH_DATA_DIR", "").strip() or "data").resolve(),
        bolt_port=env_port(env, "COOPGRAPH_STORE_BOLT_PORT", 7690, problems),
        http_port=env_port(env, "COOPGRAPH_STORE_HTTP_PORT", 2490, problems),
        heap=heap,
        start_timeout=env_positive(env, "COOPGRAPH_STORE_TIMEOUT", 90.0, problems),
    )
    return GraphSettings(
        neo4j_uri=uri,
        neo4j_user=env.get("NEO4J_USER", "").strip() or ("neo4j" if uri else "root"),
        neo4j_password=password,
        database=database,
        store=store,
    )
