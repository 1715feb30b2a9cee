"""How often each client may ask: a token bucket per client, in the worker's memory.

A client may send `burst` requests at once, then `per_second` on average. Clients are told apart by
their address (IPv6 by its /64 network, which one host usually holds whole) or, when configured, by
their bearer token; loopback clients are left alone unless configured otherwise. Each worker
process keeps its own buckets, so with N workers a client can get up to N times the rate.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable

# Buckets kept at most; past this the least recently seen client is forgotten (and starts again
# with a full bucket), so memory stays bounded whatever the number of addresses.
MAX_CLIENTS = 100_000


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        burst: int,
        *,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.burst = float(burst)
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str) -> float:
        """0 when the client may go ahead (and a token is spent), else the seconds until it may."""
        now = self.clock()
        tokens, when = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.per_second
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


def client_key(host: str | None, authorization: str | None, *, by: str, loopback: bool) -> str | None:
    """Whose bucket a request spends from; None for a client that is not limited."""
    if by == "token" and authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            # Kept as a digest: the bucket table holds no credentials.
            return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    if host is None:
        return "unix" if loopback else None  # a Unix socket: a local client
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "host:" + host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback and not loopback:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return "net:" + str(ipaddress.IPv6Network((address, 64), strict=False))
    return "ip:" + str(address)


__all__ = ["RateLimiter", "client_key"]
