"""Entry point of the embedded store's child process (ArcadeDB with its Bolt plugin).

Run by graph.store.embedded as ``python -m graph.store.process``; configuration comes from
the environment so that the password never appears on a command line.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from graph.store.processes import die_with_parent


def _die_with_parent() -> None:
    """Stop (SIGTERM) when the coopgraph process that started this one dies, so that no
    orphaned store outlives it."""
    parent = int(os.environ.get("COOPGRAPH_STORE_PARENT_PID") or os.getppid())
    if not die_with_parent(parent):
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
