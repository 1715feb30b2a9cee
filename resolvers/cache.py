"""Whole-graph measures cached per process until the data version changes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionedCache:
    """An LRU of computed values tagged with the data version they were computed from.

    Concurrent requests for the same missing key share one computation, and at most
    `concurrent` computations run at once (each can take seconds of CPU).
    """

    def __init__(self, size: int = 128, concurrent: int = 2) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._slots = asyncio.Semaphore(concurrent)
        self.computations = 0

    def _fresh(self, key: Hashable, version: str) -> tuple[bool, Any]:
        hit = self._values.get(key)
        if hit is not None and hit[0] == version:
            self._values.move_to_end(key)
            return True, hit[1]
        return False, None

    async def get(self, key: Hashable, version: str, compute: Callable[[], Awaitable[T]]) -> T:
        found, value = self._fresh(key, version)
        if found:
            return value  # type: ignore[no-any-return]
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                found, value = self._fresh(key, version)
                if found:
                    return value  # type: ignore[no-any-return]
                async with self._slots:
                    value = await compute()
                self.computations += 1
                self._values[key] = (version, value)
                self._values.move_to_end(key)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
                return value
        finally:
            # Locks live only while someone waits on them, whatever the computation did.
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]
