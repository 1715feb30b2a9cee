"""Node rows, kind by kind in NODE_ORDER: names from the country's patterns, kind-specific extras.

Actors (ministries to people) are named from the plan; programmes, projects, targets and events
draw their dates, budgets and values here too.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from graph.ingest.synth.country import Country, Kind
from graph.ingest.synth.draws import seeded_rng
from graph.ingest.synth.names import FIRST_NAMES, LAST_NAMES, MINISTRIES, NAMES
from graph.ingest.synth.rows import Row, node, node_dates
from graph.ontology import ACTOR_KINDS

# Creation order: parents before the nodes that link to them (not needed by CREATE, but readable).
NODE_ORDER = (
    "ministry",
    "agency",
    "org_unit",
    "region",
    "municipality",
    "school",
    "council",
    "person",
    "programme",
    "project",
    "target",
    "event",
)


def _initials(text: str) -> str:
    return "".join(word[0] for word in text.replace("-", " ").split() if word[0].isalpha()).upper()


def node_rows(seed: int, c: Country, kind: str) -> Iterator[Row]:
    rng = seeded_rng(seed, f"nodes/{c.code}/{kind}")
    if kind not in ACTOR_KINDS:
        yield from _other_rows(rng, c, kind)
        return
    names = NAMES[c.code]
    nodes = c.kinds.get(kind, Kind())
    for i, subtype in enumerate(nodes.subtypes):
        n = i + 1
        if kind == "ministry":
            local, english, short = MINISTRIES[c.code][i]
            yield node(c, kind, i, local, english, [short])
        elif kind == "region":
            place = c.place[i] if i < len(c.place) else f"{c.code}-{n}"
            local, english = names["region"]
            yield node(c, kind, i, local.format(p=place), english.format(p=place))
        elif kind == "municipality":
            local, english = names[subtype]
            yield node(c, kind, i, local.format(p=c.place[i]), english.format(p=c.place[i]))
        elif kind == "agency":
            local, english = names["national" if i == 0 else subtype]
            local, english = local.format(n=n), english.format(n=n)
            yield node(c, kind, i, local, english, [f"{_initials(english)}-{c.code}{n}"])
        elif kind == "org_unit":
            parent = f"{_initials(names['agency'][1])}-{c.code}{nodes.parent[i] + 1}"
            local, english = names["org_unit"]
            yield node(c, kind, i, local.format(p=parent, n=n), english.format(p=parent, n=n))
        elif kind == "school":
            place = c.place[nodes.parent[i]]
            local, english = names[subtype]
            yield node(
                c,
                kind,
                i,
                local.format(p=place, n=n),
                english.format(p=place, n=n),
                students=c.students[i],
            )
        elif kind == "council":
            local, english = names[subtype]
            local, english = local.format(n=n), english.format(n=n)
            extra = {"meets_per_year_min": rng.choice((2, 4, 6))} if subtype == "council" else {}
            yield node(c, kind, i, local, english, [_initials(english) + f"-{c.code}{n}"], **extra)
        elif kind == "person":
            name = f"{rng.choice(FIRST_NAMES[c.code].split())} {rng.choice(LAST_NAMES[c.code].split())}"
            yield node(c, kind, i, name, name)


def _other_rows(rng: random.Random, c: Country, kind: str) -> Iterator[Row]:
    """Rows of the kinds that are not actors: programmes, projects, targets, events."""
    names = NAMES[c.code]
    nodes = c.kinds.get(kind, Kind())
    for i, subtype in enumerate(nodes.subtypes):
        n = i + 1
        if kind == "programme":
            local, english = names["programme"]
            yield node(
                c,
                kind,
                i,
                local.format(n=n),
                english.format(n=n),
                identifiers=[f"measure_code:SYN-{c.code}-M{n:04d}"],
            )
        elif kind == "project":
            place = rng.choice(c.place)
            local, english = names["project"]
            start, end = c.periods[i]
            grant = round(rng.lognormvariate(12.0, 1.0), -2)
            own = round(grant * rng.choice((0.0, 0.05, 0.15, 0.25)), -2)
            code = f"SYN-{c.code}-{n:06d}"
            yield node(
                c,
                kind,
                i,
                local.format(p=place, n=n),
                english.format(p=place, n=n),
                [code],
                identifiers=[f"project_code:{code}"],
                budget_total=grant + own,
                grant=grant,
                own_contribution=own,
                currency="EUR",
                **node_dates(start, end),
            )
        elif kind == "target":
            value = rng.randrange(500, 801, 50)
            year = rng.randint(2020, 2030)
            local, english = names["target"]
            yield node(
                c,
                kind,
                i,
                f"{local.format(n=value)} ({year})",
                f"{english.format(n=value)} ({year})",
                metric="students_per_counsellor",
                value=value,
                year=year,
            )
        elif kind == "event":
            year = rng.randint(2016, 2025)
            month = rng.randint(1, 12)
            day = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
            place = rng.choice(c.place)
            local, english = names[subtype]
            yield node(
                c,
                kind,
                i,
                local.format(p=place, n=n),
                english.format(p=place, n=n),
                **node_dates(day if rng.random() < 0.8 else day[:7], None),
            )
