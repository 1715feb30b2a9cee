"""Curation through GraphQL (issue #13): every mutation, every error code, auth, idempotency, and
that nothing is written when a write is refused. The real HTTP app on a store of its own."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.limits import Limits
from graph import tokens
from graph.constraints import apply_constraints
from graph.database import Connection, Database, open_database
from graph.ingest.export import export_seeds
from graph.ingest.loader import UnsavedChanges, load_seeds
from graph.ingest.seed_files import read_seed_graph
from graph.store.embedded import EmbeddedStore
from tests.conftest import run_db, store_settings
from tests.test_export import Dump, curated_dump

MINISTRY = "ee-ministry-of-education-and-research"
COUNCIL = "ee-career-services-cooperation-council"
STATE = "{ graphStats { nodeCount relationshipCount } }"


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    with EmbeddedStore(store_settings(tmp_path_factory.mktemp("mutations")), "coopgraph") as running:

        async def prepare() -> None:
            db = open_database(running)
            try:
                await apply_constraints(db)
                await load_seeds(db)
            finally:
                await db.close()

        asyncio.run(prepare())
        yield running


@pytest.fixture(scope="module")
def client(conn: Connection) -> Iterator[TestClient]:
    # Many requests from one test client: no rate limit (tests/test_middleware.py tests it).
    with TestClient(create_app(conn, limits=Limits(rate_limit=0))) as test_client:
        yield test_client


def token(conn: Connection, role: str) -> str:
    secret, _ = run_db(conn, lambda db: tokens.create_token(db, f"{role}-{uuid.uuid4().hex[:6]}", role))
    return secret


@pytest.fixture(scope="module")
def curator(conn: Connection) -> str:
    return token(conn, "curator")


def post(client: TestClient, query: str, secret: str | None = None, **variables: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.status_code, response.json()


def ok(client: TestClient, query: str, secret: str | None = None, **variables: Any) -> dict[str, Any]:
    status, body = post(client, query, secret, **variables)
    assert status == 200 and "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def refused(
    client: TestClient, query: str, secret: str, status: int = 200, **variables: Any
) -> dict[str, Any]:
    """The error of a write that must fail, after checking that it wrote nothing."""
    before = ok(client, STATE), version(client), changes(client)
    answered, body = post(client, query, secret, **variables)
    assert answered == status and body.get("errors"), body
    assert (ok(client, STATE), version(client), changes(client)) == before, (
        "a refused write changed the graph"
    )
    error: dict[str, Any] = body["errors"][0]
    return error


CHANGES = """query($after: String) { changes(first: 100, after: $after) {
  edges { node { seq } } pageInfo { hasNextPage endCursor } } }"""


def changes(client: TestClient) -> int:
    """The number of the last change recorded (0: none)."""
    after, last = None, 0
    while True:
        page = ok(client, CHANGES, after=after)["changes"]
        last = max([last, *(edge["node"]["seq"] for edge in page["edges"])])
        if not page["pageInfo"]["hasNextPage"]:
            return int(last)
        after = page["pageInfo"]["endCursor"]


def version(client: TestClient) -> str:
    return str(ok(client, "{ dataVersion }")["dataVersion"])


PAYLOAD = "change { key action author fields { target key field before after } } dataVersion replayed"
ADD_SOURCE = f"""mutation($input: SourceInput!, $cid: String) {{
  addSource(input: $input, clientMutationId: $cid) {{
    source {{ key url titleEn published {{ text }} }} {PAYLOAD} }}
}}"""
CREATE = f"""mutation($input: EntityInput!, $cid: String) {{
  createEntity(input: $input, clientMutationId: $cid) {{
    entity {{ key name nameEn revision aliases }} {PAYLOAD} }}
}}"""
UPDATE = f"""mutation($key: String!, $rev: Int!, $set: EntityPatch!, $reason: String) {{
  updateEntity(key: $key, expectedRevision: $rev, set: $set, reason: $reason) {{
    entity {{ key note revision nameEn }} {PAYLOAD} }}
}}"""
ASSERT = f"""mutation($input: RelationshipInput!, $cid: String) {{
  assertRelationship(input: $input, clientMutationId: $cid) {{
    relationship {{ id key kind revision sources {{ key }} from {{ key }} to {{ key }} }} {PAYLOAD} }}
}}"""
RETRACT_REL = f"""mutation($id: ID!, $reason: String!) {{
  retractRelationship(id: $id, reason: $reason) {{ relationship {{ key retraction {{ reason }} }} {PAYLOAD} }}
}}"""
RETRACT_ENTITY = f"""mutation($key: String!, $reason: String!) {{
  retractEntity(key: $key, reason: $reason) {{
    entity {{ key retraction {{ reason mergedInto }} }} {PAYLOAD} }}
}}"""
MERGE = f"""mutation($survivor: String!, $merged: String!, $reason: String!) {{
  mergeEntities(survivor: $survivor, merged: $merged, reason: $reason) {{
    entity {{ key aliases }} {PAYLOAD} }}
}}"""
PARTNERS = "query($key: String!) { partners(key: $key, first: 100) { edges { node { key } } } }"


def source_input(suffix: str) -> dict[str, Any]:
    return {
        "key": f"src-test-{suffix}",
        "url": f"https://example.org/{suffix}",
        "language": "en",
        "titleEn": f"A report {suffix}",
        "published": "2024-03",
    }


def school_input(key: str, source: str, **extra: Any) -> dict[str, Any]:
    fields = {
        "key": key,
        "kind": "SCHOOL",
        "subtype": "general",
        "name": f"Kool {key}",
        "lang": "et",
        "nameEn": f"School {key}",
        "country": "EE",
        "sources": [source],
    }
    return {**fields, **extra}


def add_source(client: TestClient, secret: str, suffix: str) -> str:
    data = ok(client, ADD_SOURCE, secret, input=source_input(suffix))
    return str(data["addSource"]["source"]["key"])


def create_school(client: TestClient, secret: str, key: str, source: str) -> dict[str, Any]:
    result: dict[str, Any] = ok(client, CREATE, secret, input=school_input(key, source))["createEntity"]
    return result


def cooperation(one: str, other: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "COOPERATES_WITH", "from": one, "to": other, "sources": [source], **extra}


def partner_keys(client: TestClient, key: str) -> set[str]:
    return {e["node"]["key"] for e in ok(client, PARTNERS, key=key)["partners"]["edges"]}


def test_add_source_then_the_same_again_changes_nothing(client: TestClient, curator: str) -> None:
    before = version(client)
    added = ok(client, ADD_SOURCE, curator, input=source_input("a"))["addSource"]
    assert added["source"] == {
        "key": "src-test-a",
        "url": "https://example.org/a",
        "titleEn": "A report a",
        "published": {"text": "2024-03"},
    }
    assert added["change"]["action"] == "ADD_SOURCE"
    assert added["change"]["author"].startswith("curator-")
    assert added["dataVersion"] == version(client) != before
    again = ok(client, ADD_SOURCE, curator, input=source_input("a"))["addSource"]
    assert again["change"] is None and again["dataVersion"] == added["dataVersion"]
    other = {**source_input("a"), "titleEn": "Another report"}
    error = refused(client, ADD_SOURCE, curator, input=other)
    assert error["extensions"]["code"] == "CONFLICT"


def test_bad_source_input_names_the_field(client: TestClient, curator: str) -> None:
    error = refused(client, ADD_SOURCE, curator, input={**source_input("b"), "language": "xx"})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.language"}
    error = refused(client, ADD_SOURCE, curator, input={**source_input("b"), "published": "2024-13"})
    assert error["extensions"]["argument"] == "input.published"
    no_place = {k: v for k, v in source_input("b").items() if k != "url"}
    error = refused(client, ADD_SOURCE, curator, input=no_place)
    assert error["extensions"]["argument"] == "input.file"


def test_create_entity_is_found_and_validated(client: TestClient, curator: str) -> None:
    source = add_source(client, curator, "create")
    created = create_school(client, curator, "ee-test-kool", source)
    assert created["entity"] == {
        "key": "ee-test-kool",
        "name": "Kool ee-test-kool",
        "nameEn": "School ee-test-kool",
        "revision": 1,
        "aliases": [],
    }
    assert {f["field"] for f in created["change"]["fields"]} >= {"name", "name_en", "kind", "sources"}
    found = ok(client, '{ search(text: "Kool ee-test-kool") { edges { node { key } } } }')["search"]
    assert [e["node"]["key"] for e in found["edges"]] == ["ee-test-kool"]
    error = refused(client, CREATE, curator, input=school_input("ee-test-kool", source))
    assert error["extensions"] == {"code": "CONFLICT", "argument": "input.key"}
    error = refused(client, CREATE, curator, input=school_input("ee-test-other", source, subtype="castle"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.subtype"}
    error = refused(client, CREATE, curator, input=school_input("ee-test-other", source, signed="2020"))
    assert error["extensions"]["argument"] == "input.signed"  # not a school's field
    error = refused(client, CREATE, curator, input=school_input("ee-test-other", "src-nowhere"))
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "input.sources"}
    error = refused(client, CREATE, curator, input=school_input("EE bad key", source))
    assert error["extensions"]["argument"] == "input.key"


def test_update_entity_with_optimistic_concurrency(client: TestClient, curator: str) -> None:
    source = add_source(client, curator, "update")
    create_school(client, curator, "ee-test-update", source)
    updated = ok(
        client, UPDATE, curator, key="ee-test-update", rev=1, set={"note": "Checked."}, reason="typo"
    )["updateEntity"]
    assert updated["entity"]["note"] == "Checked." and updated["entity"]["revision"] == 2
    assert [(f["field"], f["before"], f["after"]) for f in updated["change"]["fields"]] == [
        ("note", None, "Checked.")
    ]
    error = refused(client, UPDATE, curator, key="ee-test-update", rev=1, set={"note": "Stale."})
    assert error["extensions"] == {"code": "CONFLICT", "argument": "expectedRevision"}
    cleared = ok(client, UPDATE, curator, key="ee-test-update", rev=2, set={"note": None})["updateEntity"]
    assert cleared["entity"]["note"] is None and cleared["entity"]["revision"] == 3
    same = ok(client, UPDATE, curator, key="ee-test-update", rev=3, set={"note": None})["updateEntity"]
    assert same["change"] is None and same["entity"]["revision"] == 3
    error = refused(client, UPDATE, curator, key="ee-test-update", rev=3, set={"nameEn": None})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "set.nameEn"}
    error = refused(client, UPDATE, curator, key="ee-nobody", rev=0, set={"note": "x"})
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "key"}


def test_assert_relationship_merges_the_same_claim_and_keeps_a_different_one(
    client: TestClient, curator: str
) -> None:
    first, second = add_source(client, curator, "claim-1"), add_source(client, curator, "claim-2")
    create_school(client, curator, "ee-test-claim", first)
    made = ok(client, ASSERT, curator, input=cooperation("ee-test-claim", MINISTRY, first, start="2021"))
    rel = made["assertRelationship"]["relationship"]
    assert (rel["from"]["key"], rel["to"]["key"], rel["revision"]) == ("ee-test-claim", MINISTRY, 1)
    assert MINISTRY in partner_keys(client, "ee-test-claim")
    again = ok(client, ASSERT, curator, input=cooperation("ee-test-claim", MINISTRY, second, start="2021"))
    rel2 = again["assertRelationship"]["relationship"]
    assert rel2["key"] == rel["key"] and rel2["revision"] == 2
    assert [s["key"] for s in rel2["sources"]] == [first, second]
    other = ok(client, ASSERT, curator, input=cooperation("ee-test-claim", MINISTRY, second, start="2022"))
    assert other["assertRelationship"]["relationship"]["key"] != rel["key"]
    query = """{ entity(key: "ee-test-claim") {
      relationships { edges { node { key validity { start { text } } } } } } }"""
    edges = ok(client, query)["entity"]["relationships"]["edges"]
    assert sorted(e["node"]["validity"]["start"]["text"] for e in edges) == ["2021", "2022"]
    # Each write is in the history of the entities at the claim's ends, with what it changed.
    history = ok(
        client,
        """{ entity(key: "ee-test-claim") { history { edges { node { action author
             fields { target key field before after } } } } } }""",
    )["entity"]["history"]["edges"]
    assert [e["node"]["action"] for e in history] == ["CREATE_ENTITY"] + ["ASSERT_RELATIONSHIP"] * 3
    added = [f for f in history[2]["node"]["fields"] if f["field"] == "sources"]
    assert added == [
        {
            "target": "relationship",
            "key": rel["key"],
            "field": "sources",
            "before": [first],
            "after": [first, second],
        }
    ]


def test_bad_relationships_are_refused_by_field(client: TestClient, curator: str) -> None:
    source = add_source(client, curator, "bad-rel")
    create_school(client, curator, "ee-test-badrel", source)
    error = refused(client, ASSERT, curator, input=cooperation("ee-test-badrel", "ee-nobody", source))
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "input.to"}
    error = refused(
        client, ASSERT, curator, input=cooperation("ee-test-badrel", MINISTRY, source, end="20x1")
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.end"}
    funds_school = {"kind": "SETS_TARGET", "from": "ee-test-badrel", "to": MINISTRY, "sources": [source]}
    error = refused(client, ASSERT, curator, input=funds_school)
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "argument": "input.to",
    }  # a target, not a ministry
    error = refused(
        client, ASSERT, curator, input=cooperation("ee-test-badrel", MINISTRY, source, inferred=True)
    )
    assert error["extensions"]["argument"] == "input.inferredReason"
    error = refused(
        client, ASSERT, curator, input={**cooperation("ee-test-badrel", MINISTRY, source), "sources": []}
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "input.sources"}


def test_retract_relationship_leaves_answers_but_not_history(client: TestClient, curator: str) -> None:
    source = add_source(client, curator, "retract-rel")
    create_school(client, curator, "ee-test-retract", source)
    made = ok(client, ASSERT, curator, input=cooperation("ee-test-retract", COUNCIL, source))
    rel_id = made["assertRelationship"]["relationship"]["id"]
    assert COUNCIL in partner_keys(client, "ee-test-retract")
    done = ok(client, RETRACT_REL, curator, id=rel_id, reason="misread the table")["retractRelationship"]
    assert done["relationship"]["retraction"]["reason"] == "misread the table"
    assert COUNCIL not in partner_keys(client, "ee-test-retract")
    query = """query($inc: Boolean) { entity(key: "ee-test-retract") {
      relationships(includeRetracted: $inc) { edges { node { key retraction { reason } } } } } }"""
    assert ok(client, query, inc=False)["entity"]["relationships"]["edges"] == []
    shown = ok(client, query, inc=True)["entity"]["relationships"]["edges"]
    assert [e["node"]["retraction"]["reason"] for e in shown] == ["misread the table"]
    error = refused(client, RETRACT_REL, curator, id=rel_id, reason="again")
    assert error["extensions"]["code"] == "CONFLICT"
    error = refused(client, RETRACT_REL, curator, id=rel_id, reason="  ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "reason"}


def test_retract_entity_and_merge(client: TestClient, curator: str) -> None:
    source, other = add_source(client, curator, "merge"), add_source(client, curator, "merge-2")
    create_school(client, curator, "ee-test-survivor", source)
    duplicate = school_input("ee-test-duplicate", other, identifiers=[{"scheme": "ehis", "value": "4242"}])
    ok(client, CREATE, curator, input=duplicate)
    moved = ok(client, ASSERT, curator, input=cooperation("ee-test-duplicate", MINISTRY, other, start="2019"))
    old_claim = moved["assertRelationship"]["relationship"]["key"]
    merged = ok(
        client, MERGE, curator, survivor="ee-test-survivor", merged="ee-test-duplicate", reason="one school"
    )["mergeEntities"]
    assert merged["entity"]["aliases"] == ["Kool ee-test-duplicate", "School ee-test-duplicate"]
    assert merged["change"]["action"] == "MERGE_ENTITIES"
    survivor = ok(
        client,
        """{ entity(key: "ee-test-survivor") { sources { key } identifiers { scheme value }
             relationships(includeRetracted: true) { edges { node { key retraction { reason }
               sources { key } from { key } to { key } } } }
             history { edges { node { action reason } } } } }""",
    )["entity"]
    # In the order a load of the exported files lists them: by file name (src-test-merge-2.toml first).
    assert [s["key"] for s in survivor["sources"]] == [other, source]
    assert survivor["identifiers"] == [{"scheme": "ehis", "value": "4242"}]
    claims = [e["node"] for e in survivor["relationships"]["edges"]]
    assert [(c["from"]["key"], c["to"]["key"], c["retraction"]) for c in claims] == [
        ("ee-test-survivor", MINISTRY, None)
    ]
    assert [s["key"] for s in claims[0]["sources"]] == [other]
    assert {"action": "MERGE_ENTITIES", "reason": "one school"} in [
        e["node"] for e in survivor["history"]["edges"]
    ]
    # The merged entity's own claim stays, retracted with the merge as its reason.
    old = ok(
        client,
        """{ entity(key: "ee-test-duplicate", includeRetracted: true) {
             relationships(includeRetracted: true) { edges { node { key retraction { reason } } } } } }""",
    )["entity"]["relationships"]["edges"]
    assert [(e["node"]["key"], e["node"]["retraction"]["reason"]) for e in old] == [
        (old_claim, "ee-test-duplicate merged into ee-test-survivor: one school")
    ]
    assert MINISTRY in partner_keys(client, "ee-test-survivor")
    # The merged key answers with the survivor in every question that takes a key.
    assert ok(client, '{ entity(key: "ee-test-duplicate") { key } }')["entity"]["key"] == "ee-test-survivor"
    merged_id = base64.urlsafe_b64encode(b"Entity:ee-test-duplicate").decode()
    node = ok(client, "query($id: ID!) { node(id: $id) { ... on Entity { key } } }", id=merged_id)
    assert node["node"] == {"key": "ee-test-survivor"}
    assert MINISTRY in partner_keys(client, "ee-test-duplicate")
    retracted = ok(
        client,
        '{ entity(key: "ee-test-duplicate", includeRetracted: true) { key retraction { mergedInto } } }',
    )
    assert retracted["entity"] == {
        "key": "ee-test-duplicate",
        "retraction": {"mergedInto": "ee-test-survivor"},
    }
    # A write names what it changes: not a merged key.
    error = refused(client, UPDATE, curator, key="ee-test-duplicate", rev=1, set={"note": "x"})
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "key"}
    assert "merged into 'ee-test-survivor'" in error["message"]

    gone = ok(client, RETRACT_ENTITY, curator, key="ee-test-survivor", reason="not a school")["retractEntity"]
    assert gone["entity"]["retraction"]["reason"] == "not a school"
    assert {f["target"] for f in gone["change"]["fields"]} == {"entity", "relationship"}
    error = refused(client, '{ entity(key: "ee-test-survivor") { key } }', curator)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "ee-test-survivor" not in partner_keys(client, MINISTRY)


def test_record_distinct(client: TestClient, curator: str) -> None:
    source = add_source(client, curator, "distinct")
    create_school(client, curator, "ee-test-one", source)
    create_school(client, curator, "ee-test-two", source)
    query = f"""mutation {{ recordDistinct(first: "ee-test-one", second: "ee-test-two",
      reason: "Different towns", sources: ["{source}"]) {{ relationship {{ kind note }} }} }}"""
    assert ok(client, query, curator)["recordDistinct"]["relationship"] == {
        "kind": "DISTINCT_FROM",
        "note": "Different towns",
    }


def test_client_mutation_id_does_not_write_twice(client: TestClient, curator: str) -> None:
    source = add_source(client, curator, "idempotent")
    create_school(client, curator, "ee-test-idem", source)
    variables = {"input": cooperation("ee-test-idem", MINISTRY, source, role="partner"), "cid": "row-17"}
    first = ok(client, ASSERT, curator, **variables)["assertRelationship"]
    state = ok(client, STATE)
    again = ok(client, ASSERT, curator, **variables)["assertRelationship"]
    assert again["replayed"] is True and first["replayed"] is False
    assert again["change"]["key"] == first["change"]["key"]
    assert again["relationship"]["key"] == first["relationship"]["key"]
    assert ok(client, STATE) == state


def test_writes_need_a_curator_token(client: TestClient, conn: Connection) -> None:
    _, body = post(client, ADD_SOURCE, None, input=source_input("anon"))
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    status, body = post(client, ADD_SOURCE, token(conn, "reader"), input=source_input("anon"))
    assert status == 403 and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    status, body = post(client, ADD_SOURCE, "cg_not-a-token", input=source_input("anon"))
    assert status == 401
    found = ok(client, '{ sources(text: "report anon") { key } }')["sources"]
    assert found == []


def test_with_reads_closed_history_needs_a_token_and_writes_a_curator(conn: Connection, curator: str) -> None:
    with TestClient(create_app(conn, limits=Limits(rate_limit=0, reads_need_token=True))) as closed:
        status, body = post(closed, "{ changes(first: 1) { edges { node { key } } } }")
        assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        reader = token(conn, "reader")
        assert ok(closed, "{ changes(first: 1) { edges { node { key } } } }", reader)["changes"]["edges"]
        status, body = post(closed, ADD_SOURCE, reader, input=source_input("closed"))
        assert status == 403 and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        added = ok(closed, ADD_SOURCE, curator, input=source_input("closed"))["addSource"]
        assert added["source"]["key"] == "src-test-closed"


def test_writes_wait_for_a_maintenance_run(client: TestClient, conn: Connection, curator: str) -> None:
    async def hold(db: Database, run: str | None) -> None:
        await db.write("MATCH (m:Meta {id: 'graph'}) SET m.run = $run, m.run_kind = 'load'", {"run": run})

    run_db(conn, lambda db: hold(db, "test-run"))
    try:
        error = refused(client, ADD_SOURCE, curator, 503, input=source_input("during-run"))
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    finally:
        run_db(conn, lambda db: hold(db, None))
    assert ok(client, ADD_SOURCE, curator, input=source_input("during-run"))["addSource"]["change"]


def test_cached_measures_follow_writes(client: TestClient, curator: str) -> None:
    """Whole-graph measures are cached per data version: a write shows at once, nothing else expires them."""
    source = add_source(client, curator, "cache")
    create_school(client, curator, "ee-test-cache", source)
    query = "{ graphStats { relationshipCount } dataVersion }"
    before = ok(client, query)
    assert ok(client, query) == before  # unchanged graph, unchanged answer
    ok(client, ASSERT, curator, input=cooperation("ee-test-cache", MINISTRY, source))
    after = ok(client, query)
    assert after["dataVersion"] != before["dataVersion"]
    counted = after["graphStats"]["relationshipCount"] - before["graphStats"]["relationshipCount"]
    assert counted == 1  # the new claim (the change log's links are not the graph's relationships)


def test_a_load_does_not_replace_changes_no_seed_file_holds(conn: Connection) -> None:
    before = curated_dump(conn)
    with pytest.raises(UnsavedChanges, match=r"export-seeds"):
        run_db(conn, load_seeds)
    assert curated_dump(conn) == before


def test_export_after_api_changes_loads_into_an_empty_store_as_the_same_graph(
    conn: Connection, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Runs last: the graph holds every kind of change the tests above made (sources by URL,
    created, updated, merged and retracted entities, merged claims, retracted relationships)."""
    directory = tmp_path_factory.mktemp("exported")
    report = run_db(conn, lambda db: export_seeds(db, directory))
    assert report.files
    before = comparable(curated_dump(conn))
    assert any("Retracted" in node["labels"] for node in before[0])
    assert any(rel["type"] == "RETRACTED" for rel in before[1])
    with EmbeddedStore(store_settings(tmp_path_factory.mktemp("reloaded")), "coopgraph") as empty:
        run_db(empty, apply_constraints)
        run_db(empty, lambda db: load_seeds(db, read_seed_graph(report.files)))
        after = comparable(curated_dump(empty))
    assert [n["id"] for n in after[0]] == [n["id"] for n in before[0]]
    for old, new in zip(before[0], after[0], strict=True):
        assert new == old, (old["id"], differing(old, new))
    for old, new in zip(before[1], after[1], strict=True):
        assert new == old, (old["a"], old["b"], differing(old, new))
    assert len(after[1]) == len(before[1])


def differing(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    was, now = old["props"], new["props"]
    changed = {n: (was.get(n), now.get(n)) for n in set(was) | set(now) if was.get(n) != now.get(n)}
    return {**changed, **{k: (old[k], new[k]) for k in old if k != "props" and old[k] != new.get(k)}}


def comparable(dump: Dump) -> Dump:
    """A dump without what only the API keeps (revisions, retraction times): the seed files do
    not hold them, by design (graph/ingest/export.py)."""
    nodes, relationships = dump
    for item in [*nodes, *relationships]:
        for name in ("revision", "retracted_at"):
            item["props"].pop(name, None)
    return nodes, sorted(relationships, key=lambda r: (r["a"], r["type"], r["b"], r["props"].get("id", "")))


def test_the_same_claim_with_a_whole_amount_is_the_seed_files_claim(client: TestClient, curator: str) -> None:
    """A GraphQL Float gives 24990.0 where the seed file says 24990: still the same claim."""
    source = add_source(client, curator, "amount")
    funding = {
        "kind": "FUNDS",
        "from": "ee-programme-local-government-cooperation-and-service-capacity",
        "to": "ee-voru-education-network-project",
        "amount": 24990,
        "sources": [source],
    }
    rel = ok(client, ASSERT, curator, input=funding)["assertRelationship"]["relationship"]
    assert rel["revision"] == 1 and len(rel["sources"]) == 2  # the seed file's source, and this one


def test_synthetic_data_is_not_curated_through_the_api(
    client: TestClient, curator: str, conn: Connection
) -> None:
    async def synthetic(db: Database) -> None:
        await db.write(
            "CREATE (:Entity:School:Actor {id: 'ee-synthetic-school', kind: 'school', name: 'S', "
            "name_en: 'S', lang: 'et', country: 'EE', subtype: 'general', synthetic: true})"
        )
        await db.write(
            "CREATE (:Source {id: 'src-synthetic-test', synthetic: true, language: 'en', title_en: 'G'})"
        )

    run_db(conn, synthetic)
    source = add_source(client, curator, "synthetic")
    error = refused(client, ASSERT, curator, input=cooperation("ee-synthetic-school", MINISTRY, source))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.from"}
    error = refused(client, ASSERT, curator, input=cooperation(COUNCIL, MINISTRY, "src-synthetic-test"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.sources"}
    error = refused(client, UPDATE, curator, key="ee-synthetic-school", rev=0, set={"note": "x"})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "key"}


def test_a_client_mutation_id_names_one_write(client: TestClient, curator: str) -> None:
    ok(client, ADD_SOURCE, curator, input=source_input("cid"), cid="cid-once")
    error = refused(
        client, CREATE, curator, input=school_input("ee-test-cid", "src-test-cid"), cid="cid-once"
    )
    assert error["extensions"] == {"code": "CONFLICT", "argument": "clientMutationId"}
