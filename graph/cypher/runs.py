"""The maintenance run marker: `run*` properties on the graph's Meta node (graph/ingest/runs.py).

One run at a time. Every statement that changes the marker first writes the heartbeat
(`run_beat`) and only then reads who holds the run: on Neo4j that write takes the node's lock,
so the read after it sees the latest committed holder (a read before it could be stale); on the
embedded store, whose concurrency is optimistic, two transactions that both wrote the node
cannot both commit, and the driver retries the loser, which then finds the run taken. A
statement that finds the marker held by someone else returns no row, and its caller rolls the
whole transaction back, the heartbeat with it.
"""

from typing import Final

# Claims the marker for a new run, if no run holds it. Returns the synthetic fingerprint the
# graph had, which decides whether the run's end needs a new revision (graph/ingest/runs.py).
BEGIN: Final = (
    "MERGE (m:Meta {id: 'graph'}) SET m.run_beat = $now WITH m WHERE m.run IS NULL "
    "SET m.run = $run, m.run_owner = $owner, m.run_host = $host, m.run_pid = $pid, "
    "m.run_kind = $kind, m.run_phase = $phase, m.run_target = $target, m.run_stray = false, "
    "m.run_started = $now, m.run_step = 0 "
    "RETURN m.synthetic AS synthetic"
)

# Opens every transaction of a run: proves the run is still this process's, applies marker
# changes (a new phase) and counts committed data steps, which the data version includes.
FENCE: Final = (
    "MATCH (m:Meta {id: 'graph'}) SET m.run_beat = $now "
    "WITH m WHERE m.run = $run AND m.run_owner = $owner "
    "SET m += $changes, m.run_step = m.run_step + $advance "
    "RETURN m.run_step AS step"
)

# A run's last transaction: the new fingerprints ($changes) and the marker gone, together.
FINISH: Final = (
    "MATCH (m:Meta {id: 'graph'}) SET m.run_beat = $now "
    "WITH m WHERE m.run = $run AND m.run_owner = $owner "
    "SET m += $changes "
    "REMOVE m.run, m.run_owner, m.run_host, m.run_pid, m.run_kind, m.run_phase, m.run_target, "
    "m.run_stray, m.run_started, m.run_step, m.run_beat "
    "RETURN m.id AS id"
)

# Recovery takes an abandoned run over; the previous owner's next FENCE then fails.
CLAIM: Final = (
    "MATCH (m:Meta {id: 'graph'}) SET m.run_beat = $now "
    "WITH m WHERE m.run = $run AND m.run_owner = $previous "
    "SET m.run_owner = $owner, m.run_host = $host, m.run_pid = $pid "
    "RETURN m.run AS run"
)

UNFINISHED: Final = (
    "MATCH (m:Meta {id: 'graph'}) WHERE m.run IS NOT NULL "
    "RETURN m.run AS run, m.run_kind AS kind, m.run_phase AS phase, m.run_owner AS owner, "
    "m.run_host AS host, m.run_pid AS pid, m.run_started AS started, m.run_beat AS beat, "
    "m.run_step AS step, m.run_target AS target, m.run_stray AS stray"
)
