"""Backups as the README's Operations section describes them: ArcadeDB's BACKUP DATABASE over
the store's HTTP API while it runs and is written to, then a restore into a fresh data
directory. The archive holds whole transactions only, and the restored store serves the graph."""

from __future__ import annotations

import base64
import json
import threading
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError

from graph.constraints import apply_constraints
from graph.database import Connection
from graph.ingest.loader import load_seeds
from graph.store.embedded import EmbeddedStore
from tests.conftest import run_db, store_settings

BATCH = 50


def _command(http_port: int, password: str, database: str, sql: str) -> dict[str, Any]:
    """What the README's curl line sends."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/api/v1/command/{database}",
        data=json.dumps({"language": "sql", "command": sql}).encode(),
        headers={"Authorization": "Basic " + base64.b64encode(f"root:{password}".encode()).decode()},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _rows(conn: Connection, query: str) -> list[dict[str, Any]]:
    with GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password)) as driver:
        records, _, _ = driver.execute_query(query, database_=conn.database)
    return [record.data() for record in records]


def test_a_backup_taken_while_writing_restores_whole_transactions(tmp_path: Path) -> None:
    settings = store_settings(tmp_path / "data")
    with EmbeddedStore(settings, "coopgraph") as conn:
        run_db(conn, apply_constraints)
        run_db(conn, load_seeds)
        graph = _rows(conn, "MATCH (n) RETURN count(n) AS nodes")

        # A writer commits batches of BATCH nodes, one transaction each, during the backup.
        stop = threading.Event()
        batches: list[int] = []

        def write() -> None:
            with GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password)) as driver:
                while not stop.is_set():
                    driver.execute_query(
                        "UNWIND range(1, $n) AS i CREATE (:BackupProbe {batch: $b, i: i})",
                        n=BATCH,
                        b=len(batches),
                        database_=conn.database,
                    )
                    batches.append(len(batches))

        writer = threading.Thread(target=write)
        writer.start()
        try:
            while len(batches) < 3:
                stop.wait(0.05)
            answer = _command(
                settings.http_port, conn.password, conn.database, "BACKUP DATABASE file://nightly.zip"
            )
        finally:
            stop.set()
            writer.join()
        assert answer["result"][0]["result"] == "OK", answer
    archive = tmp_path / "data" / "arcadedb" / "backups" / "coopgraph" / "nightly.zip"
    assert archive.is_file()

    # Restore into a new data directory: the archive's files become the database's directory.
    restored_dir = tmp_path / "restored"
    database_dir = restored_dir / "arcadedb" / "databases" / "coopgraph"
    database_dir.mkdir(parents=True)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(database_dir)
    with EmbeddedStore(store_settings(restored_dir), "coopgraph") as restored:
        counts = _rows(restored, "MATCH (p:BackupProbe) RETURN p.batch AS batch, count(*) AS n")
        assert counts, "the backup holds none of the batches committed before it"
        assert {row["n"] for row in counts} == {BATCH}, "a transaction is in the backup only in part"
        assert len(counts) <= len(batches)
        probes = sum(row["n"] for row in counts)
        assert _rows(restored, "MATCH (n) RETURN count(n) AS nodes") == [
            {"nodes": graph[0]["nodes"] + probes}
        ]
        # Indexes and constraints came back with the data: a keyed lookup, and a duplicate refused.
        assert _rows(restored, "MATCH (e:Entity {id: 'lv-viaa'}) RETURN e.id AS id") == [{"id": "lv-viaa"}]
        with pytest.raises(ConstraintError):
            _rows(restored, "CREATE (:Entity {id: 'lv-viaa'})")
