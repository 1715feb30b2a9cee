"""Timing, percentiles and a minimal keep-alive HTTP/1.1 client (so the client costs ~nothing)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values (p in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass
class Stats:
    """Latencies in milliseconds plus the errors seen while collecting them."""

    samples: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, ms: float) -> None:
        self.samples.append(ms)

    @property
    def n(self) -> int:
        return len(self.samples)

    def p(self, q: float) -> float:
        return percentile(sorted(self.samples), q)

    @property
    def p50(self) -> float:
        return self.p(50)

    @property
    def p95(self) -> float:
        return self.p(95)

    @property
    def p99(self) -> float:
        return self.p(99)


async def timed(work: Callable[[], Awaitable[object]]) -> tuple[float, object]:
    started = time.perf_counter()
    result = await work()
    return (time.perf_counter() - started) * 1000, result


class HttpError(Exception):
    pass


class HttpClient:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1; POSTs JSON, reads the whole answer."""

    def __init__(self, port: int, path: str = "/graphql", token: str | None = None) -> None:
        self.port = port
        self.path = path
        self.token = token  # sent as `Authorization: Bearer` (a curator's, for mutations)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self._reader, self._writer

    def request_bytes(self, body: bytes) -> bytes:
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            "Content-Type: application/json\r\nAccept: application/graphql-response+json\r\n"
            + (f"Authorization: Bearer {self.token}\r\n" if self.token else "")
            + f"Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    async def post_raw(self, body: bytes) -> tuple[int, bytes]:
        try:
            return await self._exchange(body)
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()  # the server closed an idle connection: one retry on a fresh one
            return await self._exchange(body)

    async def _exchange(self, body: bytes) -> tuple[int, bytes]:
        reader, writer = await self._connect()
        writer.write(self.request_bytes(body))
        await writer.drain()
        status_line = await reader.readuntil(b"\r\n")
        if not status_line:
            raise ConnectionError("connection closed")
        status = int(status_line.split()[1])
        length: int | None = None
        chunked = False
        close = False
        while True:
            line = await reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and "close" in value.lower():
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            data = b"".join(parts)
        elif length is not None:
            data = await reader.readexactly(length)
        else:
            data = await reader.read()
            close = True
        if close:
            await self.close()
        return status, data

    async def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The decoded answer; HttpError on a non-200 status or GraphQL errors."""
        status, data = await self.post_raw(json.dumps({"query": query, "variables": variables}).encode())
        try:
            answer: dict[str, Any] = json.loads(data)
        except ValueError as exc:
            raise HttpError(f"HTTP {status}: {data[:300]!r}") from exc
        if status != 200 or answer.get("errors"):
            raise HttpError(f"HTTP {status}: {json.dumps(answer.get('errors'))[:500]}")
        return answer

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
