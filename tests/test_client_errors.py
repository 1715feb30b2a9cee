"""Every client error is a client error: coded, 4xx (or 200 under legacy JSON), logged at INFO
in one line; the server's own errors are logged at ERROR with the request id the response carries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from coopgraph.app import PLAYGROUND_HTML, create_app
from coopgraph.limits import Limits
from coopgraph.middleware import request_middleware
from graph.database import Connection
from schema import Schema
from schema.errors import ErrorCodes
from schema.http import GraphQLEndpoint
from schema.limits import LIMIT_EXTENSIONS
from schema.query import Query

GRJ = "application/graphql-response+json"
JSON = "application/json"

BODIES: list[dict[str, Any]] = [
    {"query": "{ ...Nope }"},
    {"query": "{ graphStats { ...Nope } }"},
    {"query": "query { entity(key: $k) { key } }"},
    {"query": "query ($a: String!) { entity(key: $k) { key } }", "variables": {"a": "x"}},
    {"query": "query ($k: Int!) { entity(key: $k) { key } }", "variables": {"k": 3}},
    {"query": "query ($k: String!) { entity(key: $k) { key } }", "variables": {"k": {"a": 1}}},
    {"query": "query ($k: String!) { entity(key: $k) { key } }"},
    {"query": "query ($f: Int!) { brokers(first: $f) { networkSize } }", "variables": {"f": 2**40}},
    {
        "query": 'query ($d: Date) { partners(key: "lv-viaa", asOf: $d) { totalCount } }',
        "variables": {"d": 5},
    },
    {"query": "{ graphStats { ...F } } fragment F on Source { key }"},
    {"query": "{ graphStats { ...F } } fragment F on Nope { key }"},
    {"query": "{ graphStats { ...F } } fragment F on GraphStats { nodeCount } fragment F on Query { x }"},
    {"query": "subscription { graphStats { nodeCount } }"},
    {"query": "mutation { deleteEverything }"},
    {"query": "query A { graphStats { nodeCount } }", "operationName": "B"},
    {"query": "fragment F on Query { graphStats { nodeCount } }"},
    {"query": "type X { a: Int }"},
    {"query": "   "},
    {"query": "{ graphStats @nope { nodeCount } }"},
    {"query": "{ graphStats(x: 1) { nodeCount } }"},
    {"query": '{ paths(from: "a", to: "b", first: 1e999) { length } }'},
    {"query": "{ graphStats { nodeCount } }\u0000"},
    {"query": '{ entity(key: "\\ud800") { key } }'},
    {"query": '{ node(id: "\\u0000\\uffff") { id } }'},
    {"query": '{ entities(after: "!!!") { totalCount } }'},
    {"query": '{ search(text: "' + "a" * 1000 + '") { totalCount } }'},
    {"query": "{ network { truncated } }"},
    {"query": '{ commonPartners(keys: ["lv-viaa"]) { node { key } } }'},
    {"query": '{ paths(from: "lv-viaa", to: "lv-viaa", maxLength: 99) { length } }'},
]

RAW: list[tuple[bytes, str | None]] = [
    (b'[{"query": "{ graphStats { nodeCount } }"}]', JSON),
    (b"[1, 2]", JSON),
    (b"hello", "text/plain"),
    (b"{ graphStats { nodeCount } }", "application/graphql"),
    (b"query=%7B%7D", "application/x-www-form-urlencoded"),
    (
        b'--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--',
        "multipart/form-data; boundary=x",
    ),
    (b"xx", "multipart/form-data"),
    (b'{"query": "{ graphStats { nodeCount } }"}', "application/json; charset=utf-16"),
    (b'\xef\xbb\xbf{"query": "{ graphStats { nodeCount } }"}', JSON),
    (b'{"query": "{ graphStats { nodeCount } }", "variables": {"v": 1' + b"0" * 5000 + b"}}", JSON),
    (b'{"query": "{ graphStats { nodeCount } }"', JSON),
    (b"\xff\xfe", JSON),
    (b"", None),
]


def assert_clients_fault(response: Any, accept: str) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    codes = [error["extensions"]["code"] for error in body.get("errors", ())]
    assert "INTERNAL_SERVER_ERROR" not in codes
    if "data" not in body:
        assert codes and all(codes)
        if accept == GRJ:
            assert 400 <= response.status_code < 500


@pytest.mark.parametrize("body", BODIES, ids=lambda b: str(b["query"])[:40])
def test_what_a_client_sends_never_makes_a_server_error(client: TestClient, body: dict[str, Any]) -> None:
    for accept in (GRJ, JSON):
        assert_clients_fault(client.post("/graphql", json=body, headers={"Accept": accept}), accept)
    assert_clients_fault(client.get("/graphql", params=body, headers={"Accept": GRJ}), GRJ)


@pytest.mark.parametrize(("content", "content_type"), RAW, ids=lambda x: repr(x)[:30])
def test_what_a_client_sends_as_a_body_never_makes_a_server_error(
    client: TestClient, content: bytes, content_type: str | None
) -> None:
    headers = {"Accept": GRJ} | ({"Content-Type": content_type} if content_type else {})
    assert_clients_fault(client.post("/graphql", content=content, headers=headers), GRJ)


def test_an_undefined_fragment_is_a_validation_error(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ ...Nope }"}, headers={"Accept": GRJ})
    assert response.status_code == 400
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]


def test_several_operations_need_an_operation_name(client: TestClient) -> None:
    document = "query A { graphStats { nodeCount } } query B { sources { key } }"
    for method in ("POST", "GET"):
        if method == "POST":
            unnamed = client.post("/graphql", json={"query": document}, headers={"Accept": GRJ})
        else:
            unnamed = client.get("/graphql", params={"query": document}, headers={"Accept": GRJ})
        assert unnamed.status_code == 400, (method, unnamed.text)
        [error] = unnamed.json()["errors"]
        assert (
            error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" and "operationName" in error["message"]
        )
        assert "data" not in unnamed.json()
    named = client.post("/graphql", json={"query": document, "operationName": "B"}, headers={"Accept": GRJ})
    assert named.status_code == 200 and named.json()["data"]["sources"]
    # Named A explicitly: A, even though it is also the first.
    first = client.post("/graphql", json={"query": document, "operationName": "A"}, headers={"Accept": GRJ})
    assert first.status_code == 200 and first.json()["data"]["graphStats"]["nodeCount"] > 0
    single = client.post("/graphql", json={"query": "query A { graphStats { nodeCount } }"})
    assert single.status_code == 200 and single.json()["data"]["graphStats"]["nodeCount"] > 0


# --- logging ----------------------------------------------------------------------------------


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


def test_client_errors_are_logged_at_info_in_one_short_line(
    client: TestClient, logged: pytest.LogCaptureFixture
) -> None:
    long_query = '{ nope(text: "' + "padding " * 50_000 + '") }'
    response = client.post("/graphql", json={"query": long_query})
    client.post("/graphql", content=b"nonsense", headers={"Content-Type": JSON})
    request_id = response.headers["x-request-id"]
    records = [r for r in logged.records if r.name.startswith(("coopgraph", "strawberry"))]
    assert records, "client errors are logged"
    assert all(r.levelno == logging.INFO for r in records), [(r.name, r.levelname) for r in records]
    assert all(r.exc_info is None for r in records), "no tracebacks"
    first = records[0].getMessage()
    assert request_id in first
    assert "GRAPHQL_VALIDATION_FAILED" in first
    assert len(first) < 800, "the query is shortened"
    assert f"({len(long_query):,} characters)" in first
    assert any("BAD_REQUEST" in r.getMessage() for r in records)


@strawberry.type
class FailingQuery(Query):
    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError("secret dsn=bolt://user:pw@host")


def failing_app(seeded: Connection) -> TestClient:
    failing = Schema(query=FailingQuery, extensions=[ErrorCodes, *LIMIT_EXTENSIONS])
    lifespan = create_app(seeded).router.lifespan_context

    async def crash(request: Request) -> Response:
        raise RuntimeError("outside GraphQL")

    routes = [
        Route("/graphql", GraphQLEndpoint(failing, playground_html=PLAYGROUND_HTML), methods=["GET", "POST"]),
        Route("/crash", crash),
    ]
    app = Starlette(routes=routes, middleware=request_middleware(Limits()), lifespan=lifespan)
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("accept", [GRJ, JSON])
def test_a_server_error_carries_the_request_id_the_log_names(
    seeded: Connection, logged: pytest.LogCaptureFixture, accept: str
) -> None:
    with failing_app(seeded) as test_client:
        response = test_client.post(
            "/graphql", json={"query": "{ graphStats { nodeCount } broken }"}, headers={"Accept": accept}
        )
    request_id = response.headers["x-request-id"]
    body = response.json()
    assert body["data"]["graphStats"]["nodeCount"] > 0, "the other fields are answered"
    [error] = body["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "secret" not in response.text
    [record] = [r for r in logged.records if r.levelno >= logging.WARNING]
    assert record.levelno == logging.ERROR
    assert request_id in record.getMessage()
    assert record.exc_info is not None, "the server's own errors keep their traceback"


def test_an_unhandled_exception_is_a_coded_500_with_the_request_id(
    seeded: Connection, logged: pytest.LogCaptureFixture
) -> None:
    with failing_app(seeded) as test_client:
        response = test_client.get("/crash", headers={"X-Request-Id": "probe-1", "Accept": GRJ})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "probe-1"
    assert response.json()["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "probe-1",
    }
    errors = [r for r in logged.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "probe-1" in errors[0].getMessage()
