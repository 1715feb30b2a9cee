"""`coopgraph load` and changes made through the API: it does not replace what no seed file holds,
unless told to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.curation.sources import add_source
from graph.database import Database
from graph.ingest.loader import load_seeds
from graph.ingest.seed_files import read_seed_graph
from tests.conftest import run_db
from tests.services import CliStore, coopgraph_command, seeded_cli_store

SOURCE = {"id": "src-guard", "url": "https://example.org/guard", "language": "en", "title_en": "Guard"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliStore]:
    with seeded_cli_store(tmp_path_factory.mktemp("guard")) as running:
        yield running


async def _sources(db: Database) -> set[str]:
    return {row["id"] for row in await db.read("MATCH (s:Source) RETURN s.id AS id")}


def test_load_keeps_api_changes_until_exported_or_discarded(store: CliStore, tmp_path: Path) -> None:
    run_db(store.conn, lambda db: add_source(db, "tester", SOURCE))
    refused = coopgraph_command(store, "load")
    assert refused.returncode == 2
    assert "1 change(s) made through the API" in refused.stderr and "export-seeds" in refused.stderr
    assert "src-guard" in run_db(store.conn, _sources)

    # Written out elsewhere: seeds/ still lacks it, so a load of seeds/ still asks.
    exported = coopgraph_command(store, "export-seeds", str(tmp_path / "seeds"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "seeds" / "src-guard.toml").exists()
    assert coopgraph_command(store, "load").returncode == 2
    # Loading the files it went into keeps it: nothing is lost.
    exported_graph = read_seed_graph(sorted((tmp_path / "seeds").glob("*.toml")))
    run_db(store.conn, lambda db: load_seeds(db, exported_graph, directory=tmp_path / "seeds"))
    assert "src-guard" in run_db(store.conn, _sources)
    # Held by the files that were loaded: a load may replace it (with seeds/, which lack it).
    loaded = coopgraph_command(store, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "src-guard" not in run_db(store.conn, _sources)

    run_db(store.conn, lambda db: add_source(db, "tester", SOURCE))
    discarded = coopgraph_command(store, "load", "--discard-changes")
    assert discarded.returncode == 0, discarded.stderr
    assert "src-guard" not in run_db(store.conn, _sources)
