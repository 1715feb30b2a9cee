"""Pins the curated seed graph itself: counts, and facts from each of the five documents."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from graph.database import Connection, Database
from graph.ingest.seed_files import read_seed_graph
from graph.text import search_terms
from tests.conftest import run_db

SEED_DOCUMENTS = Path(__file__).resolve().parents[2] / "shared" / "seed-documents"


def query(conn: Connection, cypher: str, **params: Any) -> list[dict[str, Any]]:
    async def work(db: Database) -> list[dict[str, Any]]:
        return await db.read(cypher, params)

    return run_db(conn, work)


def entity(conn: Connection, ident: str) -> dict[str, Any]:
    rows = query(conn, "MATCH (n:Entity {id: $id}) RETURN properties(n) AS p, labels(n) AS l", id=ident)
    assert len(rows) == 1, ident
    return {**rows[0]["p"], "labels": set(rows[0]["l"])}


def relation(conn: Connection, rel_type: str, start: str, end: str) -> list[dict[str, Any]]:
    rows = query(
        conn,
        "MATCH (a:Entity {id: $a})-[r]->(b:Entity {id: $b}) WHERE type(r) = $t RETURN properties(r) AS p",
        a=start,
        b=end,
        t=rel_type,
    )
    return [r["p"] for r in rows]


def _names_links() -> int:
    """Search-term links: one per distinct word of each entity's names (an index, not a fact)."""
    return sum(len(search_terms(e["search_names"])) for e in read_seed_graph().entities.values())


NAMES_LINKS = _names_links()


def test_counts_per_kind_and_type(seeded: Connection) -> None:
    kinds = {
        r["kind"]: r["n"] for r in query(seeded, "MATCH (n:Entity) RETURN n.kind AS kind, count(*) AS n")
    }
    assert kinds == {
        "target": 6,
        "council": 6,
        "event": 5,
        "person": 5,
        "org_unit": 4,
        "programme": 4,
        "project": 3,
        "ministry": 2,
        "municipality": 2,
        "organisation": 2,
        "agency": 1,
        "agreement": 1,
        "regulation": 1,
        "university": 1,
        "school": 1,
        "region": 1,
    }
    types = {r["t"]: r["n"] for r in query(seeded, "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")}
    assert types == {
        "PARTICIPATES_IN": 5,
        "DEVELOPED_IN": 3,
        "PART_OF": 7,
        "SETS_TARGET": 6,
        "ABOUT": 6,
        "HOLDS_POSITION": 4,
        "LOCATED_IN": 5,
        "COOPERATES_WITH": 1,
        "IMPLEMENTS": 2,
        "HOSTS": 2,
        "FUNDS": 1,
        "PARTY_TO": 2,
        "REFERS_TO": 2,
        "COORDINATES": 1,
        "SUBMITS": 1,
        "ISSUES": 1,
        "CONTACT_FOR": 1,
        "PUBLISHED_BY": 1,
        "NAMES": NAMES_LINKS,
    }
    assert query(seeded, "MATCH (s:Source) RETURN count(s) AS n") == [{"n": 5}]


def test_ids_are_unique_and_every_fact_has_a_source(seeded: Connection) -> None:
    assert (
        query(seeded, "MATCH (n) WHERE n.id IS NOT NULL WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id")
        == []
    )
    # Every relationship states a fact with its source, except the search index's NAMES links.
    unsourced = query(
        seeded,
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'NAMES' AND (r.sources IS NULL OR size(r.sources) = 0) "
        "RETURN a.id, type(r), b.id",
    )
    assert unsourced == []
    assert query(seeded, "MATCH (n:Entity) WHERE size(n.sources) = 0 RETURN n.id") == []
    dangling = query(
        seeded,
        "MATCH (x) WHERE x.sources IS NOT NULL UNWIND x.sources AS s "
        "OPTIONAL MATCH (src:Source {id: s}) WITH s, src WHERE src IS NULL RETURN DISTINCT s",
    )
    assert dangling == []


def test_estonian_council_document(seeded: Connection) -> None:
    agreement = entity(seeded, "ee-agreement-education-social-affairs-2008")
    assert agreement["signed"] == "2008-03-12"
    assert agreement["signed_precision"] == "day"
    assert agreement["sources"] == ["src-000"]
    for ministry in ("ee-ministry-of-education-and-research", "ee-ministry-of-social-affairs"):
        assert relation(seeded, "PARTY_TO", ministry, "ee-agreement-education-social-affairs-2008")
    council = entity(seeded, "ee-career-services-cooperation-council")
    assert council["meets_per_year_min"] == 4
    assert {"Council", "Actor", "Entity"} <= council["labels"]
    [coordinates] = relation(
        seeded,
        "COORDINATES",
        "ee-innove-career-services-development-centre",
        "ee-career-services-cooperation-council",
    )
    assert coordinates["role"] == "technical organisation"
    assert coordinates["sources"] == ["src-000"]
    assert relation(seeded, "PART_OF", "ee-innove-career-services-development-centre", "ee-innove")
    innove = entity(seeded, "ee-innove")
    assert (innove["name"], innove["kind"], innove["aliases"]) == ("SA Innove", "organisation", [])
    planned = entity(seeded, "ee-career-council-meeting-2009-05")
    assert (planned["start"], planned["start_precision"], planned["planned"]) == (
        "2009-05-01/2009-05-15",
        "range",
        True,
    )
    # Stated: the year is read off the meeting date the text gives (rule Y1, like D1).
    assert planned.get("inferred") is None and "rule Y1" in planned["note"]
    # The agreement is what the document states; no separate cooperation claim restates it.
    assert (
        relation(
            seeded,
            "COOPERATES_WITH",
            "ee-ministry-of-education-and-research",
            "ee-ministry-of-social-affairs",
        )
        == []
    )


def test_latvian_conference_document(seeded: Connection) -> None:
    project = "lv-project-career-support-8-3-5-0-16-i-001"
    assert "project_code:8.3.5.0/16/I/001" in entity(seeded, project)["identifiers"]
    periods = sorted(
        (r["sources"], r["start"], r["end"]) for r in relation(seeded, "IMPLEMENTS", "lv-viaa", project)
    )
    assert periods == [(["src-001"], "2017", "2022"), (["src-004"], "2016-Q4", "2020-12")]
    [director] = relation(seeded, "HOLDS_POSITION", "lv-dita-traidas", "lv-viaa")
    assert director["title"] == "direktore"
    conference = entity(seeded, "lv-conference-career-support-sustainability-2022-12-01")
    # C1: the text gives only the day it ended.
    assert (conference.get("start"), conference["end"]) == (None, "2022-12-01")
    assert conference["subtype"] == "conference"
    assert relation(seeded, "HOSTS", "lv-university-of-latvia", conference["id"])
    # Neither the organiser nor the speakers are stated.
    assert (
        query(
            seeded,
            "MATCH (:Entity)-[r:ORGANISES|PARTICIPATES_IN]->(:Event {id: $e}) RETURN r",
            e=conference["id"],
        )
        == []
    )


def test_finnish_careeria_document(seeded: Connection) -> None:
    careeria = entity(seeded, "fi-careeria")
    assert (careeria["kind"], careeria["subtype"]) == ("school", "vocational")
    source = query(
        seeded, "MATCH (s:Source {id: 'src-002'})-[:PUBLISHED_BY]->(p) RETURN s.published AS d, p.id AS p"
    )
    assert source == [{"d": "2019-11-07", "p": "fi-careeria"}]
    # A count is a count: 27 institutions work in the project; it is no target.
    assert entity(seeded, "fi-parasta-palvelua")["participating_institutions"] == 27
    assert query(seeded, "MATCH (t:Target) WHERE t.country = 'FI' RETURN t.id") == []
    [position] = relation(seeded, "HOLDS_POSITION", "fi-jaana-ekfors", "fi-careeria")
    assert position["title"] == "Asiakaspäällikkö"
    [leads] = relation(seeded, "HOLDS_POSITION", "fi-marko-sinkkonen", "fi-careeria-working-life-services")
    assert (leads["role"], "title" in leads, leads.get("inferred")) == ("leads the unit", False, None)
    # "Last week" in a post dated 2019-11-07: one unknown day of ISO week 44, stated.
    event = entity(seeded, "fi-tempaa-muut-mukaan-2019")
    assert (event["start"], event["start_precision"], event.get("inferred")) == ("2019-W44", "week", None)
    assert relation(seeded, "PARTICIPATES_IN", "fi-careeria", "fi-parasta-palvelua") == []


def test_estonian_voru_document(seeded: Connection) -> None:
    project = entity(seeded, "ee-voru-education-network-project")
    assert (project["budget_total"], project["grant"], project["own_contribution"], project["currency"]) == (
        29400,
        24990,
        4410,
        "EUR",
    )
    assert project["end"] == "2021-12-31"
    [funds] = relation(
        seeded,
        "FUNDS",
        "ee-programme-local-government-cooperation-and-service-capacity",
        "ee-voru-education-network-project",
    )
    assert funds["amount"] == 24990
    assert funds["sources"] == ["src-003"]
    # Networks 1 and 3 are developed in the project (a result); the second takes part in it.
    networks = query(
        seeded,
        "MATCH (c:Council {subtype: 'network'})-[r]->(:Project {id: $p}) RETURN c.id AS c, type(r) AS t",
        p="ee-voru-education-network-project",
    )
    assert sorted((n["c"], n["t"]) for n in networks) == [
        ("ee-voru-education-field-network", "PARTICIPATES_IN"),
        ("ee-voru-local-government-education-specialists-network", "DEVELOPED_IN"),
        ("ee-voru-support-services-network", "DEVELOPED_IN"),
    ]
    # The contact person: his stated role and title, and no employer, which no document names.
    [contact] = relation(seeded, "CONTACT_FOR", "ee-aivar-nigol", "ee-voru-education-network-project")
    assert (contact["role"], contact["title"], contact["sources"]) == (
        "contact for further information",
        "arendusnõunik",
        ["src-003"],
    )
    assert query(seeded, "MATCH (:Person {id: 'ee-aivar-nigol'})-[r:HOLDS_POSITION]->() RETURN r") == []
    assert query(seeded, "MATCH (n:Entity) WHERE n.id CONTAINS 'vorumaa' RETURN n.id") == []
    # The seminars' year is not in the document: day and month only.
    seminars = entity(seeded, "ee-voru-education-network-seminars-october")
    assert (seminars["start"], seminars["end"], seminars["start_precision"]) == (
        "--10-20",
        "--10-23",
        "month_day",
    )
    assert "start_date" not in seminars and seminars.get("inferred") is None
    programme = entity(seeded, "ee-programme-local-government-cooperation-and-service-capacity")
    # Its full name as the document gives it, no longer abbreviated (the words are checked
    # against the document by test_curation).
    assert len(programme["name"].split()) >= 8 and programme["lang"] == "et"


def test_latvian_project_page_document(seeded: Connection) -> None:
    project = "lv-project-career-support-8-3-5-0-16-i-001"
    # Two sources disagree on the period: both claims are kept, each with its source.
    [submits] = relation(seeded, "SUBMITS", "lv-viaa", project)
    assert (submits["role"], submits["sources"], "start" in submits) == ("applicant", ["src-004"], False)
    [implements] = [
        r for r in relation(seeded, "IMPLEMENTS", "lv-viaa", project) if r["sources"] == ["src-004"]
    ]
    assert (implements["start"], implements["start_precision"], implements["end"]) == (
        "2016-Q4",
        "quarter",
        "2020-12",
    )
    assert sorted(entity(seeded, project)["sources"]) == ["src-001", "src-004"]
    assert sorted(entity(seeded, "lv-viaa")["sources"]) == ["src-001", "src-004"]
    targets = query(
        seeded,
        "MATCH (:Project {id: $p})-[:SETS_TARGET]->(t:Target {metric: 'students_per_counsellor'}) "
        "RETURN t.year AS year, t.value AS value ORDER BY year",
        p=project,
    )
    assert targets == [{"year": 2017, "value": 700}, {"year": 2020, "value": 600}]
    regulation = entity(seeded, "lv-cabinet-regulation-662")
    assert regulation["adopted"] == "2014-10-28"
    assert "regulation_number:662" in regulation["identifiers"]
    assert regulation["name"].startswith("Noteikumi par pedagogiem nepieciešamo izglītību")
    assert regulation["aliases"] == ["Ministra kabineta noteikumi Nr. 662"]
    [issues] = relation(seeded, "ISSUES", "lv-cabinet-of-ministers", "lv-cabinet-regulation-662")
    assert issues["sources"] == ["src-004"]
    # The page gives objective 8.3.5's target group, not that the project is financed under it.
    assert relation(seeded, "REFERS_TO", project, "lv-so-8-3-5")
    assert relation(seeded, "FUNDS", "lv-so-8-3-5", project) == []
    city, county = entity(seeded, "lv-jelgava-city"), entity(seeded, "lv-jelgava-county-municipality")
    assert (city["subtype"], county["subtype"]) == ("city", "county_municipality")
    # Rule N4: two entities; no document names both, so no relationship joins them.
    between = "MATCH (:Entity {id: $a})-[r]-(:Entity {id: $b}) RETURN r"
    assert query(seeded, between, a="lv-jelgava-city", b="lv-jelgava-county-municipality") == []
    assert relation(seeded, "COOPERATES_WITH", "lv-jelgava-city", "lv-viaa") == []
    # 001 says the project was carried out in the county's schools, not that the county took part.
    [carried_out] = relation(seeded, "LOCATED_IN", project, "lv-jelgava-county-municipality")
    assert (carried_out["start"], carried_out["end"], carried_out["sources"]) == ("2017", "2022", ["src-001"])


def test_people_appear_only_in_their_official_capacity(seeded: Connection) -> None:
    contact = re.compile(r"@|\+\d{3}\s?\d{3,}|\btel\b", re.IGNORECASE)
    rows = query(
        seeded, "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p"
    )
    leaks = [
        (row["p"].get("id"), v)
        for row in rows
        for v in row["p"].values()
        if isinstance(v, str) and contact.search(v)
    ]
    assert leaks == []
    for person in query(
        seeded, "MATCH (p:Person) RETURN p.id AS id, COUNT { (p)-[:HOLDS_POSITION|CONTACT_FOR]->() } AS n"
    ):
        assert person["n"] >= 1, f"{person['id']} appears without an official capacity"


PROSE_FIELDS = (
    "note",
    "summary",
    "title_en",
    "inferred_reason",
    "identity_note",
    "publisher_inferred_reason",
)


def _prose(value: Any) -> list[str]:
    """The free-text fields of a seed file: names and titles are facts and may repeat a document."""
    if isinstance(value, dict):
        return [v for k, v in value.items() if k in PROSE_FIELDS and isinstance(v, str)] + [
            text for v in value.values() for text in _prose(v)
        ]
    if isinstance(value, list):
        return [text for v in value for text in _prose(v)]
    return []


@pytest.mark.skipif(not SEED_DOCUMENTS.is_dir(), reason="the seed documents are not beside this checkout")
def test_the_project_holds_facts_not_the_documents_sentences() -> None:
    def grams(text: str, n: int = 9) -> set[str]:
        w = re.findall(r"\w+", text.lower())
        return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}

    documents: set[str] = set()
    for doc in SEED_DOCUMENTS.glob("*.txt"):
        documents |= grams(doc.read_text(encoding="utf-8"))
    root = Path(__file__).resolve().parent.parent
    texts = {
        p.name: "\n".join(_prose(tomllib.loads(p.read_text("utf-8")))) for p in root.glob("seeds/*.toml")
    }
    texts |= {p.name: p.read_text("utf-8") for p in [*root.glob("docs/*.md"), root / "README.md"]}
    # Names and titles are facts: a run that lies inside one is not copied prose.
    names: set[str] = set()
    for p in root.glob("seeds/*.toml"):
        for match in re.finditer(r"^(?:name|title|aliases) = (.*)$", p.read_text("utf-8"), re.MULTILINE):
            names |= grams(match[1])
    copied = {name: sorted((grams(text) & documents) - names) for name, text in texts.items()}
    assert {name: runs for name, runs in copied.items() if runs} == {}
