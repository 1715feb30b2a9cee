"""Keeps the embedded store running while coopgraph serves: a thread in the process that owns it.

- Every POLL seconds it looks at the store's process. When that has exited (killed, crashed,
  out of memory) it starts the store again at once, on the same ports and data; when that
  fails, again after 1, 2, 4 ... MAX_BACKOFF seconds. A store that stays up STABLE seconds
  resets the backoff.
- Every PING seconds it asks the store a question; a store that has answered none for HUNG
  seconds is killed, and so restarted.
- In a process that shares another's store it waits for the lock on the data directory: when
  the owner exits, whatever kills it, the lock is free and this process starts the store on the
  same ports, so that its web workers' connections stay valid, and owns it from then on.

Each change goes to ``store.json`` (graph/store/status.py) for /readyz and /healthz. The web
workers never wait on this thread: their queries fail at once while the store is down
(graph/database.py) and succeed again as soon as it answers.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.store.embedded import EmbeddedStore

log = logging.getLogger(__name__)

POLL = 0.25
PING = 5.0
HUNG = 30.0
STABLE = 60.0
MAX_BACKOFF = 30.0


class Supervisor(threading.Thread):
    def __init__(self, store: EmbeddedStore) -> None:
        super().__init__(name="store-supervisor", daemon=True)
        self.store = store
        self._failures = 0  # restarts that did not last STABLE seconds, for the backoff
        self._up_since = self._last_answer = self._last_ping = time.monotonic()

    def run(self) -> None:
        while not self.store.stopping.wait(POLL):
            try:
                self._tick()
            except Exception:
                # Never let the thread die: the store's process gets SIGTERM when it ends.
                log.exception("store supervisor: unexpected error; carrying on")

    def _tick(self) -> None:
        store = self.store
        if not store.owned:
            if store.take_over():
                log.warning("the coopgraph process that ran the store exited; starting the store here")
                self._bring_back(time.monotonic())
            return
        code = store.exit_code()
        if code is not None:
            log.error("the store exited with code %d; restarting it", code)
            store.mark_restarting(f"the store exited with code {code}")
            self._bring_back(time.monotonic())
            return
        now = time.monotonic()
        if now - self._last_ping < PING:
            return
        self._last_ping = now
        reason = store.answers()
        if reason is None:
            self._last_answer = now
        elif now - self._last_answer > HUNG:
            silent = now - self._last_answer
            log.error("the store has not answered for %.0f s (%s); killing it", silent, reason)
            store.kill()

    def _backoff(self) -> float:
        return 0.0 if self._failures == 0 else min(2.0 ** (self._failures - 1), MAX_BACKOFF)

    def _bring_back(self, down_at: float) -> None:
        """Start the store again, with backoff, until it answers or the service stops."""
        from graph.store.embedded import StoreError

        if down_at - self._up_since >= STABLE:
            self._failures = 0
        attempt = 0
        while True:
            if self.store.stopping.wait(self._backoff()):
                return
            attempt += 1
            try:
                self.store.restart()
            except StoreError as exc:
                if self.store.stopping.is_set():
                    return
                self._failures += 1
                log.error("restarting the store failed (attempt %d): %s", attempt, exc)
                self.store.mark_restarting(f"restart attempt {attempt} failed: {exc}")
                continue
            self._failures += 1
            self._up_since = self._last_answer = self._last_ping = time.monotonic()
            log.warning(
                "the store answers again, %.1f s after it went down (attempt %d)",
                self._up_since - down_at,
                attempt,
            )
            return
