"""Degree and betweenness centrality (Brandes), sampled on large networks.

Plain Python on integer-indexed adjacency lists: the graph is relabelled to 0..n-1 once, and
each breadth-first pass reuses preallocated arrays, touching only the nodes it reaches.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

EXACT_LIMIT = 2_000
# Sampled sources are bounded by work, not count: each pass visits every edge about twice,
# and about ten million visits keep a first computation within a few seconds.
EDGE_VISIT_BUDGET = 10_000_000
MIN_SAMPLES, MAX_SAMPLES = 16, 256


@dataclass(frozen=True)
class Centrality:
    degree: dict[str, int]
    betweenness: dict[str, float]
    exact: bool


def undirected(edges: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        if a == b:
            continue
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
    return {node: sorted(neighbours) for node, neighbours in graph.items()}


def _accumulate(
    adjacency: list[list[int]],
    source: int,
    score: list[float],
    dist: list[int],
    sigma: list[int],
    delta: list[float],
) -> None:
    """One Brandes pass from `source`, adding dependencies to `score`; leaves the arrays clean."""
    order = [source]
    dist[source] = 0
    sigma[source] = 1
    head = 0
    while head < len(order):
        v = order[head]
        head += 1
        next_distance = dist[v] + 1
        sigma_v = sigma[v]
        for w in adjacency[v]:
            dw = dist[w]
            if dw < 0:
                dist[w] = next_distance
                sigma[w] = sigma_v
                order.append(w)
            elif dw == next_distance:
                sigma[w] += sigma_v
    for w in reversed(order):
        coefficient = (1.0 + delta[w]) / sigma[w]
        previous_distance = dist[w] - 1
        for v in adjacency[w]:
            if dist[v] == previous_distance:
                delta[v] += sigma[v] * coefficient
        if w != source:
            score[w] += delta[w]
    for w in order:
        dist[w] = -1
        sigma[w] = 0
        delta[w] = 0.0


def centrality(graph: dict[str, list[str]], nodes: Iterable[str] = ()) -> Centrality:
    """Betweenness normalised to [0, 1]; exact up to EXACT_LIMIT nodes, else estimated from
    sampled sources (as many as EDGE_VISIT_BUDGET allows, within MIN/MAX_SAMPLES)."""
    for node in nodes:
        graph.setdefault(node, [])
    names = sorted(graph)
    index = {name: i for i, name in enumerate(names)}
    adjacency = [[index[m] for m in graph[name]] for name in names]
    n = len(names)
    exact = n <= EXACT_LIMIT
    # Sampling, not secrets; a fixed seed keeps answers stable between calls.
    edges = sum(len(neighbours) for neighbours in adjacency) // 2
    samples = max(MIN_SAMPLES, min(MAX_SAMPLES, EDGE_VISIT_BUDGET // max(1, 2 * edges)))
    sources = range(n) if exact else random.Random(0).sample(range(n), min(n, samples))  # noqa: S311
    score = [0.0] * n
    dist, sigma, delta = [-1] * n, [0] * n, [0.0] * n
    for source in sources:
        _accumulate(adjacency, source, score, dist, sigma, delta)
    scale = n / len(sources) if len(sources) else 1.0
    # Undirected: every pair is counted from both ends, hence the extra halving.
    norm = 1 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return Centrality(
        degree={name: len(adjacency[i]) for i, name in enumerate(names)},
        betweenness={name: score[i] * scale * norm for i, name in enumerate(names)},
        exact=exact,
    )
