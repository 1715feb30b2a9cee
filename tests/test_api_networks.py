"""Networks, co-participation, brokers, timelines and counsellor coverage on the seed graph."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import gql, gql_error

NETWORK = """
query($center: String, $depth: Int!, $max: Int!, $filter: NetworkFilter) {
  network(center: $center, depth: $depth, maxNodes: $max, filter: $filter) {
    truncated nodes { key kind degree } edges { key source target kind sources }
  }
}
"""


def test_network_around_an_actor_is_its_neighbourhood_with_the_edges_among_it(client: TestClient) -> None:
    net = gql(client, NETWORK, center="fi-careeria", depth=1, max=200)["network"]
    assert not net["truncated"]
    assert {n["key"] for n in net["nodes"]} == {
        "fi-careeria",
        "fi-jaana-ekfors",
        "fi-tempaa-muut-mukaan-2019",
        "fi-careeria-campuses",
        "fi-careeria-working-life-services",
    }
    keys = {n["key"] for n in net["nodes"]}
    assert all(e["source"] in keys and e["target"] in keys and e["sources"] for e in net["edges"])
    careeria = next(n for n in net["nodes"] if n["key"] == "fi-careeria")
    assert careeria["degree"] == 4
    assert len({e["key"] for e in net["edges"]}) == len(net["edges"])


def test_network_size_is_bounded(client: TestClient) -> None:
    small = gql(client, NETWORK, center="lv-viaa", depth=3, max=4)["network"]
    assert small["truncated"] and len(small["nodes"]) == 4
    error = gql_error(client, NETWORK, center="lv-viaa", depth=1, max=501)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "maxNodes"}
    error = gql_error(client, NETWORK, center="lv-viaa", depth=4, max=10)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "depth"}


def test_network_for_a_project(client: TestClient) -> None:
    net = gql(client, NETWORK, depth=1, max=100, filter={"project": "ee-voru-education-network-project"})
    keys = {n["key"] for n in net["network"]["nodes"]}
    assert {"ee-voru-education-network-project", "ee-voru-support-services-network"} <= keys
    assert all(k.startswith("ee-") for k in keys)


NODE_LINK = """
query($center: String!, $max: Int!) {
  network(center: $center, depth: 2, maxNodes: $max) {
    truncated nodes { key kind degree } edges { key source target kind role sources } nodeLink
  }
}
"""


def test_node_link_json_is_the_same_network_as_the_typed_lists(client: TestClient) -> None:
    for center, size in (("lv-viaa", 200), ("lv-viaa", 5), ("fi-careeria", 200)):
        net = gql(client, NODE_LINK, center=center, max=size)["network"]
        data = net["nodeLink"]
        assert data["directed"] and data["multigraph"]
        assert data["graph"] == {"truncated": net["truncated"]}
        assert [(n["id"], n["kind"], n["degree"]) for n in data["nodes"]] == [
            (n["key"], n["kind"], n["degree"]) for n in net["nodes"]
        ]
        assert [
            (e["key"], e["source"], e["target"], e["kind"], e["role"], e["sources"]) for e in data["links"]
        ] == [(e["key"], e["source"], e["target"], e["kind"], e["role"], e["sources"]) for e in net["edges"]]
        assert data["links"], f"the network around {center} has edges"


COPART = """
query($countries: [Country!], $min: Int!) {
  coParticipation(via: [PROJECT, EVENT], countries: $countries, minShared: $min) {
    weight a { key } b { key } shared { key }
  }
}
"""


def test_co_participation_links_the_voru_networks_through_their_seminars(client: TestClient) -> None:
    # All three take part in the seminars; only one takes part in the project (1 and 3 are
    # developed in it, a result rather than a participant).
    pairs = gql(client, COPART, countries=["EE"], min=1)["coParticipation"]
    assert pairs, "the Võru networks share the seminars"
    members = {
        "ee-voru-support-services-network",
        "ee-voru-education-field-network",
        "ee-voru-local-government-education-specialists-network",
    }
    linked = {frozenset((p["a"]["key"], p["b"]["key"])) for p in pairs}
    assert {frozenset((x, y)) for x in members for y in members if x < y} <= linked
    assert all(p["weight"] == len(p["shared"]) for p in pairs)
    assert gql(client, COPART, countries=["EE"], min=2)["coParticipation"] == []


BROKERS = "{ brokers(first: 3) { networkSize exact brokers { key degree betweenness actor { kind } } } }"


def test_brokers_rank_the_latvian_agency_first_and_are_cached(client: TestClient) -> None:
    first = gql(client, BROKERS)["brokers"]
    assert first["exact"]
    assert first["brokers"][0]["key"] == "lv-viaa"
    scores = [b["betweenness"] for b in first["brokers"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    cache = client.app.state.cache  # type: ignore[attr-defined]
    computed = cache.computations
    assert gql(client, BROKERS)["brokers"] == first
    assert cache.computations == computed, "the second call is answered from the cache"


TIMELINE = "query($key: String!) { timeline(key: $key) { date { text } change event { key } other { key } } }"


def test_timeline_of_the_latvian_agency_in_order(client: TestClient) -> None:
    items = gql(client, TIMELINE, key="lv-viaa")["timeline"]
    # The two documents' implementation periods, interleaved by date (the later one's end is
    # stated only as a year). No document links VIAA to the conference by more than its project.
    assert [(i["date"]["text"], i["change"]) for i in items] == [
        ("2016-Q4", "STARTED"),
        ("2017", "STARTED"),
        ("2020-12", "ENDED"),
        ("2022", "ENDED"),
    ]
    assert {i["other"]["key"] for i in items} == {"lv-project-career-support-8-3-5-0-16-i-001"}


COVERAGE = """
query($key: String!, $ratio: Float) {
  counsellorCoverage(key: $key, targetRatio: $ratio) {
    students counsellorFte studentsPerCounsellor
    targets { studentsPerCounsellor meets target { key } setBy { key } }
  }
}
"""


def test_coverage_finds_the_latvian_targets_for_jelgava_city(client: TestClient) -> None:
    coverage = gql(client, COVERAGE, key="lv-jelgava-city")["counsellorCoverage"]
    assert [(t["studentsPerCounsellor"], t["target"]["key"]) for t in coverage["targets"]] == [
        (700, "lv-target-students-per-counsellor-2017"),
        (600, "lv-target-students-per-counsellor-2020"),
    ]
    assert {t["setBy"]["key"] for t in coverage["targets"]} == {"lv-project-career-support-8-3-5-0-16-i-001"}
    # The documents give no school sizes or counsellor posts for Jelgava: the ratio is unknown.
    assert coverage["studentsPerCounsellor"] is None
    assert all(t["meets"] is None for t in coverage["targets"])
    error = gql_error(client, COVERAGE, key="lv-jelgava-city", ratio=-5)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "targetRatio"}
