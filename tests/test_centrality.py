"""Brandes betweenness against a brute-force count of shortest paths."""

from __future__ import annotations

import collections
import itertools
import random

from resolvers.centrality import centrality, undirected


def brute_force(graph: dict[str, list[str]]) -> dict[str, float]:
    nodes = sorted(graph)

    def bfs(s: str) -> tuple[dict[str, int], dict[str, int]]:
        dist, paths = {s: 0}, {s: 1}
        queue = collections.deque([s])
        while queue:
            v = queue.popleft()
            for w in graph[v]:
                if w not in dist:
                    dist[w], paths[w] = dist[v] + 1, 0
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    paths[w] += paths[v]
        return dist, paths

    info = {s: bfs(s) for s in nodes}
    score = dict.fromkeys(nodes, 0.0)
    for s, t in itertools.combinations(nodes, 2):
        (ds, ps), (dt, pt) = info[s], info[t]
        if t not in ds:
            continue
        for v in nodes:
            if v not in (s, t) and v in ds and v in dt and ds[v] + dt[v] == ds[t]:
                score[v] += ps[v] * pt[v] / ps[t]
    n = len(nodes)
    return {v: x * 2 / ((n - 1) * (n - 2)) for v, x in score.items()}


def test_small_known_graphs() -> None:
    path = centrality(undirected([("a", "b"), ("b", "c")]))
    assert path.betweenness == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert path.degree == {"a": 1, "b": 2, "c": 1}
    star = centrality(undirected([("hub", leaf) for leaf in "abcd"]))
    assert star.betweenness["hub"] == 1.0
    assert star.exact


def test_matches_brute_force_on_random_graphs() -> None:
    rng = random.Random(3)
    for _ in range(5):
        graph = undirected((str(rng.randrange(30)), str(rng.randrange(30))) for _ in range(60))
        measured = centrality(graph).betweenness
        expected = brute_force(graph)
        assert max(abs(expected[v] - measured[v]) for v in expected) < 1e-12


def test_isolated_nodes_are_included_with_zero() -> None:
    result = centrality(undirected([("a", "b")]), nodes=["lonely"])
    assert result.degree["lonely"] == 0
    assert result.betweenness["lonely"] == 0.0
