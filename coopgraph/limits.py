"""What one request may take: body size, query cost, time, how often a client may ask, and
whether it needs a token to read.

Read from the environment at start-up with the other settings (coopgraph.settings), each problem
named by its variable; the README's "Operations" section describes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.environment import env_flag, env_positive, env_whole
from schema.cost import MAX_COST

RATE_KEYS = ("address", "token")


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 1024 * 1024  # request body (and GET query string), bytes
    max_query_cost: int = MAX_COST  # one operation's estimated cost (schema.cost)
    request_timeout: float = 30.0  # seconds a request may take before it is cancelled
    rate_limit: int = 600  # requests per minute per client, sustained; 0: no limit
    rate_burst: int = 60  # requests a client may send at once before the rate applies
    rate_limit_loopback: bool = False  # limit clients on 127.0.0.1/::1 too
    rate_limit_by: str = "address"  # or "token": the bearer token, for clients that send one
    reads_need_token: bool = False  # every GraphQL request needs a token (reader or above)

    @property
    def rate_per_second(self) -> float:
        return self.rate_limit / 60.0


UNITS = {"": 1, "k": 1024, "m": 1024 * 1024}


def _size(env: Mapping[str, str], name: str, default: int, minimum: int, problems: list[str]) -> int:
    """Bytes, as a whole number with an optional k or m (KiB, MiB) suffix."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    number, unit = (raw[:-1], raw[-1].lower()) if raw[-1].lower() in UNITS else (raw, "")
    value = int(number) * UNITS[unit] if number.isascii() and number.isdigit() else 0
    if value < minimum:
        problems.append(f"{name}={raw!r} must be a size in bytes (such as 512k or 1m), at least {minimum}")
        return default
    return value


def read_limits(env: Mapping[str, str], problems: list[str]) -> Limits:
    """The request limits; each problem is added to `problems` rather than raised."""
    defaults = Limits()
    rate_by = env.get("COOPGRAPH_RATE_LIMIT_BY", "").strip().lower() or defaults.rate_limit_by
    if rate_by not in RATE_KEYS:
        problems.append(f"COOPGRAPH_RATE_LIMIT_BY={rate_by!r} must be one of {', '.join(RATE_KEYS)}")
        rate_by = defaults.rate_limit_by
    return Limits(
        max_body_bytes=_size(env, "COOPGRAPH_MAX_BODY_BYTES", defaults.max_body_bytes, 1024, problems),
        max_query_cost=env_whole(
            env, "COOPGRAPH_MAX_QUERY_COST", defaults.max_query_cost, problems, minimum=1
        ),
        request_timeout=env_positive(
            env,
            "COOPGRAPH_REQUEST_TIMEOUT",
            defaults.request_timeout,
            problems,
            maximum=3600,
            expected="must be a number of seconds above 0 and at most 3600",
        ),
        rate_limit=env_whole(env, "COOPGRAPH_RATE_LIMIT", defaults.rate_limit, problems),
        rate_burst=env_whole(env, "COOPGRAPH_RATE_BURST", defaults.rate_burst, problems, minimum=1),
        rate_limit_loopback=env_flag(env, "COOPGRAPH_RATE_LIMIT_LOOPBACK", problems),
        rate_limit_by=rate_by,
        reads_need_token=env_flag(env, "COOPGRAPH_READS_NEED_TOKEN", problems),
    )


__all__ = ["Limits", "read_limits"]
