"""Pair counting for co-participation, against a direct count."""

from __future__ import annotations

import itertools
import random
from collections import Counter

from resolvers.coparticipation import strongest_pairs


def test_pairs_are_weighted_by_shared_groups_and_ranked() -> None:
    groups = [("p1", ["a", "b", "c"]), ("p2", ["a", "b"]), ("c1", ["b", "c", "a"]), ("e1", ["d", "a"])]
    pairs = strongest_pairs(groups, min_shared=1, limit=10)
    assert [(p.a, p.b, p.weight) for p in pairs] == [
        ("a", "b", 3),
        ("a", "c", 2),
        ("b", "c", 2),
        ("a", "d", 1),
    ]
    assert pairs[0].shared == ["c1", "p1", "p2"]
    assert [(p.a, p.b) for p in strongest_pairs(groups, min_shared=2, limit=1)] == [("a", "b")]


def test_matches_a_direct_count() -> None:
    rng = random.Random(5)
    actors = [f"x{i:02d}" for i in range(40)]
    groups = [(f"g{i}", rng.sample(actors, rng.randint(2, 8))) for i in range(60)]
    expected: Counter[tuple[str, str]] = Counter()
    for _, members in groups:
        expected.update(itertools.combinations(sorted(members), 2))
    pairs = strongest_pairs(groups, min_shared=1, limit=1000)
    assert {(p.a, p.b): p.weight for p in pairs} == dict(expected)
    weights = [p.weight for p in pairs]
    assert weights == sorted(weights, reverse=True)


def test_a_pair_sharing_a_group_through_an_inferred_membership_is_marked() -> None:
    groups = [("p1", ["a", "b", "c"]), ("p2", ["a", "b"])]
    pairs = strongest_pairs(groups, min_shared=1, limit=10, guessed={"p1": ["c"]})
    assert {(p.a, p.b): (p.weight, p.inferred) for p in pairs} == {
        ("a", "b"): (2, False),
        ("a", "c"): (1, True),
        ("b", "c"): (1, True),
    }
