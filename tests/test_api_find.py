"""Finding things: lookup by key and global id, search, filtered and paginated listings."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import gql, gql_error

ENTITY = """
query($key: String!) {
  entity(key: $key) {
    id key kind name nameEn aliases country
    identifiers { scheme value }
    sources { key file language }
    ... on Project { code budgetTotal grant ownContribution currency end { text precision earliest latest } }
    ... on Event { start { text precision } venue planned }
  }
}
"""


def test_lookup_by_key_gives_names_identifiers_and_sources(client: TestClient) -> None:
    viaa = gql(client, ENTITY, key="lv-viaa")["entity"]
    assert viaa["kind"] == "AGENCY"
    assert viaa["nameEn"] == "State Education Development Agency"
    assert viaa["aliases"] == ["VIAA"]
    assert [s["file"] for s in viaa["sources"]] == ["001_c0cbd7477332bfa2.txt", "004_5a77f97ad5782aa4.txt"]
    project = gql(client, ENTITY, key="lv-project-career-support-8-3-5-0-16-i-001")["entity"]
    assert project["code"] == "8.3.5.0/16/I/001"
    assert {"scheme": "project_code", "value": "8.3.5.0/16/I/001"} in project["identifiers"]
    voru = gql(client, ENTITY, key="ee-voru-education-network-project")["entity"]
    assert (voru["budgetTotal"], voru["grant"], voru["ownContribution"], voru["currency"]) == (
        29400,
        24990,
        4410,
        "EUR",
    )
    assert voru["end"] == {
        "text": "2021-12-31",
        "precision": "DAY",
        "earliest": "2021-12-31",
        "latest": "2021-12-31",
    }


def test_node_refetches_by_global_id(client: TestClient) -> None:
    viaa = gql(client, ENTITY, key="lv-viaa")["entity"]
    again = gql(client, "query($id: ID!) { node(id: $id) { id ... on Entity { key } } }", id=viaa["id"])
    assert again["node"] == {"id": viaa["id"], "key": "lv-viaa"}


def test_unknown_key_is_not_found(client: TestClient) -> None:
    error = gql_error(client, ENTITY, key="lv-no-such-agency")
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["argument"] == "key"
    assert "lv-no-such-agency" in error["message"]


SEARCH = """
query($text: String!, $kinds: [Kind!], $countries: [Country!], $first: Int, $after: String) {
  search(text: $text, kinds: $kinds, countries: $countries, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { rank node { key } }
  }
}
"""


def keys(result: dict[str, Any]) -> list[str]:
    return [e["node"]["key"] for e in result["edges"]]


def test_search_ignores_case_and_diacritics_and_knows_abbreviations(client: TestClient) -> None:
    assert keys(gql(client, SEARCH, text="VIAA")["search"])[0] == "lv-viaa"
    assert gql(client, SEARCH, text="viaa")["search"]["edges"][0]["rank"] == 0
    assert "ee-voru-county" in keys(gql(client, SEARCH, text="voru", first=20)["search"])
    assert keys(gql(client, SEARCH, text="tyoelama")["search"]) == ["fi-careeria-working-life-services"]
    assert keys(gql(client, SEARCH, text="SA Innove")["search"])[0] == "ee-innove"
    # A project code is searchable too, punctuation and all.
    assert keys(gql(client, SEARCH, text="8.3.5.0/16/I/001")["search"]) == [
        "lv-project-career-support-8-3-5-0-16-i-001"
    ]


def test_search_filters_and_pages(client: TestClient) -> None:
    everything = gql(client, SEARCH, text="voru", first=100)["search"]
    assert everything["totalCount"] == len(everything["edges"]) >= 5
    networks = gql(client, SEARCH, text="voru", kinds=["COUNCIL"], first=100)["search"]
    assert len(networks["edges"]) == 3
    assert gql(client, SEARCH, text="voru", countries=["LV"])["search"]["totalCount"] == 0
    first = gql(client, SEARCH, text="voru", first=2)["search"]
    assert first["pageInfo"]["hasNextPage"]
    rest = gql(client, SEARCH, text="voru", first=100, after=first["pageInfo"]["endCursor"])["search"]
    assert keys(first) + keys(rest) == keys(everything)


def test_search_text_must_say_something(client: TestClient) -> None:
    error = gql_error(client, SEARCH, text=" ?")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "text"}


LIST = """
query($filter: EntityFilter, $order: EntityOrder, $first: Int, $after: String) {
  entities(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { key name } }
  }
}
"""


def test_listing_filters(client: TestClient) -> None:
    ministries = gql(client, LIST, filter={"kinds": ["MINISTRY"]})["entities"]
    assert keys(ministries) == ["ee-ministry-of-education-and-research", "ee-ministry-of-social-affairs"]
    assert ministries["totalCount"] == 2
    in_project = gql(
        client, LIST, filter={"participatesIn": "ee-voru-education-network-project", "kinds": ["COUNCIL"]}
    )["entities"]
    # Networks 1 and 3 are developed in the project, not participants in it.
    assert sorted(keys(in_project)) == ["ee-voru-education-field-network"]
    events_2009 = gql(client, LIST, filter={"kinds": ["EVENT"], "countries": ["EE"], "validAt": "2009-05-10"})
    assert "ee-career-council-meeting-2009-05" in keys(events_2009["entities"])
    assert "ee-career-council-first-meeting-2009-03-12" not in keys(events_2009["entities"])


def test_listing_sorts_and_pages_through_everything(client: TestClient) -> None:
    order = {"field": "KEY", "direction": "DESC"}
    whole = gql(client, LIST, order=order, first=100)["entities"]
    assert whole["totalCount"] == 45
    assert keys(whole) == sorted(keys(whole), reverse=True)
    seen: list[str] = []
    after = None
    while True:
        page = gql(client, LIST, order=order, first=7, after=after)["entities"]
        seen += keys(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == keys(whole)


def test_page_size_is_bounded_and_cursors_checked(client: TestClient) -> None:
    error = gql_error(client, LIST, first=1000)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}
    error = gql_error(client, LIST, after="not-a-cursor")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}


def test_node_refetches_relationships_and_sources(client: TestClient) -> None:
    query = """
    { entity(key: "fi-careeria") {
        relationships(first: 1) { edges { node { id key kind sources { id key } } } } } }
    """
    [edge] = gql(client, query)["entity"]["relationships"]["edges"]
    rel = edge["node"]
    again = gql(
        client, "query($id: ID!) { node(id: $id) { id ... on Relationship { key kind } } }", id=rel["id"]
    )
    assert again["node"] == {"id": rel["id"], "key": rel["key"], "kind": rel["kind"]}
    source = rel["sources"][0]
    found = gql(client, "query($id: ID!) { node(id: $id) { ... on Source { key } } }", id=source["id"])
    assert found["node"] == {"key": source["key"]}
    missing = gql_error(client, 'query { node(id: "bm90aGluZw==") { id } }')
    assert missing["extensions"]["code"] == "NOT_FOUND"


def test_forged_cursors_and_fragments(client: TestClient) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b"offset:99999999999999999999").decode()
    error = gql_error(client, LIST, after=forged)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    through_fragment = """
    query { entities(filter: {kinds: [MINISTRY]}) { ...counted } }
    fragment counted on EntityConnection { totalCount }
    """
    assert gql(client, through_fragment)["entities"]["totalCount"] == 2
