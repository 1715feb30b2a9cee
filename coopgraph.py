"""The web app (create_app) and the command line (main): the composition root."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from graph.database import Connection, Database, open_database
from graph.embedded import StoreError
from graph.loader import curated_loaded, load_seeds, wipe
from graph.seed_files import SeedError, read_seed_graph
from graph.settings import ConfigError, Settings, load_settings
from graph.setup import apply_schema
from graph.store import store_connection
from resolvers.cache import VersionedCache
from schema import schema
from schema.http import GraphQLEndpoint

log = logging.getLogger("coopgraph")

ROOT = Path(__file__).resolve().parent
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


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    reason = await request.app.state.db.ping()
    if reason is not None:
        # The driver's own message may name hosts and users: it goes to the log, not the client.
        log.warning("not ready: %s", reason)
        status = "no answer in time" if reason.startswith("no answer") else "the database does not answer"
        return JSONResponse({"status": "unavailable", "reason": status}, status_code=503)
    return JSONResponse({"status": "ready"})


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


def create_app(conn: Connection) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db: Database = open_database(conn)
        app.state.db = db
        app.state.cache = VersionedCache()
        _freeze_startup_objects()
        try:
            yield
        finally:
            await db.close()

    graphql = GraphQLEndpoint(schema, playground_html=PLAYGROUND_HTML)
    return Starlette(
        routes=[
            Route("/graphql/assets/{name}", playground_asset),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )


def app_from_env() -> Starlette:
    """uvicorn's factory in each worker: the parent process put the connection in the environment."""
    settings = load_settings()
    if settings.neo4j_uri is None:
        raise ConfigError("app_from_env needs NEO4J_URI; start the service with `coopgraph serve`")
    return create_app(
        Connection(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password or "", settings.database)
    )


async def _prepare(conn: Connection, *, load: bool = False, reset: bool = False) -> None:
    """Constraints and indexes always; the seed graph when asked or when none is loaded yet."""
    db = open_database(conn)
    try:
        await apply_schema(db)
        if load or reset or not await curated_loaded(db):
            seed = read_seed_graph()  # validated before anything is deleted
            if reset:
                await wipe(db)
            report = await load_seeds(db, seed)
            log.info(
                "seed graph loaded: %d sources, %d entities, %d relations",
                report.sources,
                report.entities,
                report.relations,
            )
    finally:
        await db.close()


async def _synth(conn: Connection, actors: int, seed: int, remove_only: bool) -> None:
    from graph import synth

    db = open_database(conn)
    try:
        await apply_schema(db)
        if remove_only:
            log.info("removed %d synthetic nodes", await synth.remove(db))
        else:
            report = await synth.generate(db, actors, seed, progress=log.info)
            log.info(
                "synthetic: %d nodes, %d relationships in %.1f s",
                report.node_total,
                report.relationship_total,
                report.seconds,
            )
    finally:
        await db.close()


def _raise_on_sigterm() -> None:
    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def serve(settings: Settings) -> None:
    _raise_on_sigterm()
    with store_connection(settings) as conn:
        asyncio.run(_prepare(conn))
        os.environ.update(
            NEO4J_URI=conn.uri,
            NEO4J_USER=conn.user,
            NEO4J_PASSWORD=conn.password,
            NEO4J_DATABASE=conn.database,
        )
        log.info("GraphQL at http://%s:%d/graphql", settings.host, settings.port)
        uvicorn.run(
            "coopgraph:app_from_env",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level="info",
            # A log line per request costs more than a cached lookup's GraphQL work.
            access_log=settings.access_log,
        )


def export_schema(path: str) -> None:
    text = schema.as_str() + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        Path(path).write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["bench"]:
        # The benchmark has its own options (`coopgraph bench --help`).
        from bench.run import main as bench_main

        return bench_main(args_list[1:])
    parser = argparse.ArgumentParser(
        prog="coopgraph",
        description="GraphQL knowledge graph of cooperation in education and career guidance.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser(
        "serve", help="start the store (unless NEO4J_URI is set) and serve GraphQL"
    )
    serve_cmd.add_argument("--host")
    serve_cmd.add_argument("--port", type=int)
    serve_cmd.add_argument("--workers", type=int)
    load_cmd = commands.add_parser("load", help="(re)load the curated seed graph in one transaction")
    load_cmd.add_argument("--reset", action="store_true", help="first delete everything, synthetic data too")
    synth_cmd = commands.add_parser("synth", help="write (or --remove) a synthetic network for load testing")
    synth_cmd.add_argument("--actors", type=int, default=10_000)
    synth_cmd.add_argument("--seed", type=int, default=1)
    synth_cmd.add_argument("--remove", action="store_true", help="delete all synthetic data and exit")
    commands.add_parser("bench", help="benchmark the service on synthetic data (writes BENCHMARKS.md)")
    export_cmd = commands.add_parser("export-schema", help="write the GraphQL SDL")
    export_cmd.add_argument("path", nargs="?", default="schema.graphql")
    args = parser.parse_args(args_list)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command == "export-schema":
        export_schema(args.path)
        return 0
    try:
        settings = load_settings()
        if args.command == "serve":
            overrides = {
                k: v for k, v in (("host", args.host), ("port", args.port), ("workers", args.workers)) if v
            }
            if overrides:
                from dataclasses import replace

                settings = replace(settings, **overrides)
            serve(settings)
        elif args.command == "load":
            with store_connection(settings) as conn:
                asyncio.run(_prepare(conn, load=True, reset=args.reset))
        elif args.command == "synth":
            with store_connection(settings) as conn:
                asyncio.run(_synth(conn, args.actors, args.seed, args.remove))
    except (ConfigError, StoreError, SeedError, ValueError) as exc:
        print(f"coopgraph: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
