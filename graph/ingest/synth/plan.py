"""The plan: how many nodes of each kind every country gets, with their fitness and parents.

Nothing is written here. The plan fixes every node id, subtype and weight before any row is
drawn, so node and relationship rows can be produced lazily, each part from its own generator.
"""

from __future__ import annotations

import random

from graph.ingest.synth.country import Country
from graph.ingest.synth.dates import interval
from graph.ingest.synth.draws import Pool, heavy, seeded_rng
from graph.ingest.synth.names import PLACES, SECOND_MUNICIPALITY_SUBTYPE
from graph.ontology import ACTOR_KINDS

COUNTRIES: tuple[tuple[str, str, float], ...] = (("EE", "et", 0.35), ("LV", "lv", 0.35), ("FI", "fi", 0.30))

# Shares of a country's actors by kind (people take what is left); and what comes on top.
_SHARES = {"region": 0.0008, "municipality": 0.012, "agency": 0.004, "org_unit": 0.012, "council": 0.01}
_SCHOOL_SHARE = 0.42
_PROJECTS_PER_ACTOR = 0.03
_EVENTS_PER_ACTOR = 0.05
_TARGET_SHARE = 0.25


def _split(actors: int) -> list[int]:
    first = [round(actors * share) for _, _, share in COUNTRIES[:-1]]
    return [*first, actors - sum(first)]


def _plan_country(seed: int, code: str, lang: str, actors: int) -> Country:
    rng = seeded_rng(seed, f"plan/{code}")
    c = Country(code, lang, actors)
    places = PLACES[code].split()
    for i in range(rng.randint(2, 4)):
        c.add("ministry", weight=4.0 if i == 0 else 1.0)
    for _ in range(max(1, round(actors * _SHARES["region"]))):
        c.add("region", "county", weight=heavy(rng))
    regions = len(c.kind("region").ids)
    for i in range(max(2, round(actors * _SHARES["municipality"]))):
        # The first municipalities are the cities; fitness ~ population.
        city = i < max(1, regions) or rng.random() < 0.1
        subtype = "city" if city else SECOND_MUNICIPALITY_SUBTYPE[code]
        weight = (30.0 if city else 3.0) * heavy(rng)
        c.add("municipality", subtype, weight, parent=i % regions if i < regions else rng.randrange(regions))
        c.place.append(places[i % len(places)] + ("" if i < len(places) else f"-{i // len(places) + 1}"))
    ministries = len(c.kind("ministry").ids)
    for i in range(max(2, round(actors * _SHARES["agency"]))):
        # The national agency (index 0) is the biggest hub of all.
        weight = 400.0 if i == 0 else 8.0 * heavy(rng)
        subtype = "agency" if i == 0 or rng.random() < 0.6 else "foundation"
        c.add("agency", subtype, weight, parent=0 if i < 2 else rng.randrange(ministries))
    agencies = c.kind("agency")
    agency_pool = Pool(list(map(str, range(len(agencies.ids)))), agencies.weights)
    for _ in range(round(actors * _SHARES["org_unit"])):
        c.add("org_unit", weight=2.0 * heavy(rng), parent=int(agency_pool.pick(rng)))
    muni = c.kind("municipality")
    muni_pool = Pool(list(map(str, range(len(muni.ids)))), muni.weights)
    school_count = max(2, round(actors * _SCHOOL_SHARE))
    for i in range(school_count):
        where = i if i < len(muni.ids) else int(muni_pool.pick(rng))
        big = muni.subtypes[where] == "city"
        students = max(12, min(4000, round(rng.lognormvariate(5.3 if big else 4.6, 0.8))))
        roll = rng.random()
        subtype = "vocational" if roll < 0.08 else "minority_language" if roll < 0.15 else "general"
        c.add("school", subtype, (students / 100.0) ** 1.3, parent=where)
        c.students.append(students)
    for i in range(max(1, round(actors * _SHARES["council"]))):
        roll = rng.random()
        subtype = "network" if i == 0 or roll < 0.4 else "council" if roll < 0.75 else "working_group"
        c.add("council", subtype, (50.0 if i == 0 else 2.0) * heavy(rng))
    _plan_people(rng, c)
    _plan_extras(rng, c)
    return c


def _plan_people(rng: random.Random, c: Country) -> None:
    """Career counsellors fill the country's actors up: a primary school and 0-2 more nearby."""
    taken = sum(len(k.ids) for k in c.kinds.values())
    if c.actors - taken < 1:
        raise ValueError(f"too few actors for {c.code}: {c.actors}")
    schools = c.kind("school")
    school_pool = c.pool("school")
    by_municipality: dict[int, list[int]] = {}
    for index, where in enumerate(schools.parent):
        by_municipality.setdefault(where, []).append(index)
    index_of = {sid: i for i, sid in enumerate(schools.ids)}
    for _ in range(c.actors - taken):
        primary = index_of[school_pool.pick(rng)]
        c.add("person", weight=heavy(rng, 1.5), parent=primary)
        served = [primary]
        nearby = by_municipality[schools.parent[primary]]
        for _ in range(rng.choices((0, 1, 2), (0.5, 0.35, 0.15))[0]):
            other = rng.choice(nearby) if len(nearby) > 1 else rng.randrange(len(schools.ids))
            if other not in served:
                served.append(other)
        c.counsellor_schools.append(tuple(served))


def _plan_extras(rng: random.Random, c: Country) -> None:
    """Not actors: programmes, projects (some with a target), events."""
    projects = max(3, round(c.actors * _PROJECTS_PER_ACTOR))
    for _ in range(max(2, round(projects / 40))):
        c.add("programme", "measure", heavy(rng))
    for i in range(projects):
        c.add("project", weight=heavy(rng))
        c.periods.append(interval(rng, 2015, 2024, 0.0))
        if rng.random() < _TARGET_SHARE or i == 0:
            c.add("target", parent=i)
    for _ in range(max(3, round(c.actors * _EVENTS_PER_ACTOR))):
        c.add("event", rng.choices(("meeting", "conference", "seminar"), (0.5, 0.2, 0.3))[0], heavy(rng))


def plan(actors: int, seed: int) -> list[Country]:
    return [
        _plan_country(seed, code, lang, n)
        for (code, lang, _), n in zip(COUNTRIES, _split(actors), strict=True)
    ]


def plan_summary(actors: int, seed: int) -> dict[str, int]:
    """Node counts by kind that generate() would write (no database needed)."""
    counts: dict[str, int] = {}
    for c in plan(actors, seed):
        for kind, nodes in c.kinds.items():
            counts[kind] = counts.get(kind, 0) + len(nodes.ids)
    return counts


def actor_count(counts: dict[str, int]) -> int:
    return sum(n for kind, n in counts.items() if kind in ACTOR_KINDS)
