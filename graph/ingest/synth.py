"""A deterministic synthetic cooperation network, for load and query testing at scale.

`generate(db, actors, seed)` writes a country -> region -> municipality -> school hierarchy with
career counsellors, ministries, agencies and their units, councils and networks, projects with
their funding, partners and pilot schools, events and targets, and cooperation links, for EE, LV
and FI. Partners, members and participants are drawn with weights from a heavy-tailed
distribution (a static fitness model), so a few hubs (national agencies, big networks, large
city schools) collect thousands of links while most actors have a few.

Everything synthetic is marked: `synthetic = true`, ids starting with `syn-`, and
`sources = ["src-synthetic"]`, the dedicated Source node. It never touches curated data and
`remove(db)` deletes it again. The same (actors, seed) always gives the same graph: every part
draws from its own `random.Random` seeded from (seed, part name), and rows are produced lazily
in a fixed order, one UNWIND batch per transaction.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString, cast

from graph.cypher import entities as entities_cypher
from graph.cypher import loader as load_cypher
from graph.cypher import synth as cypher
from graph.database import Database
from graph.dates import parse_fuzzy_date
from graph.entities import term_rows
from graph.ontology import ACTOR_KINDS
from graph.text import fold
from graph.version import set_synthetic_version

Row = dict[str, Any]
Progress = Callable[[str], None]

MIN_ACTORS = 60
DELETE_BATCH = 10_000

COUNTRIES: tuple[tuple[str, str, float], ...] = (("EE", "et", 0.35), ("LV", "lv", 0.35), ("FI", "fi", 0.30))

# Shares of a country's actors by kind (people take what is left); and what comes on top.
_SHARES = {"region": 0.0008, "municipality": 0.012, "agency": 0.004, "org_unit": 0.012, "council": 0.01}
_SCHOOL_SHARE = 0.42
_PROJECTS_PER_ACTOR = 0.03
_EVENTS_PER_ACTOR = 0.05
_TARGET_SHARE = 0.25
# Links drawn by weight, per actor of the country (the rest of the structure is fixed per node).
_MEMBERS_PER_ACTOR = 1.9
_PARTICIPANTS_PER_ACTOR = 2.4
_PARTNERS_PER_ACTOR = 0.7
_PILOTS_PER_ACTOR = 0.7
_COOPERATION_PER_ACTOR = 3.7

_PLACES = {
    "EE": "Tallinn Tartu Narva Pärnu Kohtla-Järve Viljandi Rakvere Maardu Kuressaare Sillamäe Valga Võru "
    "Jõhvi Haapsalu Keila Paide Põlva Jõgeva Rapla Kärdla Türi Elva Saue Tõrva Otepää Räpina",
    "LV": "Rīga Daugavpils Liepāja Jelgava Jūrmala Ventspils Rēzekne Valmiera Jēkabpils Ogre Tukums "
    "Cēsis Salaspils Kuldīga Olaine Saldus Talsi Dobele Sigulda Bauska Krāslava Ludza Madona Alūksne",
    "FI": "Helsinki Espoo Tampere Vantaa Oulu Turku Jyväskylä Lahti Kuopio Pori Kouvola Joensuu "
    "Lappeenranta Hämeenlinna Vaasa Seinäjoki Rovaniemi Mikkeli Kotka Salo Porvoo Kokkola Järvenpää",
}
_FIRST = {
    "EE": "Mari Kadri Liis Tiina Kristi Ülle Kärt Jaan Tõnu Mart Peeter Siim Märt Küllike",
    "LV": "Anna Līga Inese Ilze Kristīne Dace Zane Ināra Jānis Andris Mārtiņš Edgars Gunārs Ērika",
    "FI": "Anna Maria Aino Sanna Päivi Satu Tiina Elina Jukka Mikko Timo Jari Väinö Jyrki",
}
_LAST = {
    "EE": "Tamm Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn Koppel Lepik Jõgi Õunapuu Käär",
    "LV": "Bērziņa Kalniņa Ozola Jansone Liepa Krūmiņa Zariņa Bērziņš Kalniņš Ozols Liepiņš Vītols",
    "FI": "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen",
}
_MINISTRIES = {
    "EE": [
        ("Haridusministeerium", "Ministry of Education", "HM"),
        ("Majandusministeerium", "Ministry of Economy", "MM"),
        ("Sotsiaalministeerium", "Ministry of Social Affairs", "SoM"),
        ("Regionaalministeerium", "Ministry of Regional Affairs", "RM"),
    ],
    "LV": [
        ("Izglītības ministrija", "Ministry of Education", "IM"),
        ("Ekonomikas ministrija", "Ministry of Economy", "EM"),
        ("Labklājības ministrija", "Ministry of Welfare", "LM"),
        ("Reģionālās attīstības ministrija", "Ministry of Regional Development", "RAM"),
    ],
    "FI": [
        ("Opetusministeriö", "Ministry of Education", "OM"),
        ("Elinkeinoministeriö", "Ministry of Employment", "EM"),
        ("Sosiaaliministeriö", "Ministry of Social Affairs", "SM"),
        ("Alueministeriö", "Ministry of Regional Affairs", "AM"),
    ],
}
# (local, English) name patterns; {p} a place, {n} a number.
_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "EE": {
        "region": ("{p} maakond", "{p} County"),
        "city": ("{p} linn", "{p} City"),
        "rural_municipality": ("{p} vald", "{p} Rural Municipality"),
        "general": ("{p} Gümnaasium nr {n}", "{p} Upper Secondary School No. {n}"),
        "vocational": ("{p} Kutsehariduskeskus {n}", "{p} Vocational Education Centre {n}"),
        "minority_language": ("{p} Vene Kool nr {n}", "{p} Russian School No. {n}"),
        "agency": ("Karjääriteenuste Amet {n}", "Career Services Agency {n}"),
        "foundation": ("Hariduse Sihtasutus {n}", "Education Foundation {n}"),
        "org_unit": ("{p} karjääriosakond {n}", "{p} Career Department {n}"),
        "network": ("Karjäärinõustajate võrgustik {n}", "Career Counsellors' Network {n}"),
        "council": ("Karjääriteenuste koostöönõukogu {n}", "Career Services Cooperation Council {n}"),
        "working_group": ("Karjääriõppe töörühm {n}", "Career Education Working Group {n}"),
        "programme": ("Karjääri ja kutsehariduse meede {n}", "Career and Vocational Measure {n}"),
        "project": ("Karjääriteenuste arendamine: {p} {n}", "Developing Career Services: {p} {n}"),
        "meeting": ("{p} karjäärinõustajate kohtumine {n}", "{p} Career Counsellors' Meeting {n}"),
        "conference": ("{p} karjäärikonverents {n}", "{p} Career Conference {n}"),
        "seminar": ("{p} karjääriseminar {n}", "{p} Career Seminar {n}"),
        "target": ("Kuni {n} õpilast karjäärinõustaja kohta", "At most {n} students per counsellor"),
        "national": ("Riiklik Karjääriteenuste Amet", "National Career Services Agency"),
    },
    "LV": {
        "region": ("{p} apriņķis", "{p} County"),
        "city": ("{p} valstspilsēta", "{p} State City"),
        "county_municipality": ("{p} novads", "{p} Municipality"),
        "general": ("{p} {n}. vidusskola", "{p} Secondary School No. {n}"),
        "vocational": ("{p} tehnikums {n}", "{p} Technical School {n}"),
        "minority_language": ("{p} {n}. mazākumtautību vidusskola", "{p} Minority Secondary School No. {n}"),
        "agency": ("Karjeras attīstības aģentūra {n}", "Career Development Agency {n}"),
        "foundation": ("Izglītības fonds {n}", "Education Foundation {n}"),
        "org_unit": ("{p} karjeras departaments {n}", "{p} Career Department {n}"),
        "network": ("Karjeras konsultantu tīkls {n}", "Career Counsellors' Network {n}"),
        "council": ("Karjeras atbalsta sadarbības padome {n}", "Career Support Cooperation Council {n}"),
        "working_group": ("Karjeras izglītības darba grupa {n}", "Career Education Working Group {n}"),
        "programme": ("Karjeras atbalsta pasākums {n}", "Career Support Measure {n}"),
        "project": ("Karjeras atbalsts: {p} {n}", "Career Support: {p} {n}"),
        "meeting": ("{p} karjeras konsultantu sanāksme {n}", "{p} Career Counsellors' Meeting {n}"),
        "conference": ("{p} karjeras konference {n}", "{p} Career Conference {n}"),
        "seminar": ("{p} karjeras seminārs {n}", "{p} Career Seminar {n}"),
        "target": ("Līdz {n} skolēniem uz vienu konsultantu", "At most {n} students per counsellor"),
        "national": ("Valsts karjeras attīstības aģentūra", "State Career Development Agency"),
    },
    "FI": {
        "region": ("{p} maakunta", "{p} Region"),
        "city": ("{p} kaupunki", "{p} City"),
        "rural_municipality": ("{p} kunta", "{p} Municipality"),
        "general": ("{p} koulu {n}", "{p} School {n}"),
        "vocational": ("{p} ammattiopisto {n}", "{p} Vocational College {n}"),
        "minority_language": ("{p} svenska skola {n}", "{p} Swedish-language School {n}"),
        "agency": ("Ohjauspalveluvirasto {n}", "Guidance Services Agency {n}"),
        "foundation": ("Koulutussäätiö {n}", "Education Foundation {n}"),
        "org_unit": ("{p} ohjausyksikkö {n}", "{p} Guidance Unit {n}"),
        "network": ("Opinto-ohjaajien verkosto {n}", "Guidance Counsellors' Network {n}"),
        "council": ("Ohjauksen yhteistyöneuvosto {n}", "Guidance Cooperation Council {n}"),
        "working_group": ("Uraohjauksen työryhmä {n}", "Career Guidance Working Group {n}"),
        "programme": ("Ohjauksen kehittämisohjelma {n}", "Guidance Development Programme {n}"),
        "project": ("Ohjauksen kehittäminen: {p} {n}", "Developing Guidance: {p} {n}"),
        "meeting": ("{p} opinto-ohjaajien tapaaminen {n}", "{p} Guidance Counsellors' Meeting {n}"),
        "conference": ("{p} ohjauksen konferenssi {n}", "{p} Guidance Conference {n}"),
        "seminar": ("{p} ohjauksen seminaari {n}", "{p} Guidance Seminar {n}"),
        "target": ("Enintään {n} oppilasta ohjaajaa kohden", "At most {n} students per counsellor"),
        "national": ("Valtakunnallinen ohjausvirasto", "National Guidance Agency"),
    },
}
_SECOND_MUNICIPALITY_SUBTYPE = {
    "EE": "rural_municipality",
    "LV": "county_municipality",
    "FI": "rural_municipality",
}


@dataclass
class SynthReport:
    """What generate() wrote: nodes by kind, relationships by relation, and how long it took."""

    actors: int
    seed: int
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    seconds: float = 0.0

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


def _rng(seed: int, part: str) -> random.Random:
    # A str seed is hashed with SHA-512: stable across runs and Python processes.
    return random.Random(f"coopgraph-synth/{seed}/{part}")  # noqa: S311 - test data, not secrets


def _heavy(rng: random.Random, alpha: float = 1.1) -> float:
    return rng.paretovariate(alpha)


class _Pool:
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


def _sizes(rng: random.Random, count: int, total: float, minimum: int, cap: int) -> list[int]:
    """Split about `total` links over `count` owners with heavy-tailed shares."""
    raw = [_heavy(rng, 1.05) for _ in range(count)]
    scale = total / sum(raw) if raw else 0.0
    return [max(minimum, min(cap, round(w * scale))) for w in raw]


def _largest_first(sizes: list[int], subtypes: Sequence[str], big: str) -> list[int]:
    """The same sizes, the largest given to the `big` subtype (big networks, conferences)."""
    order = sorted(range(len(subtypes)), key=lambda i: (subtypes[i] != big, i))
    out = [0] * len(sizes)
    for index, size in zip(order, sorted(sizes, reverse=True), strict=True):
        out[index] = size
    return out


def _node_id(country: str, kind: str, index: int) -> str:
    return f"syn-{country.lower()}-{kind.replace('_', '-')}-{index:06d}"


@dataclass
class _Kind:
    """The nodes of one kind in one country: ids, subtypes, fitness weights."""

    ids: list[str] = field(default_factory=list)
    subtypes: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)  # index into the parent kind, when it has one


@dataclass
class _Country:
    code: str
    lang: str
    actors: int
    kinds: dict[str, _Kind] = field(default_factory=dict)
    students: list[int] = field(default_factory=list)
    place: list[str] = field(default_factory=list)  # municipality index -> place name
    counsellor_schools: list[tuple[int, ...]] = field(default_factory=list)
    periods: list[tuple[str, str | None]] = field(default_factory=list)  # project index -> (start, end)

    def kind(self, name: str) -> _Kind:
        return self.kinds.setdefault(name, _Kind())

    def add(self, kind: str, subtype: str = "", weight: float = 1.0, parent: int = -1) -> int:
        nodes = self.kind(kind)
        index = len(nodes.ids)
        nodes.ids.append(_node_id(self.code, kind, index))
        nodes.subtypes.append(subtype)
        nodes.weights.append(weight)
        nodes.parent.append(parent)
        return index

    def pool(self, *kinds: str, boost: dict[str, float] | None = None) -> _Pool:
        ids: list[str] = []
        weights: list[float] = []
        for kind in kinds:
            nodes = self.kind(kind)
            factor = (boost or {}).get(kind, 1.0)
            ids.extend(nodes.ids)
            weights.extend(w * factor for w in nodes.weights)
        return _Pool(ids, weights)


def _split(actors: int) -> list[int]:
    first = [round(actors * share) for _, _, share in COUNTRIES[:-1]]
    return [*first, actors - sum(first)]


def _plan_country(seed: int, code: str, lang: str, actors: int) -> _Country:
    rng = _rng(seed, f"plan/{code}")
    c = _Country(code, lang, actors)
    places = _PLACES[code].split()
    for i in range(rng.randint(2, 4)):
        c.add("ministry", weight=4.0 if i == 0 else 1.0)
    for _ in range(max(1, round(actors * _SHARES["region"]))):
        c.add("region", "county", weight=_heavy(rng))
    regions = len(c.kind("region").ids)
    for i in range(max(2, round(actors * _SHARES["municipality"]))):
        # The first municipalities are the cities; fitness ~ population.
        city = i < max(1, regions) or rng.random() < 0.1
        subtype = "city" if city else _SECOND_MUNICIPALITY_SUBTYPE[code]
        weight = (30.0 if city else 3.0) * _heavy(rng)
        c.add("municipality", subtype, weight, parent=i % regions if i < regions else rng.randrange(regions))
        c.place.append(places[i % len(places)] + ("" if i < len(places) else f"-{i // len(places) + 1}"))
    ministries = len(c.kind("ministry").ids)
    for i in range(max(2, round(actors * _SHARES["agency"]))):
        # The national agency (index 0) is the biggest hub of all.
        weight = 400.0 if i == 0 else 8.0 * _heavy(rng)
        subtype = "agency" if i == 0 or rng.random() < 0.6 else "foundation"
        c.add("agency", subtype, weight, parent=0 if i < 2 else rng.randrange(ministries))
    agencies = c.kind("agency")
    agency_pool = _Pool(list(map(str, range(len(agencies.ids)))), agencies.weights)
    for _ in range(round(actors * _SHARES["org_unit"])):
        c.add("org_unit", weight=2.0 * _heavy(rng), parent=int(agency_pool.pick(rng)))
    muni = c.kind("municipality")
    muni_pool = _Pool(list(map(str, range(len(muni.ids)))), muni.weights)
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
        c.add("council", subtype, (50.0 if i == 0 else 2.0) * _heavy(rng))
    _plan_people(rng, c)
    _plan_extras(rng, c)
    return c


def _plan_people(rng: random.Random, c: _Country) -> None:
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
        c.add("person", weight=_heavy(rng, 1.5), parent=primary)
        served = [primary]
        nearby = by_municipality[schools.parent[primary]]
        for _ in range(rng.choices((0, 1, 2), (0.5, 0.35, 0.15))[0]):
            other = rng.choice(nearby) if len(nearby) > 1 else rng.randrange(len(schools.ids))
            if other not in served:
                served.append(other)
        c.counsellor_schools.append(tuple(served))


def _plan_extras(rng: random.Random, c: _Country) -> None:
    """Not actors: programmes, projects (some with a target), events."""
    projects = max(3, round(c.actors * _PROJECTS_PER_ACTOR))
    for _ in range(max(2, round(projects / 40))):
        c.add("programme", "measure", _heavy(rng))
    for i in range(projects):
        c.add("project", weight=_heavy(rng))
        c.periods.append(_interval(rng, 2015, 2024, 0.0))
        if rng.random() < _TARGET_SHARE or i == 0:
            c.add("target", parent=i)
    for _ in range(max(3, round(c.actors * _EVENTS_PER_ACTOR))):
        c.add("event", rng.choices(("meeting", "conference", "seminar"), (0.5, 0.2, 0.3))[0], _heavy(rng))


def _plan(actors: int, seed: int) -> list[_Country]:
    return [
        _plan_country(seed, code, lang, n)
        for (code, lang, _), n in zip(COUNTRIES, _split(actors), strict=True)
    ]


# --- dates -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _when(start: str | None, end: str | None) -> tuple[tuple[str, Any], ...]:
    out: list[tuple[str, Any]] = []
    if start is not None:
        parsed = parse_fuzzy_date(start)
        out += [("s", start), ("sp", parsed.precision), ("sd", parsed.first)]
    if end is not None:
        parsed = parse_fuzzy_date(end)
        out += [("e", end), ("ep", parsed.precision), ("ed", parsed.last)]
    return tuple(out)


def _period_text(rng: random.Random, year: int) -> str:
    roll = rng.random()
    if roll < 0.6:
        return str(year)
    if roll < 0.75:
        return f"{year}-Q{rng.randint(1, 4)}"
    return f"{year}-{rng.randint(1, 12):02d}"


def _interval(rng: random.Random, first: int, last: int, open_share: float) -> tuple[str, str | None]:
    start = rng.randint(first, last)
    if rng.random() < open_share:
        return _period_text(rng, start), None
    return _period_text(rng, start), _period_text(rng, min(2026, start + rng.randint(1, 6)))


def _rel(a: str, b: str, start: str | None = None, end: str | None = None, **extra: Any) -> Row:
    row: Row = {"a": a, "b": b}
    row.update(_when(start, end))
    row.update(extra)
    return row


# --- nodes -------------------------------------------------------------------------------------


def _node(
    c: _Country, kind: str, index: int, name: str, name_en: str, aliases: Iterable[str] = (), **extra: Any
) -> Row:
    alias_list = list(aliases)
    search_names = list(dict.fromkeys(fold(text) for text in (name, name_en, *alias_list)))
    nodes = c.kinds[kind]
    return {
        "id": nodes.ids[index],
        "subtype": nodes.subtypes[index] or None,
        "name": name,
        "lang": c.lang,
        "name_en": name_en,
        "aliases": alias_list,
        "country": c.code,
        "search_names": search_names,
        "search_key": " | ".join(search_names),
        "identifiers": extra.pop("identifiers", []),
        "x": extra,
    }


def _initials(text: str) -> str:
    return "".join(word[0] for word in text.replace("-", " ").split() if word[0].isalpha()).upper()


def _node_rows(seed: int, c: _Country, kind: str) -> Iterator[Row]:
    rng = _rng(seed, f"nodes/{c.code}/{kind}")
    if kind not in ACTOR_KINDS:
        yield from _other_rows(rng, c, kind)
        return
    names = _NAMES[c.code]
    nodes = c.kinds.get(kind, _Kind())
    for i, subtype in enumerate(nodes.subtypes):
        n = i + 1
        if kind == "ministry":
            local, english, short = _MINISTRIES[c.code][i]
            yield _node(c, kind, i, local, english, [short])
        elif kind == "region":
            place = c.place[i] if i < len(c.place) else f"{c.code}-{n}"
            local, english = names["region"]
            yield _node(c, kind, i, local.format(p=place), english.format(p=place))
        elif kind == "municipality":
            local, english = names[subtype]
            yield _node(c, kind, i, local.format(p=c.place[i]), english.format(p=c.place[i]))
        elif kind == "agency":
            local, english = names["national" if i == 0 else subtype]
            local, english = local.format(n=n), english.format(n=n)
            yield _node(c, kind, i, local, english, [f"{_initials(english)}-{c.code}{n}"])
        elif kind == "org_unit":
            parent = f"{_initials(names['agency'][1])}-{c.code}{nodes.parent[i] + 1}"
            local, english = names["org_unit"]
            yield _node(c, kind, i, local.format(p=parent, n=n), english.format(p=parent, n=n))
        elif kind == "school":
            place = c.place[nodes.parent[i]]
            local, english = names[subtype]
            yield _node(
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
            yield _node(c, kind, i, local, english, [_initials(english) + f"-{c.code}{n}"], **extra)
        elif kind == "person":
            name = f"{rng.choice(_FIRST[c.code].split())} {rng.choice(_LAST[c.code].split())}"
            yield _node(c, kind, i, name, name)


def _other_rows(rng: random.Random, c: _Country, kind: str) -> Iterator[Row]:
    """Rows of the kinds that are not actors: programmes, projects, targets, events."""
    names = _NAMES[c.code]
    nodes = c.kinds.get(kind, _Kind())
    for i, subtype in enumerate(nodes.subtypes):
        n = i + 1
        if kind == "programme":
            local, english = names["programme"]
            yield _node(
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
            yield _node(
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
                **_dates(start, end),
            )
        elif kind == "target":
            value = rng.randrange(500, 801, 50)
            year = rng.randint(2020, 2030)
            local, english = names["target"]
            yield _node(
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
            yield _node(
                c,
                kind,
                i,
                local.format(p=place, n=n),
                english.format(p=place, n=n),
                **_dates(day if rng.random() < 0.8 else day[:7], None),
            )


def _dates(start: str, end: str | None) -> dict[str, Any]:
    names = {"s": "start", "sp": "start_precision", "sd": "start_date"}
    names |= {"e": "end", "ep": "end_precision", "ed": "end_date"}
    return {names[key]: value for key, value in _when(start, end)}


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


# --- relationships -----------------------------------------------------------------------------


def _structure(seed: int, c: _Country) -> Iterator[tuple[str, Row]]:
    """Hierarchy links: located_in, subordinate_to, part_of, holds_position, serves, coordinates."""
    rng = _rng(seed, f"structure/{c.code}")
    k = c.kinds
    region, muni, school = k["region"], k["municipality"], k["school"]
    for i, mid in enumerate(muni.ids):
        yield "located_in", _rel(mid, region.ids[muni.parent[i]])
    for i, sid in enumerate(school.ids):
        yield "located_in", _rel(sid, muni.ids[school.parent[i]])
    capital = muni.ids[0]
    ministry, agency = k["ministry"], k["agency"]
    for i, aid in enumerate(agency.ids):
        start = str(rng.randint(1995, 2020))
        yield "subordinate_to", _rel(aid, ministry.ids[agency.parent[i]], start)
        yield "located_in", _rel(aid, capital)
    for i, uid in enumerate(k["org_unit"].ids):
        yield "part_of", _rel(uid, agency.ids[k["org_unit"].parent[i]], str(rng.randint(2005, 2022)))
    council = k["council"]
    parents = [i for i, s in enumerate(council.subtypes) if s != "working_group"]
    organisers = c.pool("agency", "municipality", "org_unit")
    for i, cid in enumerate(council.ids):
        start = str(rng.randint(2010, 2023))
        if council.subtypes[i] == "working_group" and parents:
            yield "part_of", _rel(cid, council.ids[rng.choice(parents)], start)
        yield "coordinates", _rel(organisers.pick(rng), cid, start, role="secretariat")
    person = k["person"]
    for i, pid in enumerate(person.ids):
        served = c.counsellor_schools[i]
        start = _period_text(rng, rng.randint(2012, 2024))
        yield (
            "holds_position",
            _rel(pid, school.ids[served[0]], start, title="career counsellor", title_en="career counsellor"),
        )
        share = 1.0 / len(served)
        for s in served:
            workload = round(rng.uniform(0.1, share) * 20) / 20 if share > 0.1 else 0.1
            yield "serves", _rel(pid, school.ids[s], start, w=max(0.1, workload))


def _projects(seed: int, c: _Country) -> Iterator[tuple[str, Row]]:
    """implements, funds, participates_in (partner, pilot school), sets_target."""
    rng = _rng(seed, f"projects/{c.code}")
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
        yield "implements", _rel(lead, pid, start, end)
        funders = programmes.sample(rng, 1 if rng.random() < 0.8 else 2)
        for funder in funders:
            amount = round(rng.lognormvariate(11.5, 1.0), -2)
            yield "funds", _rel(funder, pid, start, end, amt=amount, cur="EUR")
        for partner in partners.sample(rng, partner_sizes[i], exclude=lead):
            yield "participates_in", _rel(partner, pid, start, end, role="partner")
        for pilot in schools.sample(rng, pilot_sizes[i]):
            yield "participates_in", _rel(pilot, pid, start, end, role="pilot school")
    target = k.get("target", _Kind())
    for t, tid in enumerate(target.ids):
        yield "sets_target", _rel(project.ids[target.parent[t]], tid, periods[target.parent[t]][0])


def _councils(seed: int, c: _Country) -> Iterator[tuple[str, Row]]:
    """member_of, with roles and validity intervals; a few networks with thousands of members."""
    rng = _rng(seed, f"councils/{c.code}")
    council = c.kinds["council"]
    members = c.pool("agency", "org_unit", "municipality", "school", "person", boost={"person": 2.0})
    sizes = _sizes(rng, len(council.ids), _MEMBERS_PER_ACTOR * c.actors, 3, max(3, len(members) // 3))
    sizes = _largest_first(sizes, council.subtypes, "network")
    for i, cid in enumerate(council.ids):
        for rank, member in enumerate(members.sample(rng, sizes[i])):
            start, end = _interval(rng, 2012, 2025, 0.6)
            role = "chair" if rank == 0 else "member"
            yield "member_of", _rel(member, cid, start, end, role=role)


def _events(seed: int, c: _Country) -> Iterator[tuple[str, Row]]:
    """organises, participates_in (participant), about."""
    rng = _rng(seed, f"events/{c.code}")
    k = c.kinds
    event = k["event"]
    organisers = c.pool("agency", "council", "municipality", "org_unit")
    participants = c.pool("agency", "org_unit", "municipality", "school", "council", "person")
    topics = c.pool("project", "council")
    sizes = _sizes(rng, len(event.ids), _PARTICIPANTS_PER_ACTOR * c.actors, 2, max(2, len(participants) // 3))
    sizes = _largest_first(sizes, event.subtypes, "conference")
    for i, eid in enumerate(event.ids):
        organiser = organisers.pick(rng)
        yield "organises", _rel(organiser, eid)
        yield "about", _rel(eid, topics.pick(rng))
        for who in participants.sample(rng, sizes[i], exclude=organiser):
            yield "participates_in", _rel(who, eid, role="participant")


def _cooperation(seed: int, countries: Sequence[_Country]) -> Iterator[tuple[str, Row]]:
    """cooperates_with between organisations, mostly within a country, each pair once."""
    rng = _rng(seed, "cooperation")
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
            start, end = _interval(rng, 2010, 2025, 0.7)
            yield "cooperates_with", _rel(pair[0], pair[1], start, end)


def _relationship_parts(seed: int, countries: Sequence[_Country]) -> Iterator[Iterator[tuple[str, Row]]]:
    for part in (_structure, _projects, _councils, _events):
        for c in countries:
            yield part(seed, c)
    yield _cooperation(seed, countries)


# --- writing -----------------------------------------------------------------------------------


async def _write_batch(db: Database, query: str, rows: list[Row]) -> int:
    # The statements come from graph.cypher.synth's closed tables, never from input.
    result = await db.write(cast(LiteralString, query), {"rows": rows})  # type: ignore[redundant-cast]
    return int(result[0]["created"]) if result else 0


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


async def generate(
    db: Database,
    actors: int,
    seed: int,
    *,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> SynthReport:
    """Write the synthetic network for (actors, seed), replacing any synthetic data already there.

    `actors` counts the Actor-labelled nodes; projects, programmes, targets and events come on
    top. Each UNWIND batch of `batch_size` rows is its own transaction.
    """
    if actors < MIN_ACTORS:
        raise ValueError(f"actors must be at least {MIN_ACTORS}, not {actors}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    started = time.perf_counter()
    report = SynthReport(actors=actors, seed=seed)
    report.removed = await remove(db)
    if report.removed:
        _say(progress, f"removed {report.removed} earlier synthetic nodes")
    countries = _plan(actors, seed)
    await db.write(
        cypher.CREATE_SOURCE,
        {
            "title_en": f"Synthetic data (coopgraph synth, {actors} actors, seed {seed})",
            "summary": "Generated, not observed: a deterministic synthetic cooperation network for "
            "load and query testing. Every node and relationship it sources is marked synthetic.",
        },
    )
    names: list[Row] = []
    for kind in NODE_ORDER:
        rows = itertools.chain.from_iterable(_node_rows(seed, c, kind) for c in countries)
        created = 0
        while batch := list(itertools.islice(rows, batch_size)):
            created += await _write_batch(db, cypher.CREATE_NODES[kind], batch)
            names += term_rows(batch)[1]
        report.nodes[kind] = created
        _say(progress, f"{kind}: {created} nodes ({time.perf_counter() - started:.1f} s)")
    await _link_terms(db, names, batch_size)
    _say(progress, f"search terms linked ({time.perf_counter() - started:.1f} s)")

    # Rows of each relation are batched separately (one statement per type); a part's rows
    # arrive mixed, so a small buffer per relation holds them until a batch is full.
    buffers: dict[str, list[Row]] = {}
    counters: dict[str, int] = {}

    async def flush(relation: str) -> None:
        batch = buffers.pop(relation, [])
        if batch:
            created = await _write_batch(db, cypher.CREATE_RELATIONS[relation], batch)
            report.relationships[relation] = report.relationships.get(relation, 0) + created

    for part in _relationship_parts(seed, countries):
        for relation, row in part:
            number = counters.get(relation, 0)
            counters[relation] = number + 1
            row["i"] = f"syn-rel-{relation.replace('_', '-')}-{number:07d}"
            buffer = buffers.setdefault(relation, [])
            buffer.append(row)
            if len(buffer) >= batch_size:
                await flush(relation)
        _say(progress, f"{report.relationship_total} relationships ({time.perf_counter() - started:.1f} s)")
    for relation in sorted(buffers):
        await flush(relation)
    await db.write(load_cypher.SET_GROUP_SIZES, {"synthetic": True})
    await db.write(load_cypher.SET_DEGREES, {"synthetic": True})
    await set_synthetic_version(db, f"{actors}:{seed}")
    report.seconds = time.perf_counter() - started
    _say(
        progress,
        f"done: {report.node_total} nodes, {report.relationship_total} relationships "
        f"in {report.seconds:.1f} s",
    )
    return report


async def _link_terms(db: Database, names: list[Row], batch_size: int) -> None:
    """Search terms for the new nodes: each distinct word once, then its links, in batches."""
    terms = sorted({t for row in names for t in row["terms"]})
    for i in range(0, len(terms), batch_size):
        await db.write(entities_cypher.LINK_TERMS, {"terms": terms[i : i + batch_size]})
    for i in range(0, len(names), batch_size):
        await db.write(entities_cypher.LINK_NAMES, {"rows": names[i : i + batch_size]})


async def remove(db: Database, *, batch_size: int = DELETE_BATCH) -> int:
    """Delete every synthetic node (and so its relationships), a batch per transaction.

    Returns the number of nodes deleted; curated data is untouched.
    """
    removed = 0
    while True:
        rows = await db.write(cypher.DELETE_SYNTHETIC_BATCH, {"limit": batch_size})
        deleted = int(rows[0]["deleted"]) if rows else 0
        removed += deleted
        if deleted == 0:
            await db.write(entities_cypher.DELETE_ORPHAN_TERMS)
            await set_synthetic_version(db, None)
            return removed


def plan_summary(actors: int, seed: int) -> dict[str, int]:
    """Node counts by kind that generate() would write (no database needed)."""
    counts: dict[str, int] = {}
    for c in _plan(actors, seed):
        for kind, nodes in c.kinds.items():
            counts[kind] = counts.get(kind, 0) + len(nodes.ids)
    return counts


def actor_count(counts: dict[str, int]) -> int:
    return sum(n for kind, n in counts.items() if kind in ACTOR_KINDS)


def relationship_summary(actors: int, seed: int) -> dict[str, int]:
    """Relationship counts by relation that generate() would write (no database needed)."""
    counts: dict[str, int] = {}
    for part in _relationship_parts(seed, _plan(actors, seed)):
        for relation, _ in part:
            counts[relation] = counts.get(relation, 0) + 1
    return counts
