"""Degree and betweenness centrality (Brandes), sampled on large networks."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

EXACT_LIMIT = 2_000
SAMPLES = 128


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


def centrality(graph: dict[str, list[str]], nodes: Iterable[str] = ()) -> Centrality:
    """Betweenness normalised to [0, 1]; exact up to EXACT_LIMIT nodes, else from SAMPLES sources."""
    for node in nodes:
        graph.setdefault(node, [])
    order = sorted(graph)
    n = len(order)
    exact = n <= EXACT_LIMIT
    sources = order if exact else random.Random(0).sample(order, SAMPLES)  # noqa: S311 - sampling, not secrets
    score = dict.fromkeys(order, 0.0)
    for s in sources:
        stack: list[str] = []
        predecessors: dict[str, list[str]] = {s: []}
        sigma = {s: 1}
        dist = {s: 0}
        queue = deque([s])
        while queue:
            v = queue.popleft()
            stack.append(v)
            for w in graph[v]:
                if w not in dist:
                    dist[w] = dist[v] + 1
                    sigma[w] = 0
                    predecessors[w] = []
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    predecessors[w].append(v)
        delta = dict.fromkeys(stack, 0.0)
        while stack:
            w = stack.pop()
            for v in predecessors[w]:
                delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
            if w != s:
                score[w] += delta[w]
    scale = (n / len(sources)) if sources else 1.0
    # Undirected: each pair was counted from both ends; normalise by the number of pairs.
    norm = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return Centrality(
        degree={node: len(graph[node]) for node in order},
        betweenness={node: score[node] * scale * norm / 2 for node in order},
        exact=exact,
    )
