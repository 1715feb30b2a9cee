"""Relationship rows, part by part: structure, projects, councils, events, cooperation.

The structure is fixed by the plan; partners, members and participants are drawn by weight
(a static fitness model), so a few hubs collect thousands of links while most actors have a few.
Each part, per country, draws from its own generator; relationship_parts() gives them in the
order generate() writes them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from graph.ingest.synth.country import Country, Kind
from graph.ingest.synth.dates import interval, period_text
from graph.ingest.synth.draws import heavy, seeded_rng
from graph.ingest.synth.plan import plan
from graph.ingest.synth.rows import Row, rel

# Links drawn by weight, per actor of the country (the rest of the structure is fixed per node).
_MEMBERS_PER_ACTOR = 1.9
_PARTICIPANTS_PER_ACTOR = 2.4
_PARTNERS_PER_ACTOR = 0.7
_PILOTS_PER_ACTOR = 0.7
_COOPERATION_PER_ACTOR = 3.7


def _sizes(rng: random.Random, count: int, total: float, minimum: int, cap: int) -> list[int]:
    """Split about `total` links over `count` owners with heavy-tailed shares."""
    raw = [heavy(rng, 1.05) for _ in range(count)]
    scale = total / sum(raw) if raw else 0.0
    return [max(minimum, min(cap, round(w * scale))) for w in raw]


def _largest_first(sizes: list[int], subtypes: Sequence[str], big: str) -> list[int]:
    """The same sizes, the largest given to the `big` subtype (big networks, conferences)."""
    order = sorted(range(len(subtypes)), key=lambda i: (subtypes[i] != big, i))
    out = [0] * len(sizes)
    for index, size in zip(order, sorted(sizes, reverse=True), strict=True):
        out[index] = size
    return out


def _structure(seed: int, c: Country) -> Iterator[tuple[str, Row]]:
    """Hierarchy links: located_in, subordinate_to, part_of, holds_position, serves, coordinates."""
    rng = seeded_rng(seed, f"structure/{c.code}")
    k = c.kinds
    region, muni, school = k["region"], k["municipality"], k["school"]
    for i, mid in enumerate(muni.ids):
        yield "located_in", rel(mid, region.ids[muni.parent[i]])
    for i, sid in enumerate(school.ids):
        yield "located_in", rel(sid, muni.ids[school.parent[i]])
    capital = muni.ids[0]
    ministry, agency = k["ministry"], k["agency"]
    for i, aid in enumerate(agency.ids):
        start = str(rng.randint(1995, 2020))
        yield "subordinate_to", rel(aid, ministry.ids[agency.parent[i]], start)
        yield "located_in", rel(aid, capital)
    units = k.get("org_unit", Kind())  # none below about 125 actors
    for i, uid in enumerate(units.ids):
        yield "part_of", rel(uid, agency.ids[units.parent[i]], str(rng.randint(2005, 2022)))
    council = k["council"]
    parents = [i for i, s in enumerate(council.subtypes) if s != "working_group"]
    organisers = c.pool("agency", "municipality", "org_unit")
    for i, cid in enumerate(council.ids):
        start = str(rng.randint(2010, 2023))
        if council.subtypes[i] == "working_group" and parents:
            yield "part_of", rel(cid, council.ids[rng.choice(parents)], start)
        yield "coordinates", rel(organisers.pick(rng), cid, start, role="secretariat")
    person = k["person"]
    for i, pid in enumerate(person.ids):
        served = c.counsellor_schools[i]
        start = period_text(rng, rng.randint(2012, 2024))
        yield (
            "holds_position",
            rel(pid, school.ids[served[0]], start, title="career counsellor", title_en="career counsellor"),
        )
        share = 1.0 / len(served)
        for s in served:
            workload = round(rng.uniform(0.1, share) * 20) / 20 if share > 0.1 else 0.1
            yield "serves", rel(pid, school.ids[s], start, w=max(0.1, workload))


def _projects(seed: int, c: Country) -> Iterator[tuple[str, Row]]:
    """implements, funds, participates_in (partner, pilot school), sets_target."""
    rng = seeded_rng(seed, f"projects/{c.code}")
    k = c.kinds
    project = k["project"]
    leads = c.pool("agency", "municipality", boost={"municipality": 0.2})
    partners = c.pool("agency", "org_unit", "municipality", "council")
    schools = c.pool("school")
    programmes = c.pool("programme")
    count = len(project.ids)
    partner_sizes = _sizes(rng, count, _PARTNERS_PER_ACTOR * c.actors, 1, max(1, len(partners) // 3))
    pilot_sizes = _sizes(rng, count, _PILOTS_PER_ACTOR * c.actors, 0, max(1, len(schools) // 3))
    periods = c.periods
    for i, pid in enumerate(project.ids):
        start, end = periods[i]
        lead = leads.pick(rng)
        yield "implements", rel(lead, pid, start, end)
        funders = programmes.sample(rng, 1 if rng.random() < 0.8 else 2)
        for funder in funders:
            amount = round(rng.lognormvariate(11.5, 1.0), -2)
            yield "funds", rel(funder, pid, start, end, amt=amount, cur="EUR")
        for partner in partners.sample(rng, partner_sizes[i], exclude=lead):
            yield "participates_in", rel(partner, pid, start, end, role="partner")
        for pilot in schools.sample(rng, pilot_sizes[i]):
            yield "participates_in", rel(pilot, pid, start, end, role="pilot school")
    target = k.get("target", Kind())
    for t, tid in enumerate(target.ids):
        yield "sets_target", rel(project.ids[target.parent[t]], tid, periods[target.parent[t]][0])


def _councils(seed: int, c: Country) -> Iterator[tuple[str, Row]]:
    """member_of, with roles and validity intervals; a few networks with thousands of members."""
    rng = seeded_rng(seed, f"councils/{c.code}")
    council = c.kinds["council"]
    members = c.pool("agency", "org_unit", "municipality", "school", "person", boost={"person": 2.0})
    sizes = _sizes(rng, len(council.ids), _MEMBERS_PER_ACTOR * c.actors, 3, max(3, len(members) // 3))
    sizes = _largest_first(sizes, council.subtypes, "network")
    for i, cid in enumerate(council.ids):
        for rank, member in enumerate(members.sample(rng, sizes[i])):
            start, end = interval(rng, 2012, 2025, 0.6)
            role = "chair" if rank == 0 else "member"
            yield "member_of", rel(member, cid, start, end, role=role)


def _events(seed: int, c: Country) -> Iterator[tuple[str, Row]]:
    """organises, participates_in (participant), about."""
    rng = seeded_rng(seed, f"events/{c.code}")
    k = c.kinds
    event = k["event"]
    organisers = c.pool("agency", "council", "municipality", "org_unit")
    participants = c.pool("agency", "org_unit", "municipality", "school", "council", "person")
    topics = c.pool("project", "council")
    sizes = _sizes(rng, len(event.ids), _PARTICIPANTS_PER_ACTOR * c.actors, 2, max(2, len(participants) // 3))
    sizes = _largest_first(sizes, event.subtypes, "conference")
    for i, eid in enumerate(event.ids):
        organiser = organisers.pick(rng)
        yield "organises", rel(organiser, eid)
        yield "about", rel(eid, topics.pick(rng))
        for who in participants.sample(rng, sizes[i], exclude=organiser):
            yield "participates_in", rel(who, eid, role="participant")


def _cooperation(seed: int, countries: Sequence[Country]) -> Iterator[tuple[str, Row]]:
    """cooperates_with between organisations, mostly within a country, each pair once."""
    rng = seeded_rng(seed, "cooperation")
    pools = [c.pool("agency", "org_unit", "municipality", "school", "council") for c in countries]
    seen: set[tuple[str, str]] = set()
    for home, c in enumerate(countries):
        wanted = round(_COOPERATION_PER_ACTOR * c.actors)
        for _ in range(wanted):
            other = pools[rng.randrange(len(pools))] if rng.random() < 0.1 else pools[home]
            a, b = pools[home].pick(rng), other.pick(rng)
            pair = (a, b) if a < b else (b, a)
            if a == b or pair in seen:
                continue
            seen.add(pair)
            start, end = interval(rng, 2010, 2025, 0.7)
            yield "cooperates_with", rel(pair[0], pair[1], start, end)


def relationship_parts(seed: int, countries: Sequence[Country]) -> Iterator[Iterator[tuple[str, Row]]]:
    for part in (_structure, _projects, _councils, _events):
        for c in countries:
            yield part(seed, c)
    yield _cooperation(seed, countries)


def relationship_summary(actors: int, seed: int) -> dict[str, int]:
    """Relationship counts by relation that generate() would write (no database needed)."""
    counts: dict[str, int] = {}
    for part in relationship_parts(seed, plan(actors, seed)):
        for relation, _ in part:
            counts[relation] = counts.get(relation, 0) + 1
    return counts
