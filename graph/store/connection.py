"""Chooses the database: the configured Neo4j server, or the embedded store started here."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graph.database import Connection
from graph.store.checks import check_data_dir, check_server
from graph.store.embedded import EmbeddedStore
from graph.store.settings import GraphSettings


@contextlib.contextmanager
def store_connection(settings: GraphSettings, *, supervise: bool = False) -> Iterator[Connection]:
    """Yield connection details; with NEO4J_URI unset, run the embedded store meanwhile (kept
    running by a supervisor thread with `supervise`). A configured server must answer, and the
    data directory must be usable, before anything starts (ConfigError otherwise)."""
    if settings.neo4j_uri is not None:
        check_server(settings)
        yield Connection(
            settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password or "", settings.database
        )
        return
    check_data_dir(settings.store.data_dir)
    with EmbeddedStore(settings.store, settings.database, supervise=supervise) as conn:
        yield conn
