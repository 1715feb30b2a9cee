"""``store.json`` in the data directory: who runs the embedded store, on which ports, and how it
is doing.

The process that owns the store writes it whenever that changes (atomically: a reader never
sees half a file); processes sharing the store read its ports from it, and every web worker's
``/readyz`` and ``/healthz`` read its state. The file is removed when the store is stopped on
purpose.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

FILE_NAME = "store.json"
# "running": the store answered when last started and its process has not exited since;
# "restarting": it exited (or stopped answering) and the owner is starting it again.
State = Literal["running", "restarting"]


@dataclass(frozen=True)
class StoreStatus:
    pid: int  # the store's own process; 0 while none runs
    owner_pid: int  # the coopgraph process that started it and keeps it running
    bolt_port: int
    http_port: int
    state: State = "running"
    restarts: int = 0  # since the owner started it first
    down_since: float | None = None  # time.time() when it stopped answering, while restarting
    reason: str = ""  # why it is restarting

    def restarting(self, reason: str) -> StoreStatus:
        since = self.down_since if self.state == "restarting" else time.time()
        return replace(self, pid=0, state="restarting", down_since=since, reason=reason)

    def running(self, pid: int, owner_pid: int) -> StoreStatus:
        return replace(
            self,
            pid=pid,
            owner_pid=owner_pid,
            state="running",
            restarts=self.restarts + (self.state == "restarting"),
            down_since=None,
            reason="",
        )

    def down_for(self) -> float:
        """Seconds since the store stopped answering; 0 while it runs."""
        return 0.0 if self.down_since is None else max(0.0, time.time() - self.down_since)


def status_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def write_status(path: Path, status: StoreStatus) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(asdict(status)))
    os.replace(temporary, path)


def read_status(path: Path) -> StoreStatus | None:
    """The status, or None when no store is recorded (never started, or stopped on purpose)."""
    try:
        raw = json.loads(path.read_text())
        return StoreStatus(
            pid=int(raw["pid"]),
            owner_pid=int(raw["owner_pid"]),
            bolt_port=int(raw["bolt_port"]),
            http_port=int(raw.get("http_port", 0)),
            state="restarting" if raw.get("state") == "restarting" else "running",
            restarts=int(raw.get("restarts", 0)),
            down_since=raw.get("down_since"),
            reason=str(raw.get("reason", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
