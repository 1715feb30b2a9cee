"""Maintenance is all or nothing: `coopgraph load --reset` and `coopgraph synth`, killed with
SIGKILL at random points, leave after recovery exactly the graph before or the graph after, with
the data version of that graph (graph/ingest/runs.py).

The commands run as users run them, as processes sharing this module's own store (the session
store's data stays untouched). Kill points follow their log lines: after the n-th line, plus a
random delay of a few milliseconds, so kills land inside and between transactions. Set
COOPGRAPH_KILL_SEED to replay a run's points.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from graph.database import Connection, Database
from graph.ingest.loader import load_seeds
from graph.ingest.runs import UnfinishedRun, begin, recover, unfinished_run
from graph.ingest.synth import generate, remove
from graph.version import graph_version
from tests.conftest import run_db
from tests.services import CliStore, coopgraph_command, seeded_cli_store

ACTORS = 150  # about 180 nodes and 640 relationships: a run takes under a second
SEEDS = (1, 2)
KILL_SEED = int(os.environ.get("COOPGRAPH_KILL_SEED") or time.time_ns() % 1_000_000)

NODES = (
    "MATCH (n) WHERE NOT n:Meta "
    "RETURN coalesce(n.id, n.text) AS id, labels(n) AS labels, properties(n) AS props"
)
RELS = (
    "MATCH (a)-[r]->(b) RETURN coalesce(a.id, a.text) AS a, type(r) AS type, "
    "coalesce(b.id, b.text) AS b, properties(r) AS props"
)


@dataclass(frozen=True)
class State:
    """The whole graph (but the Meta node): counts by label and type, and a digest of everything;
    and the data version, which equality leaves out (trial() checks it)."""

    labels: dict[str, int]
    types: dict[str, int]
    digest: str
    version: str = field(compare=False)


def fingerprints(version: str) -> list[str]:
    """The curated and synthetic fingerprints in a data version (graph/cypher/version.py)."""
    return version.split(" run ", maxsplit=1)[0].split("/")[:2]


Store = CliStore


def _canonical(rows: list[dict[str, Any]]) -> list[str]:
    for row in rows:
        if "labels" in row:
            row["labels"] = sorted(row["labels"])
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def state(conn: Connection) -> State:
    async def work(db: Database) -> State:
        nodes = await db.read(NODES)
        rels = await db.read(RELS)
        labels: dict[str, int] = {}
        for node in nodes:
            key = ":".join(sorted(node["labels"]))
            labels[key] = labels.get(key, 0) + 1
        types: dict[str, int] = {}
        for rel in rels:
            types[rel["type"]] = types.get(rel["type"], 0) + 1
        digest = hashlib.sha256(json.dumps([_canonical(nodes), _canonical(rels)]).encode()).hexdigest()
        return State(labels, types, digest, await graph_version(db))

    return run_db(conn, work)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    # The commands find this store running and use it; killing them leaves it up.
    with seeded_cli_store(tmp_path_factory.mktemp("maintenance")) as running:
        yield running


def command(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return coopgraph_command(store, *args)


def completed(store: Store, *args: str) -> list[str]:
    """Run a command to its end; its log lines."""
    done = command(store, *args)
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()


def killed(store: Store, args: list[str], after_line: int, delay: float) -> tuple[int, list[str]]:
    """Start a command, SIGKILL it `delay` seconds after its `after_line`-th log line (0: the first).

    Returns its exit status (-9, or 0 if it finished first) and the lines it wrote.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", *args],
        env=store.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    try:
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if len(lines) > after_line:
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                break
        lines += process.stderr.read().splitlines()
    finally:
        process.stderr.close()
        code = process.wait(timeout=60)
    return code, lines


def check_interrupted(store: Store, lines: list[str]) -> None:
    """What a killed run leaves before recovery: a marker of an abandoned run, and a version that
    names the run once it has committed data."""
    run: UnfinishedRun | None = run_db(store.conn, unfinished_run)
    if run is None:
        return
    assert run.abandoned, (run, lines)
    if run.step:
        assert f" run {run.id}:" in run_db(store.conn, graph_version)


def recovered(store: Store, through_cli: bool) -> State:
    """Start-up's recovery (`coopgraph load` recovers first, then reloads the same curated graph:
    no change), or the same function called here."""
    if through_cli:
        completed(store, "load")
    else:
        assert run_db(store.conn, recover) is None
    assert run_db(store.conn, unfinished_run) is None
    return state(store.conn)


def synth_args(seed: int) -> list[str]:
    return ["synth", "--actors", str(ACTORS), "--seed", str(seed)]


Work = Callable[[Database, Callable[[str], None]], Awaitable[object]]


def synth_work(seed: int) -> Work:
    return lambda db, say: generate(db, ACTORS, seed, progress=say)


def in_process(store: Store, work: Work) -> list[str]:
    """Run maintenance here, to its end, for a reference state; the log lines the command would
    write (its progress lines, then one of its own)."""
    lines: list[str] = []
    run_db(store.conn, lambda db: work(db, lines.append))
    return [*lines, "(the command's report)"]


def line_of(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


@dataclass(frozen=True)
class Kill:
    after_line: int
    delay: float
    through_cli: bool = False  # recover with `coopgraph load`'s start-up, not recover()


def trial(store: Store, args: list[str], kill: Kill, old: State, new: State, switch: str) -> tuple[str, str]:
    """Kill one run, check what it left, recover; "old" or "new", and the phase it was killed in.

    `switch` is logged once the run's new state is committed: from then on it must finish.
    """
    where = (
        f"COOPGRAPH_KILL_SEED={KILL_SEED}: `{' '.join(args)}` killed {kill.delay * 1000:.0f} ms "
        f"after its line {kill.after_line}"
    )
    version = run_db(store.conn, graph_version)
    code, lines = killed(store, args, kill.after_line, kill.delay)
    interrupted = run_db(store.conn, unfinished_run)
    check_interrupted(store, lines)
    after = recovered(store, kill.through_cli)
    assert after in (old, new), where
    if code == 0 or any(switch in line for line in lines):
        assert after == new, f"{where}: a run past its switch must be finished"
    # The version is that of the graph recovered to, and changed if anything was committed (a
    # rolled-back run's data too: values computed from it may be cached under the old version).
    assert fingerprints(after.version) == fingerprints((new if after == new else old).version), where
    unchanged = after == old and (interrupted is None or interrupted.step == 0)
    assert (after.version == version) == unchanged, (where, version, after.version, interrupted)
    return ("new" if after == new else "old"), (interrupted.phase if interrupted else "-")


def test_synth_killed_anywhere_leaves_the_old_or_the_new_network(store: Store) -> None:
    rng = random.Random(KILL_SEED)
    states: dict[int, State] = {}
    lines: list[str] = []
    for seed in SEEDS:
        lines = in_process(store, synth_work(seed))
        states[seed] = state(store.conn)
    assert states[1].digest != states[2].digest
    assert states[1].version != states[2].version
    switched = "replacing the old one"  # logged once the switch to the new network is committed
    switch = line_of(lines, switched)
    third = switch // 3
    plan = [
        # In the write phase, early, middle and late (reaching into the last writes and the switch).
        Kill(rng.randrange(0, third), rng.uniform(0, 0.03)),
        Kill(rng.randrange(third, 2 * third), rng.uniform(0, 0.03), through_cli=True),
        Kill(rng.randrange(2 * third, switch), rng.uniform(0, 0.2)),
        # Deleting the old network, renaming the new one, and anywhere after the switch.
        Kill(switch, 0.0),
        Kill(line_of(lines, "rename phase"), 0.0, through_cli=True),
        Kill(rng.randrange(switch, len(lines)), rng.uniform(0, 0.03)),
    ]
    current = SEEDS[-1]
    outcomes, phases = [], []
    for kill in plan:
        target = SEEDS[0] if current == SEEDS[1] else SEEDS[1]
        outcome, phase = trial(store, synth_args(target), kill, states[current], states[target], switched)
        outcomes.append(outcome)
        phases.append(phase)
        current = target if outcome == "new" else current
    assert outcomes[0] == "old" and outcomes[3] == "new", (outcomes, phases)


def test_load_reset_killed_anywhere_leaves_the_old_or_the_new_graph(store: Store) -> None:
    rng = random.Random(KILL_SEED + 1)

    def with_synthetic() -> State:
        run_db(store.conn, lambda db: generate(db, ACTORS, SEEDS[0]))
        return state(store.conn)

    old = with_synthetic()
    lines = in_process(store, lambda db, say: load_seeds(db, reset=True, progress=say))
    new = state(store.conn)
    assert new.digest != old.digest and new.version != old.version
    committed = "new curated graph committed"
    plan = [
        # Line 0 comes just before the transaction of the new curated graph: before it commits,
        # then into it or past it.
        Kill(0, rng.uniform(0, 0.03)),
        Kill(0, rng.uniform(0.03, 0.3)),
        # Deleting the rest: at its start, on the way, and anywhere.
        Kill(line_of(lines, committed), 0.0, through_cli=True),
        Kill(line_of(lines, committed), rng.uniform(0, 0.03)),
        Kill(rng.randrange(len(lines)), rng.uniform(0, 0.1)),
    ]
    outcomes, phases = ["new"], []
    for kill in plan:
        if outcomes[-1] == "new":
            assert with_synthetic() == old
        outcome, phase = trial(store, ["load", "--reset"], kill, old, new, committed)
        outcomes.append(outcome)
        phases.append(phase)
    assert outcomes[1] == "old" and outcomes[3] == "new", (outcomes[1:], phases)


def test_a_running_maintenance_run_excludes_others_and_is_recovered_when_left(store: Store) -> None:
    before = state(store.conn)

    async def start(db: Database) -> str:
        run = await begin(db, "synth", "write", target="9:9")
        await run.write("CREATE (:Entity:School {id: $id, synthetic: true})", {"id": run.prefix + "syn-x"})
        run.release()  # as if this process had failed without rolling back
        return run.id

    # A marker naming a live process (this one) that is not running it any more is recoverable;
    # another process sees it only as a live run and refuses to start one of its own.
    run_id = run_db(store.conn, start)
    assert f"run {run_id}:1" in run_db(store.conn, graph_version)
    busy = command(store, "load")
    assert busy.returncode == 2, busy.stderr
    assert f"maintenance run {run_id}" in busy.stderr and "is running" in busy.stderr
    assert run_db(store.conn, recover) is None
    assert state(store.conn) == before


def test_graph_stats_follow_a_complete_reset(store: Store) -> None:
    run_db(store.conn, lambda db: generate(db, ACTORS, SEEDS[1]))
    query = {"query": "{ graphStats { nodeCount relationshipCount } }"}
    with TestClient(create_app(store.conn)) as client:
        first = client.post("/graphql", json=query).json()["data"]["graphStats"]
        run_db(store.conn, lambda db: load_seeds(db, reset=True))
        second = client.post("/graphql", json=query).json()["data"]["graphStats"]
    assert second["nodeCount"] < first["nodeCount"]
    nodes = state(store.conn).labels
    assert second["nodeCount"] == sum(nodes.values()) + 1  # and the Meta node


def test_readyz_reports_an_interrupted_run_and_has_it_recovered(store: Store) -> None:
    before = state(store.conn)

    async def start(db: Database) -> None:
        run = await begin(db, "synth", "write", target="9:9")
        await run.write("CREATE (:Entity:School {id: $id, synthetic: true})", {"id": run.prefix + "syn-x"})
        run.release()

    run_db(store.conn, start)
    with TestClient(create_app(store.conn)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["state"] == "maintenance"
        assert "`coopgraph synth`" in response.json()["reason"]
        deadline = time.monotonic() + 20
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the interrupted run was not recovered"
            time.sleep(0.1)
    assert run_db(store.conn, unfinished_run) is None
    assert state(store.conn) == before


def test_synth_remove_killed_anywhere_is_finished(store: Store) -> None:
    # Once a removal has claimed the graph it only goes forward: killed anywhere after that,
    # recovery finishes it; killed before, the network is untouched.
    rng = random.Random(KILL_SEED + 2)

    def with_synthetic() -> State:
        run_db(store.conn, lambda db: generate(db, ACTORS, SEEDS[0]))
        return state(store.conn)

    old = with_synthetic()
    lines = in_process(store, lambda db, say: remove(db, progress=say))
    new = state(store.conn)
    assert new.digest != old.digest
    claimed = "started"  # logged once the run has claimed the graph
    plan = [
        Kill(0, rng.uniform(0, 0.02)),
        Kill(0, rng.uniform(0.02, 0.2), through_cli=True),
        Kill(rng.randrange(len(lines)), rng.uniform(0, 0.05)),
    ]
    outcomes = []
    for kill in plan:
        if state(store.conn) != old:
            assert with_synthetic() == old
        outcome, _ = trial(store, ["synth", "--remove"], kill, old, new, claimed)
        outcomes.append(outcome)
    assert "new" in outcomes, outcomes
