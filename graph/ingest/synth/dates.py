"""Dates of synthetic nodes and links: fuzzy period texts, intervals, and their parsed fields."""

from __future__ import annotations

import functools
import random
from typing import Any

from graph.dates import parse_fuzzy_date


@functools.lru_cache(maxsize=8192)
def when(start: str | None, end: str | None) -> tuple[tuple[str, Any], ...]:
    out: list[tuple[str, Any]] = []
    if start is not None:
        parsed = parse_fuzzy_date(start)
        out += [("s", start), ("sp", parsed.precision), ("sd", parsed.first)]
    if end is not None:
        parsed = parse_fuzzy_date(end)
        out += [("e", end), ("ep", parsed.precision), ("ed", parsed.last)]
    return tuple(out)


def period_text(rng: random.Random, year: int) -> str:
    roll = rng.random()
    if roll < 0.6:
        return str(year)
    if roll < 0.75:
        return f"{year}-Q{rng.randint(1, 4)}"
    return f"{year}-{rng.randint(1, 12):02d}"


def interval(rng: random.Random, first: int, last: int, open_share: float) -> tuple[str, str | None]:
    start = rng.randint(first, last)
    if rng.random() < open_share:
        return period_text(rng, start), None
    return period_text(rng, start), period_text(rng, min(2026, start + rng.randint(1, 6)))
