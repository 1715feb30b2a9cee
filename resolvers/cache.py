"""Whole-graph measures cached per process until the data version changes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from resolvers.errors import Busy

T = TypeVar("T")


class VersionedCache:
    """An LRU of computed values tagged with the data version they were computed from.

    Concurrent requests for the same missing key share one computation, and at most
    `concurrent` computations run at once (each can take seconds of CPU).

    A computation runs as a task of its own, shielded from the requests waiting for it: a request
    that gives up (its time budget ran out, its client went away) stops waiting, but the work it
    started finishes, fills the cache and only then frees its slot. Its CPU part runs in a thread,
    which cannot be stopped anyway; cancelled, it would be thrown away and started again by the
    next request for the same answer, and a measure slower than the time budget could never be
    answered.
    """

    def __init__(self, size: int = 128, concurrent: int = 2, pending: int = 16) -> None:
        self.size = size
        # Computations outlive the requests that started them: without a bound, clients asking
        # ever new questions (or a maintenance run changing the version at each step) would pile
        # up work no one waits for. Past `pending`, a new computation is refused (Busy).
        self.pending = pending
        self._values: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()
        self._running: dict[Hashable, tuple[str, asyncio.Task[Any]]] = {}
        # Every computation not done yet, those of an older version too.
        self._unfinished: set[asyncio.Task[Any]] = set()
        self._slots = asyncio.Semaphore(concurrent)
        self.computations = 0

    def _fresh(self, key: Hashable, version: str) -> tuple[bool, Any]:
        hit = self._values.get(key)
        if hit is not None and hit[0] == version:
            self._values.move_to_end(key)
            return True, hit[1]
        return False, None

    async def get(
        self,
        key: Hashable,
        version: str,
        compute: Callable[[], Awaitable[T]],
        current: Callable[[], Awaitable[str]],
    ) -> T:
        """The value for `key` at data `version`, computed if missing. `current` reads the data
        version again after a computation: a value computed while the data changed is answered
        but not kept, since it may describe neither version."""
        found, value = self._fresh(key, version)
        if found:
            return value  # type: ignore[no-any-return]
        running = self._running.get(key)
        if running is None or running[0] != version:
            if len(self._unfinished) >= self.pending:
                raise Busy(f"{len(self._unfinished)} whole-graph computations are under way")
            task = asyncio.ensure_future(self._compute(key, version, compute, current))
            self._running[key] = (version, task)
            self._unfinished.add(task)
            task.add_done_callback(lambda done: self._finished(key, done))
        else:
            task = running[1]
        return await asyncio.shield(task)

    async def _compute(
        self,
        key: Hashable,
        version: str,
        compute: Callable[[], Awaitable[T]],
        current: Callable[[], Awaitable[str]],
    ) -> T:
        async with self._slots:
            value = await compute()
        self.computations += 1
        if await current() != version:
            return value
        self._values[key] = (version, value)
        self._values.move_to_end(key)
        while len(self._values) > self.size:
            self._values.popitem(last=False)
        return value

    def _finished(self, key: Hashable, task: asyncio.Task[Any]) -> None:
        self._unfinished.discard(task)
        running = self._running.get(key)
        if running is not None and running[1] is task:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved: a failure nobody waited for is not reported as lost
