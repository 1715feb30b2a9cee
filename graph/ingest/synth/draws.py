"""Random draws: one seeded generator per part, heavy-tailed fitness, and weighted choice."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence


def seeded_rng(seed: int, part: str) -> random.Random:
    # A str seed is hashed with SHA-512: stable across runs and Python processes.
    return random.Random(f"coopgraph-synth/{seed}/{part}")  # noqa: S311 - test data, not secrets


def heavy(rng: random.Random, alpha: float = 1.1) -> float:
    return rng.paretovariate(alpha)


class Pool:
    """Weighted choice among node ids (cumulative weights and bisection)."""

    def __init__(self, ids: Sequence[str], weights: Sequence[float]) -> None:
        self.ids = list(ids)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def __len__(self) -> int:
        return len(self.ids)

    def pick(self, rng: random.Random) -> str:
        index = bisect.bisect_right(self.cum, rng.random() * self.total)
        return self.ids[min(index, len(self.ids) - 1)]

    def sample(self, rng: random.Random, k: int, exclude: str | None = None) -> list[str]:
        """Up to k distinct ids, heavier ones likelier (rejection of repeats, bounded tries)."""
        k = min(k, len(self.ids) // 2 if len(self.ids) > 3 else len(self.ids) - 1)
        chosen: dict[str, None] = {}
        for _ in range(20 * k):
            if len(chosen) >= k:
                break
            pick = self.pick(rng)
            if pick != exclude:
                chosen[pick] = None
        return list(chosen)
