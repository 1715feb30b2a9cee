"""Relationship questions on the seed graph, with the answers the documents give."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import gql, gql_error

PARTNERS = """
query($key: String!, $via: [Via!], $asOf: Date, $between: DateRange, $first: Int, $after: String) {
  partners(key: $key, via: $via, asOf: $asOf, between: $between, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node { key }
      since { text precision }
      links { via through { key } relationships { kind validity { start { text } } sources { key file } } }
    }
  }
}
"""


def partner_keys(data: dict[str, Any]) -> list[str]:
    return [e["node"]["key"] for e in data["partners"]["edges"]]


def test_estonian_ministries_cooperate_with_each_other_since_the_2008_agreement(client: TestClient) -> None:
    data = gql(client, PARTNERS, key="ee-ministry-of-education-and-research")
    assert partner_keys(data) == ["ee-ministry-of-social-affairs"]
    [edge] = data["partners"]["edges"]
    assert edge["since"] == {"text": "2008-03-12", "precision": "DAY"}
    # Document 000 states the agreement both signed; no separate cooperation claim restates it.
    vias = sorted(link["via"] for link in edge["links"])
    assert vias == ["AGREEMENT"]
    agreement = next(link for link in edge["links"] if link["via"] == "AGREEMENT")
    assert agreement["through"] == {"key": "ee-agreement-education-social-affairs-2008"}
    for link in edge["links"]:
        for rel in link["relationships"]:
            assert rel["sources"] == [{"key": "src-000", "file": "000_d840e59b7b29eb0c.txt"}]
    # The other way round gives the same partnership.
    back = gql(client, PARTNERS, key="ee-ministry-of-social-affairs")
    assert partner_keys(back) == ["ee-ministry-of-education-and-research"]


def test_partners_respect_dates(client: TestClient) -> None:
    before = gql(client, PARTNERS, key="ee-ministry-of-education-and-research", asOf="2008-01-01")
    assert before["partners"]["totalCount"] == 0
    after = gql(client, PARTNERS, key="ee-ministry-of-education-and-research", asOf="2010-06-01")
    assert after["partners"]["totalCount"] == 1
    # VIAA implements the project 2016-Q4..2020-12 (one source) and 2017..2022 (the other).
    in_2021 = gql(client, PARTNERS, key="lv-viaa", via=["PROJECT"], asOf="2021-06-01")
    vias = {
        r["validity"]["start"]["text"]
        for e in in_2021["partners"]["edges"]
        for link in e["links"]
        for r in link["relationships"]
        if r["kind"] == "IMPLEMENTS"
    }
    assert vias == {"2017"}, "only the 2017-2022 claim still holds in 2021"


def test_partners_through_shared_projects_and_events(client: TestClient) -> None:
    # 001 says the project was carried out in the county's schools, not that the county took part.
    county = gql(client, PARTNERS, key="lv-jelgava-county-municipality")
    assert partner_keys(county) == []
    city = gql(client, PARTNERS, key="lv-jelgava-city")
    assert sorted(partner_keys(city)) == ["lv-teacher-career-counsellor-network", "lv-viaa"]
    for edge in city["partners"]["edges"]:
        assert {link["via"] for link in edge["links"]} == {"PROJECT"}
    # The conference's venue is its only stated actor: the document names no organiser or speaker.
    venue = gql(client, PARTNERS, key="lv-university-of-latvia", via=["EVENT"])
    assert partner_keys(venue) == []
    networks = gql(client, PARTNERS, key="ee-voru-support-services-network", via=["EVENT"])
    assert sorted(partner_keys(networks)) == [
        "ee-voru-education-field-network",
        "ee-voru-local-government-education-specialists-network",
    ]


def test_partners_page(client: TestClient) -> None:
    everything = partner_keys(gql(client, PARTNERS, key="lv-viaa", first=100))
    first = gql(client, PARTNERS, key="lv-viaa", first=1)["partners"]
    assert first["totalCount"] == len(everything) > 1
    rest = gql(client, PARTNERS, key="lv-viaa", first=100, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["key"] for e in first["edges"]] + partner_keys(rest) == everything


LINKS_ONLY = """
query($key: String!) {
  partners(key: $key, first: 100) { edges { node { key } links { via through { key } } } }
}
"""

# The relationships asked for through a fragment, two levels down.
LINKS_BY_FRAGMENT = """
fragment Rel on Link { relationships { key kind } }
query($key: String!) {
  partners(key: $key, first: 100) { edges { node { key } links { via through { key } ...Rel } } }
}
"""

# Two fragments on Query select the same partners field; only the second asks for relationships.
LINKS_BY_TWO_FRAGMENTS = """
fragment Names on Query { partners(key: $key, first: 100) { edges { node { key } links { via } } } }
fragment Details on Query {
  partners(key: $key, first: 100) {
    edges { since { text } links { via through { key } relationships { key } } }
  }
}
query($key: String!) { ...Names ...Details }
"""


def _link_summary(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, str | None]]]]:
    return [
        (
            e["node"]["key"],
            sorted((link["via"], (link["through"] or {}).get("key")) for link in e["links"]),
        )
        for e in data["partners"]["edges"]
    ]


def test_links_are_the_same_whether_or_not_their_relationships_are_asked_for(client: TestClient) -> None:
    full = gql(client, PARTNERS, key="lv-viaa", first=100)
    lean = gql(client, LINKS_ONLY, key="lv-viaa")
    assert _link_summary(lean) == _link_summary(full)
    by_fragment = gql(client, LINKS_BY_FRAGMENT, key="lv-viaa")
    assert _link_summary(by_fragment) == _link_summary(full)
    links = [link for e in by_fragment["partners"]["edges"] for link in e["links"]]
    assert links and all(link["relationships"] for link in links)
    merged = gql(client, LINKS_BY_TWO_FRAGMENTS, key="lv-viaa")["partners"]["edges"]
    assert [[r["key"] for r in link["relationships"]] for e in merged for link in e["links"]] == [
        [r["key"] for r in link["relationships"]] for link in links
    ]
    assert [e["since"] for e in merged] == [
        e["since"] and {"text": e["since"]["text"]} for e in full["partners"]["edges"]
    ]
    assert any(e["since"] for e in merged)
    # A direct link is one relationship, a shared project or event two.
    assert all(len(link["relationships"]) == (1 if link["via"] == "DIRECT" else 2) for link in links)


PATHS = """
query($from: String!, $to: String!, $max: Int!) {
  paths(from: $from, to: $to, maxLength: $max, first: 5) {
    length nodes { key } hops { from { key } to { key } relationship { kind role sources { key } } }
  }
}
"""


def test_how_a_latvian_municipality_is_connected_to_the_agency(client: TestClient) -> None:
    city = gql(client, PATHS, **{"from": "lv-jelgava-city", "to": "lv-viaa", "max": 4})["paths"]
    # 004 states the city's duty to submit a plan to VIAA, not a cooperation: the city reaches
    # VIAA through the project it participates in.
    assert {p["length"] for p in city} == {2}
    assert {p["hops"][0]["relationship"]["kind"] for p in city} == {"PARTICIPATES_IN"}
    assert {s["key"] for p in city for s in p["hops"][0]["relationship"]["sources"]} == {"src-004"}
    county = gql(client, PATHS, **{"from": "lv-jelgava-county-municipality", "to": "lv-viaa", "max": 4})[
        "paths"
    ]
    assert {p["length"] for p in county} == {2}
    assert {tuple(n["key"] for n in p["nodes"]) for p in county} == {
        ("lv-jelgava-county-municipality", "lv-project-career-support-8-3-5-0-16-i-001", "lv-viaa")
    }
    # Three stated relationships join VIAA to the project (implements from each document,
    # submits from 004): three shortest paths.
    assert sorted(p["hops"][1]["relationship"]["kind"] for p in county) == [
        "IMPLEMENTS",
        "IMPLEMENTS",
        "SUBMITS",
    ]


def test_no_path_within_the_bound_is_an_empty_list(client: TestClient) -> None:
    assert gql(client, PATHS, **{"from": "fi-careeria", "to": "lv-viaa", "max": 6})["paths"] == []


def test_path_arguments_are_checked(client: TestClient) -> None:
    too_long = gql_error(client, PATHS, **{"from": "fi-careeria", "to": "lv-viaa", "max": 7})
    assert too_long["extensions"] == {"code": "BAD_USER_INPUT", "argument": "maxLength"}
    unknown = gql_error(client, PATHS, **{"from": "fi-careeria", "to": "lv-nobody", "max": 3})
    assert unknown["extensions"] == {"code": "NOT_FOUND", "argument": "to"}


COMMON = """
query($keys: [String!]!) {
  commonPartners(keys: $keys) { node { key } connections { key links { via through { key } } } }
}
"""

COMMON_DETAILED = """
query($keys: [String!]!) {
  commonPartners(keys: $keys) {
    node { key } connections { key links { via relationships { from { key } to { key } } } }
  }
}
"""


def test_common_partners(client: TestClient) -> None:
    found = gql(client, COMMON, keys=["lv-viaa", "lv-jelgava-city"])["commonPartners"]
    assert sorted(c["node"]["key"] for c in found) == ["lv-teacher-career-counsellor-network"]
    for common in found:
        assert {c["key"] for c in common["connections"]} == {"lv-viaa", "lv-jelgava-city"}
    detailed = gql(client, COMMON_DETAILED, keys=["lv-viaa", "lv-jelgava-city"])["commonPartners"]
    assert [c["node"]["key"] for c in detailed] == [c["node"]["key"] for c in found]
    for common in detailed:
        for connection in common["connections"]:
            for link in connection["links"]:
                assert connection["key"] in {
                    e for r in link["relationships"] for e in (r["from"]["key"], r["to"]["key"])
                }
    error = gql_error(client, COMMON, keys=["lv-viaa"])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "keys"}


RELATIONSHIPS = """
query($key: String!, $kinds: [RelationKind!]) {
  entity(key: $key) {
    relationships(kinds: $kinds, first: 50) {
      totalCount edges { outgoing other { key kind } node { kind role sources { key } } }
    }
  }
}
"""


def test_what_a_finnish_vocational_college_takes_part_in(client: TestClient) -> None:
    rels = gql(client, RELATIONSHIPS, key="fi-careeria", kinds=["PARTICIPATES_IN", "HOSTS"])
    edges = rels["entity"]["relationships"]["edges"]
    # It hosted the project's event; the document does not say it takes part in the project.
    assert {(e["node"]["kind"], e["other"]["key"]) for e in edges} == {
        ("HOSTS", "fi-tempaa-muut-mukaan-2019")
    }
    assert all(e["outgoing"] and e["node"]["sources"] == [{"key": "src-002"}] for e in edges)
    assert rels["entity"]["relationships"]["totalCount"] == 1


def test_inverted_period_is_rejected(client: TestClient) -> None:
    error = gql_error(client, PARTNERS, key="lv-viaa", between={"start": "2020-01-01", "end": "2019-01-01"})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "between"}


def test_unknown_kind_is_bad_input_naming_the_argument(client: TestClient) -> None:
    literal = gql_error(client, '{ search(text: "viaa", kinds: [GALAXY]) { totalCount } }')
    assert literal["extensions"] == {"code": "BAD_USER_INPUT", "argument": "kinds"}
    variable = gql_error(
        client, 'query($k: [Kind!]) { search(text: "viaa", kinds: $k) { totalCount } }', k=["GALAXY"]
    )
    assert variable["extensions"]["code"] == "BAD_USER_INPUT"


def test_one_shortest_path_by_default(client: TestClient) -> None:
    query = '{ paths(from: "lv-jelgava-county-municipality", to: "lv-viaa") { length nodes { key } } }'
    [path] = gql(client, query)["paths"]
    assert path["length"] == 2
    assert path["nodes"][1]["key"] == "lv-project-career-support-8-3-5-0-16-i-001"


def test_a_page_past_the_end_keeps_the_total(client: TestClient) -> None:
    first = gql(client, PARTNERS, key="lv-viaa", first=100)["partners"]
    past = gql(client, PARTNERS, key="lv-viaa", first=5, after=first["pageInfo"]["endCursor"])["partners"]
    assert past["edges"] == []
    assert past["totalCount"] == first["totalCount"] > 0
