"""Whole-graph measures cached per process until the data version changes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class VersionedCache:
    """An LRU of computed values tagged with the data version they were computed from.

    Concurrent requests for the same missing key share one computation.
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self.computations = 0

    async def get(self, key: Hashable, version: str, compute: Callable[[], Awaitable[T]]) -> T:
        hit = self._values.get(key)
        if hit is not None and hit[0] == version:
            self._values.move_to_end(key)
            return hit[1]  # type: ignore[no-any-return]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]  # type: ignore[no-any-return]
            value = await compute()
            self.computations += 1
            self._values[key] = (version, value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                old, _ = self._values.popitem(last=False)
                self._locks.pop(old, None)
            return value
