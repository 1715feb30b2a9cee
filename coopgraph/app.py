"""The web app: GraphQL, health and readiness, the playground's assets; one database per worker."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import os
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from coopgraph.health import FailFast, Probes, healthz, readyz
from coopgraph.limits import Limits
from coopgraph.middleware import request_middleware
from coopgraph.settings import load_settings
from graph.database import STATEMENT_TIMEOUT, Connection, Database, open_database
from graph.environment import ConfigError
from graph.store.processes import die_with_parent
from resolvers.cache import VersionedCache
from resolvers.tokens import TokenCache
from schema import schema
from schema.http import GraphQLEndpoint

log = logging.getLogger("coopgraph")

ROOT = Path(__file__).resolve().parent.parent
PLAYGROUND_HTML = ROOT / "schema" / "graphiql.html"
# The playground's third-party assets come from the npm registry at set-up time
# (package.json), never from a CDN: the page must work with no internet.
ASSETS = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
}


def assets_dir() -> Path:
    return Path(os.environ.get("COOPGRAPH_ASSETS_DIR") or ROOT / "node_modules")


async def playground_asset(request: Request) -> Response:
    relative = ASSETS.get(request.path_params["name"])
    if relative is None:
        return PlainTextResponse("no such asset", status_code=404)
    path = assets_dir() / relative
    if not path.is_file():
        return PlainTextResponse(
            f"playground asset missing: {path}; run `make install` (npm ci) first", status_code=404
        )
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


@functools.cache
def _freeze_startup_objects() -> None:
    """What exists once a worker has started (modules, the schema, the driver) lives as long as
    the process: kept out of the collector's full passes, which otherwise scan it all. Measured
    in-process on networks of 200 nodes and ~1,500 edges: the longest pause fell from 22-29 ms
    to under 1 ms, and the time spent collecting by two thirds. The price: cycles among those
    objects are never reclaimed, a small one-time amount. Once per process: tests start many
    apps in one."""
    gc.collect()
    gc.freeze()


def create_app(conn: Connection, probes: Probes | None = None, limits: Limits | None = None) -> Starlette:
    limits = limits or Limits()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db: Database = open_database(conn, min(STATEMENT_TIMEOUT, limits.request_timeout))
        app.state.db = db
        app.state.probes = probes or Probes()
        app.state.cache = VersionedCache()
        app.state.tokens = TokenCache()
        _freeze_startup_objects()
        try:
            yield
        finally:
            await db.close()

    graphql = GraphQLEndpoint(
        schema,
        playground_html=PLAYGROUND_HTML,
        max_cost=limits.max_query_cost,
        time_budget=limits.request_timeout,
        reads_need_token=limits.reads_need_token,
    )
    return Starlette(
        routes=[
            Route("/graphql/assets/{name}", playground_asset),
            Route("/graphql", FailFast(graphql), methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=request_middleware(limits),
        lifespan=lifespan,
    )


# Set by `coopgraph serve` for its workers when it runs the embedded store: its status file.
STORE_STATUS_ENV = "COOPGRAPH_STORE_STATUS"


def _die_with_serve() -> None:
    """In a worker process of `coopgraph serve` (COOPGRAPH_WORKERS > 1): stop when that process
    dies, killed outright too. It supervises the store; an orphaned worker would hold the port
    and answer 503s for ever, and a restarted service could not start."""
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None and not die_with_parent(parent.pid):
        raise SystemExit("coopgraph: the serve process that started this worker is gone")


def app_from_env() -> Starlette:
    """uvicorn's factory in each worker: the parent process put the connection in the environment."""
    _die_with_serve()
    settings = load_settings()
    graph = settings.graph
    if graph.neo4j_uri is None:
        raise ConfigError("app_from_env needs NEO4J_URI; start the service with `coopgraph serve`")
    status = os.environ.get(STORE_STATUS_ENV)
    return create_app(
        Connection(graph.neo4j_uri, graph.neo4j_user, graph.neo4j_password or "", graph.database),
        Probes(store_status=Path(status) if status else None),
        settings.limits,
    )
