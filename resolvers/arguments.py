"""Checks on arguments shared by several fields, each naming the argument it rejects."""

from __future__ import annotations

from datetime import date

from graph.filters import TimeFilter
from graph.text import fold
from resolvers.errors import BadInput

MAX_KEYS = 10


def time_filter(as_of: date | None, period_from: date | None, period_to: date | None) -> TimeFilter:
    if period_from is not None and period_to is not None and period_from > period_to:
        raise BadInput(
            f"`between` is inverted: from {period_from.isoformat()} is after to {period_to.isoformat()}",
            argument="between",
        )
    return TimeFilter(as_of, period_from, period_to)


def search_text(text: str) -> str:
    folded = fold(text)
    if len(folded) < 2:
        raise BadInput("`text` needs at least two letters or digits", argument="text")
    if len(folded) > 200:
        raise BadInput("`text` is longer than 200 characters", argument="text")
    return folded


def distinct_keys(keys: list[str], argument: str, minimum: int = 2) -> list[str]:
    unique = list(dict.fromkeys(keys))
    if not minimum <= len(unique) <= MAX_KEYS:
        raise BadInput(
            f"`{argument}` needs between {minimum} and {MAX_KEYS} different ids, got {len(unique)}",
            argument=argument,
        )
    return unique


def bounded(value: int, argument: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise BadInput(f"`{argument}` must be between {low} and {high}, got {value}", argument=argument)
    return value
