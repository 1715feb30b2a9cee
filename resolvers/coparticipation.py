"""Co-participation pairs counted from group memberships, strongest first."""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

MAX_SHARED_LISTED = 20


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    weight: int
    shared: list[str]
    # A group counted in `weight` is shared only through inferred things (see strongest_pairs).
    inferred: bool = False


def strongest_pairs(
    groups: list[tuple[str, list[str]]],
    min_shared: int,
    limit: int,
    guessed: Mapping[str, Collection[str]] | None = None,
) -> list[Pair]:
    """The `limit` pairs sharing most groups (at least `min_shared`), ties by key.

    `guessed` names, per group, the members that belong to it only through inferred things
    (every member of an inferred group); a pair that shares a group through one of them is
    `inferred`: its weight counts that group.

    Actors become small integers and a pair one integer, which keeps the counter compact on
    networks with hundreds of thousands of pairs.
    """
    index: dict[str, int] = {}
    for _, members in groups:
        for member in members:
            index.setdefault(member, len(index))
    names = sorted(index)
    rank = {name: i for i, name in enumerate(names)}  # sorted ids: pair order follows keys
    n = len(names) or 1
    counts: Counter[int] = Counter()
    for _, members in groups:
        ids = sorted(rank[m] for m in set(members))
        counts.update(a * n + b for a, b in itertools.combinations(ids, 2))
    top = heapq.nsmallest(limit, ((-c, pair) for pair, c in counts.items() if c >= min_shared))
    chosen = {pair: [] for _, pair in top}  # type: dict[int, list[str]]
    doubtful: set[int] = set()
    for group, members in groups:
        ids = sorted(rank[m] for m in set(members))
        unsure = {rank[m] for m in (guessed or {}).get(group, ())}
        for a, b in itertools.combinations(ids, 2):
            shared = chosen.get(a * n + b)
            if shared is None:
                continue
            if len(shared) < MAX_SHARED_LISTED:
                shared.append(group)
            if a in unsure or b in unsure:
                doubtful.add(a * n + b)
    return [
        Pair(names[pair // n], names[pair % n], -negative, sorted(chosen[pair]), pair in doubtful)
        for negative, pair in top
    ]
