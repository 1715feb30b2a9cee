"""The command line: serve, load, synth, token, import, export-seeds, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import uvicorn

from coopgraph.app import STORE_STATUS_ENV
from coopgraph.settings import Settings, load_settings
from graph.constraints import apply_constraints
from graph.database import Connection, open_database
from graph.environment import ConfigError
from graph.errors import GraphError
from graph.ingest.loader import UnsavedChanges, curated_loaded, load_seeds
from graph.ingest.runs import MaintenanceBusy, recover
from graph.ingest.seed_files import SEED_DIR, SeedError, read_seed_graph
from graph.records import ROLES
from graph.store.checks import check_port
from graph.store.connection import store_connection
from graph.store.embedded import StoreError
from graph.store.status import status_path
from schema import schema

log = logging.getLogger("coopgraph")


async def _prepare(
    conn: Connection, *, load: bool = False, reset: bool = False, discard_changes: bool = False
) -> None:
    """Constraints and indexes always; the seed graph when asked or when none is loaded yet."""
    db = open_database(conn)
    try:
        await apply_constraints(db)
        # An interrupted load --reset or synth is finished or rolled back; a live one is named.
        running = await recover(db, log.info)
        if running is not None and not (load or reset):
            log.warning("%s; not loading anything now", running.describe())
        elif load or reset or not await curated_loaded(db):
            seed = read_seed_graph()  # validated before anything is deleted
            report = await load_seeds(
                db, seed, reset=reset, progress=log.info, discard_changes=discard_changes, directory=SEED_DIR
            )
            log.info(
                "seed graph loaded: %d sources, %d entities, %d relations",
                report.sources,
                report.entities,
                report.relations,
            )
    finally:
        await db.close()


async def _synth(conn: Connection, actors: int, seed: int, remove_only: bool) -> None:
    from graph.ingest import synth

    db = open_database(conn)
    try:
        await apply_constraints(db)
        await recover(db, log.info)
        if remove_only:
            log.info("removed %d synthetic nodes", await synth.remove(db, progress=log.info))
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


async def _token(conn: Connection, args: argparse.Namespace) -> None:
    """`coopgraph token create | revoke | list`: the secret is printed once, on stdout alone."""
    from graph import tokens

    db = open_database(conn)
    try:
        await apply_constraints(db)
        if args.action == "create":
            secret, token = await tokens.create_token(db, args.name, args.role)
            print(secret)
            print(
                f"coopgraph: token {token.name!r} ({token.role}) created; this is the only time it is "
                "shown: send it as `Authorization: Bearer <token>`",
                file=sys.stderr,
            )
        elif args.action == "revoke":
            token = await tokens.revoke_token(db, args.name)
            when = tokens.stamp(token.revoked) if token.revoked else "-"
            print(f"coopgraph: token {token.name!r} revoked at {when}", file=sys.stderr)
        else:
            print(f"{'name':<24} {'role':<8} {'created':<21} revoked")
            for token in await tokens.list_tokens(db):
                created = tokens.stamp(token.created)
                revoked = tokens.stamp(token.revoked) if token.revoked else "-"
                print(f"{token.name:<24} {token.role:<8} {created:<21} {revoked}")
    finally:
        await db.close()


async def _export_seeds(conn: Connection, directory: Path) -> bool:
    """The curated graph as seed files in `directory`; synthetic data is not exported."""
    from graph.curated import CuratedGraphChanging
    from graph.ingest.export import ExportError, export_seeds

    db = open_database(conn)
    try:
        report = await export_seeds(db, directory)
    except (ExportError, CuratedGraphChanging) as exc:
        print(f"coopgraph: {exc}", file=sys.stderr)
        return False
    finally:
        await db.close()
    log.info(
        "exported %d sources, %d entities, %d relations as %d seed files in %s",
        report.sources,
        report.entities,
        report.relations,
        len(report.files),
        directory,
    )
    for other in report.others:
        log.warning("%s was not written by this export; loading %s would read it too", other, directory)
    return True


async def _import(conn: Connection, paths: list[Path], author: str) -> int:
    """`coopgraph import FILE...`: 0 when imported (or nothing to change), 1 when refused."""
    from graph.ingest.csv_import import ImportRefused, import_files

    db = open_database(conn)
    try:
        await apply_constraints(db)
        await recover(db, log.info)
        report = await import_files(db, paths, author=author, progress=log.info)
    except ImportRefused as exc:
        print(f"coopgraph: import refused, nothing was written: {exc}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except GraphError as exc:
        if isinstance(exc, MaintenanceBusy):
            raise
        print(
            f"coopgraph: the import did not complete: {exc}. It is one transaction: the graph holds all "
            "of it or none; run it again (what is there already changes nothing)",
            file=sys.stderr,
        )
        return 2
    finally:
        await db.close()
    files = ", ".join(report.files)
    if not report.changed:
        print(
            f"coopgraph: nothing to change: the graph holds all {report.rows} rows of {files} already "
            f"(data version {report.version})"
        )
        return 0
    first, last = report.changes[0].key, report.changes[-1].key
    print(
        f"coopgraph: imported {files}: sources created {report.sources_created}; entities created "
        f"{report.entities_created}, updated {report.entities_updated}; relationships created "
        f"{report.relationships_created}, sourced again {report.relationships_updated}, restored "
        f"{report.relationships_restored}; history {first}"
        + (f"..{last}" if last != first else "")
        + f" by {report.changes[0].author}; data version {report.version}"
    )
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid-{os.getuid()}"


def import_command(settings: Settings, files: list[Path], author: str | None) -> int:
    """`coopgraph import FILE...`: 1 when the files are refused; 2 when it cannot run."""
    with store_connection(settings.graph) as conn:
        return asyncio.run(_import(conn, files, (author or "").strip() or _user()))


def _add_import_command(commands: Any) -> None:
    import_cmd = commands.add_parser(
        "import", help="import CSV files of sources, entities and relationships (all or nothing)"
    )
    import_cmd.add_argument("files", nargs="+", type=Path, help="CSV files; each header says what it holds")
    import_cmd.add_argument("--author", help="who the history names (default: your user name)")


def export_seeds_command(settings: Settings, directory: Path) -> int:
    """`coopgraph export-seeds DIR`: exit status 2 when the graph cannot be written as seed files."""
    with store_connection(settings.graph) as conn:
        return 0 if asyncio.run(_export_seeds(conn, directory)) else 2


def _raise_on_sigterm() -> None:
    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def serve(settings: Settings) -> None:
    """Check the environment, start the store (kept running by a supervisor thread in this
    process, whatever the number of workers), prepare the graph, then serve."""
    _raise_on_sigterm()
    check_port(settings.host, settings.port)
    with store_connection(settings.graph, supervise=True) as conn:
        asyncio.run(_prepare(conn))
        os.environ.update(
            NEO4J_URI=conn.uri,
            NEO4J_USER=conn.user,
            NEO4J_PASSWORD=conn.password,
            NEO4J_DATABASE=conn.database,
        )
        if settings.graph.embedded:
            os.environ[STORE_STATUS_ENV] = str(status_path(settings.graph.store.data_dir))
        log.info("GraphQL at http://%s:%d/graphql", settings.host, settings.port)
        uvicorn.run(
            "coopgraph.app:app_from_env",
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


def _add_token_command(commands: Any) -> None:
    token_cmd = commands.add_parser("token", help="create, revoke or list API tokens")
    actions = token_cmd.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--name", required=True, help="who or what uses it; unique, never reused")
    create.add_argument("--role", required=True, choices=ROLES)
    revoke = actions.add_parser("revoke", help="revoke a token by name (effective within seconds)")
    revoke.add_argument("name")
    actions.add_parser("list", help="names, roles, created and revoked times (never secrets)")


def _add_load_command(commands: Any) -> None:
    load_cmd = commands.add_parser("load", help="(re)load the curated seed graph in one transaction")
    load_cmd.add_argument("--reset", action="store_true", help="first delete everything, synthetic data too")
    load_cmd.add_argument(
        "--discard-changes",
        action="store_true",
        help="replace changes made through the API that no export has written to seed files",
    )


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0912 - one branch per command
    args_list = list(sys.argv[1:] if argv is None else argv)
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
    _add_load_command(commands)
    synth_cmd = commands.add_parser("synth", help="write (or --remove) a synthetic network for load testing")
    synth_cmd.add_argument("--actors", type=int, default=10_000)
    synth_cmd.add_argument("--seed", type=int, default=1)
    synth_cmd.add_argument("--remove", action="store_true", help="delete all synthetic data and exit")
    _add_token_command(commands)
    export_cmd = commands.add_parser("export-schema", help="write the GraphQL SDL")
    export_cmd.add_argument("path", nargs="?", default="schema.graphql")
    commands.add_parser(
        "export-seeds", help="write the curated graph as seed files (synthetic data is not exported)"
    ).add_argument("dir", help="directory for the files, e.g. seeds (each file is replaced whole)")
    _add_import_command(commands)
    args = parser.parse_args(args_list)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.command == "export-schema":
        export_schema(args.path)
        return 0
    try:
        settings = load_settings()
        if args.command == "serve":
            if args.port is not None and not 1 <= args.port <= 65535:
                raise ConfigError(f"--port must be between 1 and 65535, got {args.port}")
            if args.workers is not None and args.workers < 1:
                raise ConfigError(f"--workers must be at least 1, got {args.workers}")
            given = (("host", args.host), ("port", args.port), ("workers", args.workers))
            overrides = {k: v for k, v in given if v is not None}
            if overrides:
                settings = replace(settings, **overrides)
            serve(settings)
        elif args.command == "load":
            with store_connection(settings.graph) as conn:
                asyncio.run(_prepare(conn, load=True, reset=args.reset, discard_changes=args.discard_changes))
        elif args.command == "synth":
            with store_connection(settings.graph) as conn:
                asyncio.run(_synth(conn, args.actors, args.seed, args.remove))
        elif args.command == "token":
            with store_connection(settings.graph) as conn:
                asyncio.run(_token(conn, args))
        elif args.command == "import":
            return import_command(settings, args.files, args.author)
        elif args.command == "export-seeds":
            return export_seeds_command(settings, Path(args.dir))
    except ConfigError as exc:
        # One line per problem, each naming the setting to change.
        for problem in exc.problems:
            print(f"coopgraph: {problem}", file=sys.stderr)
        return 2
    except (StoreError, SeedError, ValueError, MaintenanceBusy, UnsavedChanges) as exc:
        print(f"coopgraph: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
