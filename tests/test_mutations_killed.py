"""A curator's write killed midway (issue #13; the brief: every write all or nothing, whatever kills
it). A process runs a real merge against the real store and is stopped dead (SIGKILL) after a
chosen statement of its transaction, the last one before the commit included: the graph, its
change log and its data version are then exactly as before. The pause only holds the process
still at that point; nothing is mocked."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import pytest

from graph.curation.entities import create_entity
from graph.curation.relationships import assert_relationship
from graph.curation.sources import add_source
from graph.database import Database
from tests.conftest import run_db
from tests.services import CliStore, seeded_cli_store
from tests.test_export import curated_dump

MINISTRY = "ee-ministry-of-education-and-research"
# Runs merge_entities; after statement number argv[3] of its transaction (0: never) it says so
# and waits to be killed. At the end it prints how many statements the write sent.
MERGE = """
import asyncio, json, sys, time
import graph.curation.entities, graph.curation.lookup, graph.curation.merge
import graph.curation.relationships, graph.curation.transaction
from graph.curation.merge import merge_entities
from graph.database import Connection, open_database

conn, survivor, merged, stop = Connection(**json.loads(sys.argv[1])), *sys.argv[2:4], int(sys.argv[4])
sent = 0
original = graph.curation.transaction.rows

async def counted(tx, query, **params):
    global sent
    found = await original(tx, query, **params)
    sent += 1
    if sent == stop:
        print("paused", flush=True)
        time.sleep(3600)
    return found

for module in (graph.curation.entities, graph.curation.lookup, graph.curation.merge,
               graph.curation.relationships, graph.curation.transaction):
    module.rows = counted

async def main():
    db = open_database(conn)
    try:
        await merge_entities(db, "killer", survivor, merged, "one school")
    finally:
        await db.close()
    print(sent, flush=True)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliStore]:
    with seeded_cli_store(tmp_path_factory.mktemp("killed")) as running:
        yield running


def school(key: str) -> dict[str, Any]:
    return {
        "id": key, "kind": "school", "subtype": "general", "name": f"Kool {key}", "lang": "et",
        "name_en": f"School {key}", "country": "EE",
    }  # fmt: skip


def two_schools(store: CliStore, survivor: str, merged: str) -> None:
    async def work(db: Database) -> None:
        await add_source(
            db, "setup", {"id": "src-killed", "url": "https://e.org/k", "language": "en", "title_en": "K"}
        )
        for key in (survivor, merged):
            await create_entity(db, "setup", school(key), ["src-killed"])
        claim = {"type": "cooperates_with", "from": merged, "to": MINISTRY, "start": "2020"}
        await assert_relationship(db, "setup", claim, ["src-killed"])

    run_db(store.conn, work)


def state(store: CliStore) -> Any:
    async def log(db: Database) -> Any:
        return await db.read(
            "MATCH (m:Meta {id: 'graph'}) OPTIONAL MATCH (c:Change) "
            "RETURN m.curated AS version, m.change_seq AS seq, count(c) AS changes"
        )

    return curated_dump(store.conn), run_db(store.conn, log)


def merge(store: CliStore, survivor: str, merged: str, stop: int) -> subprocess.Popen[str]:
    conn = json.dumps(asdict(store.conn))
    return subprocess.Popen(
        [sys.executable, "-c", MERGE, conn, survivor, merged, str(stop)],
        env=store.env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_merge_killed_at_any_statement_leaves_the_graph_as_it_was(store: CliStore) -> None:
    # The same merge once to its end, on a pair of its own: how many statements it sends.
    two_schools(store, "ee-kill-a", "ee-kill-b")
    whole = merge(store, "ee-kill-a", "ee-kill-b", 0)
    out, _ = whole.communicate(timeout=120)
    assert whole.returncode == 0
    statements = int(out.split()[-1])
    assert statements >= 10

    two_schools(store, "ee-kill-c", "ee-kill-d")
    before = state(store)
    for stop in (1, statements // 2, statements):  # the last: everything sent, nothing committed
        process = merge(store, "ee-kill-c", "ee-kill-d", stop)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "paused"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert state(store) == before, f"killed after statement {stop} of {statements}"

    finished = merge(store, "ee-kill-c", "ee-kill-d", 0)
    finished.communicate(timeout=120)
    assert finished.returncode == 0
    assert state(store) != before  # the merge the kills interrupted does change the graph
