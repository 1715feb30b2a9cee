"""Chooses the database: the configured Neo4j server, or the embedded store started here."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graph.database import Connection
from graph.store.embedded import EmbeddedStore
from graph.store.settings import GraphSettings


@contextlib.contextmanager
def store_connection(settings: GraphSettings) -> Iterator[Connection]:
    """Yield connection details; with NEO4J_URI unset, run the embedded store meanwhile."""
    if settings.neo4j_uri is not None:
        yield Connection(
            settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password or "", settings.database
        )
        return
    with EmbeddedStore(settings.store, settings.database) as conn:
        yield conn
