"""Entry point of the embedded store's child process (ArcadeDB with its Bolt plugin).

Run by graph.store.embedded as ``python -m graph.store.process``; configuration comes from
the environment so that the password never appears on a command line.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: get SIGTERM when the thread that started this process ends (with its process, or
    the supervisor thread at shutdown), so that no orphaned store outlives coopgraph. Set here
    rather than in a preexec_fn, which is unsafe in a process with threads."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    parent = int(os.environ.get("COOPGRAPH_STORE_PARENT_PID") or 0)
    if parent and os.getppid() != parent:
        print("store: the process that started it is gone; not starting", flush=True)
        sys.exit(0)


def main() -> None:
    root = Path(os.environ["COOPGRAPH_STORE_ROOT"])
    password = Path(os.environ["COOPGRAPH_STORE_PASSWORD_FILE"]).read_text().strip()
    database = os.environ["COOPGRAPH_STORE_DATABASE"]
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        print(f"store: signal {signum}, stopping", flush=True)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    _die_with_parent()

    from arcadedb_embedded import ArcadeDBServer

    server = ArcadeDBServer(
        str(root),
        root_password=password,
        config={
            "host": "127.0.0.1",
            "http_port": int(os.environ["COOPGRAPH_STORE_HTTP_PORT"]),
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": int(os.environ["COOPGRAPH_STORE_BOLT_PORT"]),
            "bolt_defaultDatabase": database,
            "mode": "production",
        },
        jvm_kwargs={
            "heap_size": os.environ["COOPGRAPH_STORE_HEAP"],
            # A server-wide statement timeout: driver-side timeouts are ignored by this engine.
            "jvm_args": [f"-Darcadedb.command.timeout={os.environ['COOPGRAPH_STORE_COMMAND_TIMEOUT_MS']}"],
        },
    )
    server.start()
    server.create_database(database)
    print(f"store: ready, database {database!r}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()
    print("store: stopped", flush=True)
    sys.stdout.flush()
    # Open Bolt connections keep the JVM alive after stop(); the data is already safe.
    os._exit(0)


if __name__ == "__main__":
    main()
