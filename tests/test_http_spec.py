"""GraphQL-over-HTTP (media types, status codes) and the query limits, through a real app and store.

`client` is the production app (create_app). `limited` is the same view over a schema that adds the
limit extensions and a few test-only fields: a chain of nested objects (the project's schema is at
most three levels deep, and the depth limiter skips introspection) and fields that fail, for partial
results. Both talk to the real embedded store with the seed graph loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import strawberry
from graphql import get_introspection_query
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient
from strawberry.extensions import SchemaExtension

from coopgraph.app import PLAYGROUND_HTML, create_app
from graph.database import Connection
from resolvers.errors import NotFound
from schema.errors import ErrorCodes
from schema.http import GraphQLEndpoint
from schema.limits import LIMIT_EXTENSIONS, MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from schema.query import Query

GRJ = "application/graphql-response+json"
GRJ_CONTENT_TYPE = "application/graphql-response+json; charset=utf-8"
JSON = "application/json"
STATS = "{ graphStats { nodeCount } }"


@strawberry.type
class Level:
    depth: int

    @strawberry.field
    def next(self) -> Level:
        return Level(depth=self.depth + 1)


@strawberry.input
class Window:
    first: int
    last: int


@strawberry.type
class LimitedQuery(Query):
    @strawberry.field
    def span(self, window: Window) -> int:
        return window.last - window.first

    @strawberry.field
    def level(self) -> Level:
        return Level(depth=1)

    @strawberry.field
    def missing(self) -> str | None:
        raise NotFound("nothing here")

    @strawberry.field
    def required(self) -> str:
        raise NotFound("nothing here either")


limited_schema = strawberry.Schema(query=LimitedQuery, extensions=[ErrorCodes, *LIMIT_EXTENSIONS])


@pytest.fixture
def limited(seeded: Connection) -> Iterator[TestClient]:
    # create_app's own lifespan, so the app state (database, caches) is whatever production sets up.
    lifespan = create_app(seeded).router.lifespan_context
    endpoint = GraphQLEndpoint(limited_schema, playground_html=PLAYGROUND_HTML)
    app = Starlette(routes=[Route("/graphql", endpoint, methods=["GET", "POST"])], lifespan=lifespan)
    with TestClient(app) as test_client:
        yield test_client


def post(client: TestClient, body: object, accept: str | None = GRJ) -> Any:
    headers = {"Accept": accept} if accept is not None else {}
    return client.post("/graphql", json=body, headers=headers)


def codes(response: Any) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


# --- media type negotiation -------------------------------------------------------------------


def test_graphql_response_json_when_accepted(client: TestClient) -> None:
    response = post(client, {"query": STATS})
    assert response.status_code == 200
    assert response.headers["content-type"] == GRJ_CONTENT_TYPE
    assert "Accept" in response.headers["vary"]
    assert response.json()["data"]["graphStats"]["nodeCount"] > 0


def test_missing_accept_header_means_graphql_response_json(client: TestClient) -> None:
    del client.headers["accept"]  # httpx sends */* unless told otherwise
    assert "accept" not in client.headers
    ok = client.post("/graphql", json={"query": STATS})
    assert ok.status_code == 200
    assert ok.headers["content-type"] == GRJ_CONTENT_TYPE
    invalid = client.post("/graphql", json={"query": "{ nope }"})
    assert invalid.status_code == 400
    assert invalid.headers["content-type"] == GRJ_CONTENT_TYPE


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", GRJ),
        ("application/*", GRJ),
        (f"{GRJ}; charset=utf-8, {JSON}; charset=utf-8", GRJ),
        (JSON, JSON),
        (f"{JSON}, {GRJ}", JSON),
        (f"{JSON};q=0.9, {GRJ};q=0.8", JSON),
        (f"{GRJ};q=0.5, {JSON};q=1", JSON),
        (f"{GRJ};q=0, */*", JSON),
        (f"{JSON};q=0, */*;q=0.1", GRJ),
        ("text/html, application/xhtml+xml, */*;q=0.8", GRJ),
    ],
)
def test_accept_q_values_and_order_choose_the_media_type(
    client: TestClient, accept: str, expected: str
) -> None:
    response = post(client, {"query": STATS}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "graphStats" in response.json()["data"]


@pytest.mark.parametrize("accept", ["text/plain", "application/xml", f"{GRJ};q=0, {JSON};q=0"])
def test_no_acceptable_media_type_is_406(client: TestClient, accept: str) -> None:
    response = post(client, {"query": STATS}, accept=accept)
    assert response.status_code == 406
    assert codes(response) == ["NOT_ACCEPTABLE"]
    assert "data" not in response.json()


def test_playground_still_served_for_html(client: TestClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()


# --- status codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ graphStats { "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "query A { graphStats { nodeCount } }", "operationName": "B"}, "BAD_REQUEST"),
    ],
)
def test_request_errors_are_400_with_graphql_response_json(
    client: TestClient, body: dict[str, str], code: str
) -> None:
    response = post(client, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == GRJ_CONTENT_TYPE
    assert "data" not in response.json(), "a request error is raised before execution: no data entry"
    assert codes(response) == [code]


@pytest.mark.parametrize("query", ["{ graphStats { ", "{ nope }", "mutation { graphStats { nodeCount } }"])
def test_legacy_json_is_200_for_every_well_formed_request(client: TestClient, query: str) -> None:
    response = post(client, {"query": query}, accept=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert "data" not in body
    assert all(error["extensions"]["code"] for error in body["errors"])


COERCION = {
    "query": "query ($show: Boolean!) { graphStats @include(if: $show) { nodeCount } }",
    "variables": {"show": "yes please"},
}


def test_variable_coercion_failure_is_a_request_error(client: TestClient) -> None:
    strict = post(client, COERCION)
    assert strict.status_code >= 400
    assert "data" not in strict.json(), "variables are coerced before execution: no data entry"
    assert all(codes(strict))
    legacy = post(client, COERCION, accept=JSON)
    assert legacy.status_code == 200
    assert "data" not in legacy.json()
    fine = post(client, {**COERCION, "variables": {"show": True}})
    assert fine.status_code == 200
    assert fine.json()["data"]["graphStats"]["nodeCount"] > 0


def test_variable_coercion_failure_is_the_clients_fault(client: TestClient) -> None:
    strict = post(client, COERCION)
    assert codes(strict) == ["BAD_USER_INPUT"]
    assert strict.status_code == 400
    assert "yes please" in strict.json()["errors"][0]["message"]


def test_partial_and_null_data_are_200(limited: TestClient) -> None:
    partial = post(limited, {"query": "{ graphStats { nodeCount } missing }"})
    assert partial.status_code == 200
    assert partial.headers["content-type"] == GRJ_CONTENT_TYPE
    body = partial.json()
    assert body["data"]["graphStats"]["nodeCount"] > 0
    assert body["data"]["missing"] is None
    assert body["errors"][0]["path"] == ["missing"]
    assert codes(partial) == ["NOT_FOUND"]
    # A non-null root field failing nulls the whole data entry: still an executed operation.
    nulled = post(limited, {"query": "{ graphStats { nodeCount } required }"})
    assert nulled.status_code == 200
    assert nulled.json()["data"] is None
    assert codes(nulled) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"query":', "malformed JSON"),
        ("NONSENSE", "malformed JSON"),
        ("", "empty body"),
        ('"{ graphStats { nodeCount } }"', "not an object"),
        ("42", "not an object"),
        ("[]", "a batch, and batching is off"),
        ("{}", "no query"),
        ('{"qeury": "{ graphStats { nodeCount } }"}', "no query (typo)"),
        ('{"query": 7}', "query not a string"),
        ('{"query": "{ graphStats { nodeCount } }", "variables": [7]}', "variables not an object"),
        ('{"query": "{ graphStats { nodeCount } }", "operationName": 3}', "operationName not a string"),
        ('{"query": "{ graphStats { nodeCount } }", "extensions": "x"}', "extensions not an object"),
    ],
)
@pytest.mark.parametrize("accept", [GRJ, JSON])
def test_malformed_requests_are_400_bad_request(
    client: TestClient, content: str, reason: str, accept: str
) -> None:
    response = client.post("/graphql", content=content, headers={"Content-Type": JSON, "Accept": accept})
    assert response.status_code == 400, reason
    assert response.headers["content-type"].split(";")[0] == accept
    body = response.json()
    assert set(body) == {"errors"}, reason
    assert body["errors"][0]["message"]
    assert codes(response) == ["BAD_REQUEST"], reason


def test_invalid_utf8_body_is_400(client: TestClient) -> None:
    response = client.post("/graphql", content=b'{"query": "\xff"}', headers={"Content-Type": JSON})
    assert response.status_code == 400
    assert codes(response) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/json; charset=latin-1",
    ],
)
def test_unsupported_content_type_is_415(client: TestClient, content_type: str | None) -> None:
    headers = {"Accept": GRJ}
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = client.post("/graphql", content=json.dumps({"query": STATS}), headers=headers)
    assert response.status_code == 415
    assert response.headers["content-type"] == GRJ_CONTENT_TYPE
    assert codes(response) == ["UNSUPPORTED_MEDIA_TYPE"]


@pytest.mark.parametrize(
    "content_type", [JSON, "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"]
)
def test_json_content_types_are_accepted(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/graphql", content=json.dumps({"query": STATS}), headers={"Content-Type": content_type}
    )
    assert response.status_code == 200
    assert response.json()["data"]["graphStats"]["nodeCount"] > 0


@pytest.mark.parametrize("accept", [GRJ, JSON])
def test_mutation_over_get_is_405(client: TestClient, accept: str) -> None:
    response = client.get(
        "/graphql", params={"query": "mutation { graphStats { nodeCount } }"}, headers={"Accept": accept}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response) == ["METHOD_NOT_ALLOWED"]
    named = client.get(
        "/graphql",
        params={
            "query": "query Q { graphStats { nodeCount } } mutation M { graphStats { nodeCount } }",
            "operationName": "M",
        },
        headers={"Accept": accept},
    )
    assert named.status_code == 405


def test_mutation_over_post_without_mutation_root_is_a_validation_error(client: TestClient) -> None:
    response = post(client, {"query": "mutation { graphStats { nodeCount } }"})
    assert response.status_code == 400
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "data" not in response.json()


def test_get_queries(client: TestClient) -> None:
    response = client.get("/graphql", params={"query": STATS, "operationName": ""}, headers={"Accept": GRJ})
    assert response.status_code == 200
    assert response.headers["content-type"] == GRJ_CONTENT_TYPE
    assert response.json()["data"]["graphStats"]["nodeCount"] > 0
    no_query = client.get("/graphql", headers={"Accept": GRJ})
    assert no_query.status_code == 400
    assert codes(no_query) == ["BAD_REQUEST"]
    bad_variables = client.get(
        "/graphql", params={"query": STATS, "variables": "{"}, headers={"Accept": JSON}
    )
    assert bad_variables.status_code == 400
    assert codes(bad_variables) == ["BAD_REQUEST"]


def test_head_is_405_with_allow(client: TestClient) -> None:
    response = client.head("/graphql", params={"query": STATS})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


# --- limits -----------------------------------------------------------------------------------


def nested(levels: int) -> str:
    """`level` plus `levels` nested `next` fields: the leaf `depth` sits at depth levels + 1."""
    return "{ level { " + "next { " * levels + "depth" + " }" * levels + " } }"


def test_depth_limit(limited: TestClient) -> None:
    at_limit = post(limited, {"query": nested(MAX_DEPTH - 1)})
    assert at_limit.status_code == 200, at_limit.text
    leaf: Any = at_limit.json()["data"]["level"]
    for _ in range(MAX_DEPTH - 1):
        leaf = leaf["next"]
    assert leaf == {"depth": MAX_DEPTH}
    too_deep = post(limited, {"query": nested(MAX_DEPTH)})
    assert too_deep.status_code == 400
    assert "data" not in too_deep.json()
    assert codes(too_deep) == ["QUERY_TOO_COMPLEX"]
    assert "depth" in too_deep.json()["errors"][0]["message"]


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{i}: graphStats {{ nodeCount }}" for i in range(count)) + " }"


def test_alias_limit(limited: TestClient) -> None:
    at_limit = post(limited, {"query": aliased(MAX_ALIASES)})
    assert at_limit.status_code == 200, at_limit.text
    assert len(at_limit.json()["data"]) == MAX_ALIASES
    too_many = post(limited, {"query": aliased(MAX_ALIASES + 1)})
    assert too_many.status_code == 400
    assert codes(too_many) == ["QUERY_TOO_COMPLEX"]
    # Aliases inside fragments count too.
    fragment = "fragment F on LimitedQuery { " + aliased(MAX_ALIASES + 1)[2:-2] + " } { ...F }"
    assert codes(post(limited, {"query": fragment})) == ["QUERY_TOO_COMPLEX"]


def repeated(count: int) -> str:
    """`count` + 5 tokens: { graphStats { nodeCount ... } }."""
    return "{ graphStats { " + "nodeCount " * count + "} }"


def commented(count: int) -> str:
    """A valid 6-token query after `count` comment lines, which Strawberry's limiter counts as tokens."""
    return "# a comment\n" * count + STATS


def test_token_limit(limited: TestClient) -> None:
    under = post(limited, {"query": commented(MAX_TOKENS - 10)})
    assert under.status_code == 200, under.text
    assert under.json()["data"]["graphStats"]["nodeCount"] > 0
    for query in (commented(MAX_TOKENS), repeated(MAX_TOKENS)):
        over = post(limited, {"query": query})
        assert over.status_code == 400
        assert "data" not in over.json()
        assert codes(over) == ["QUERY_TOO_COMPLEX"]
        assert "tokens" in over.json()["errors"][0]["message"]
    legacy = post(limited, {"query": repeated(MAX_TOKENS)}, accept=JSON)
    assert legacy.status_code == 200
    assert codes(legacy) == ["QUERY_TOO_COMPLEX"]


def test_token_limit_with_the_parse_cache(client: TestClient) -> None:
    # The production schema parses through a cache (ParseOnce); the token limit's error must still
    # be told from a syntax error.
    over = post(client, {"query": repeated(MAX_TOKENS)})
    assert over.status_code == 400
    assert codes(over) == ["QUERY_TOO_COMPLEX"]
    for _ in range(2):
        assert codes(post(client, {"query": "{ graphStats { "})) == ["GRAPHQL_PARSE_FAILED"]


def test_validation_budget_is_a_limit_too(limited: TestClient) -> None:
    # Under the token limit, but a thousand copies of one field exhaust graphql-core's budget for
    # the overlapping-fields check, which aborts validation.
    response = post(limited, {"query": repeated(1000)})
    assert response.status_code == 400
    assert response.json()["errors"][-1]["message"] == "Validation aborted."
    assert codes(response)[-1] == "QUERY_TOO_COMPLEX"
    assert post(limited, {"query": repeated(200)}).status_code == 200


def test_limits_leave_other_errors_and_introspection_alone(limited: TestClient) -> None:
    # Only the limiters' errors are re-coded; other parse and validation errors keep theirs.
    assert codes(post(limited, {"query": "{ nope }"})) == ["GRAPHQL_VALIDATION_FAILED"]
    assert codes(post(limited, {"query": "{ graphStats { "})) == ["GRAPHQL_PARSE_FAILED"]
    # The playground's introspection query is deeper than MAX_DEPTH but must still work.
    introspection = post(limited, {"query": get_introspection_query(descriptions=True)})
    assert introspection.status_code == 200, introspection.text
    assert introspection.json()["data"]["__schema"]["queryType"]["name"] == "LimitedQuery"


# --- errors ------------------------------------------------------------------------------------


UNDEFINED_FRAGMENTS = [
    "{ ...Nope }",
    "{ graphStats { ...Nope } }",
    "{ ...Stats } fragment Stats on Query { graphStats { ...Nope } }",
    "{ ...Stats } fragment Stats on Query { ...Stats }",
]


@pytest.mark.parametrize("query", UNDEFINED_FRAGMENTS)
@pytest.mark.parametrize("app", ["client", "limited"])
def test_an_undefined_fragment_is_a_validation_error(
    request: pytest.FixtureRequest, app: str, query: str
) -> None:
    # Strawberry's depth limiter raises KeyError on a spread of an undefined fragment: that must
    # not come out as the server's fault (500), but as the invalid document it is.
    test_client: TestClient = request.getfixturevalue(app)
    query = query.replace("on Query", "on LimitedQuery") if app == "limited" else query
    response = post(test_client, {"query": query})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == GRJ_CONTENT_TYPE
    assert "data" not in response.json()
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{ span(window: {first: 1, last: "x"}) }', "window"),  # the argument, not the input field
        ("{ span(window: {first: 1}) }", "window"),
        ("{ span(window: {first: 1, last: 2, width: 3}) }", "window"),
        ('{ graphStats @include(if: "yes") { nodeCount } }', "if"),
        ('query ($w: Window = {first: "x", last: 2}) { span(window: $w) }', "w"),  # a default value
    ],
)
def test_a_literal_of_the_wrong_type_is_bad_input_naming_the_argument(
    limited: TestClient, query: str, argument: str
) -> None:
    response = post(limited, {"query": query})
    assert response.status_code == 400
    assert "data" not in response.json()
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}


@pytest.mark.parametrize(
    "variables",
    [{"w": {"first": 1}}, {"w": {"first": 1, "last": "x"}}, {"w": None}, {}],
)
def test_a_variable_that_does_not_coerce_is_bad_input_naming_it(
    limited: TestClient, variables: dict[str, Any]
) -> None:
    response = post(limited, {"query": "query ($w: Window!) { span(window: $w) }", "variables": variables})
    assert response.status_code == 400
    assert "data" not in response.json()
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "w"}
    fine = post(
        limited,
        {"query": "query ($w: Window!) { span(window: $w) }", "variables": {"w": {"first": 1, "last": 3}}},
    )
    assert fine.json() == {"data": {"span": 2}}


def test_other_variable_errors_are_validation_errors(limited: TestClient) -> None:
    # Reported on a variable definition too, but by validation: the document, not the values.
    for query in (
        "query ($w: Window!, $unused: Int) { span(window: $w) }",
        "query ($w: Window!, $w: Window!) { span(window: $w) }",
        "query ($w: Nope!) { span(window: $w) }",
        "query ($w: Int!) { span(window: $w) }",
    ):
        response = post(limited, {"query": query, "variables": {"w": {"first": 1, "last": 3}}})
        assert response.status_code == 400, query
        assert set(codes(response)) == {"GRAPHQL_VALIDATION_FAILED"}, query


class FailingHook(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        raise RuntimeError("secret dsn=bolt://user:pw@host")
        yield  # pragma: no cover - a generator that fails before yielding


def test_an_extension_hook_that_fails_gets_a_code_and_no_details(seeded: Connection) -> None:
    failing = strawberry.Schema(query=LimitedQuery, extensions=[ErrorCodes, FailingHook])
    lifespan = create_app(seeded).router.lifespan_context
    endpoint = GraphQLEndpoint(failing, playground_html=PLAYGROUND_HTML)
    app = Starlette(routes=[Route("/graphql", endpoint, methods=["GET", "POST"])], lifespan=lifespan)
    with TestClient(app) as test_client:
        for accept in (GRJ, JSON):
            response = post(test_client, {"query": "{ __typename }"}, accept)
            assert codes(response) == ["INTERNAL_SERVER_ERROR"]
            assert "secret" not in response.text
            assert response.status_code == (500 if accept == GRJ else 200)


def test_deeply_nested_body_is_400(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        content=b"[" * 100_000,
        headers={"Content-Type": JSON, "Accept": GRJ},
    )
    assert response.status_code == 400
    assert codes(response) == ["BAD_REQUEST"]


def test_cached_validation_still_applies_the_limits_on_every_request(client: TestClient) -> None:
    # The production schema validates each document once (ValidationCache): a repeated request
    # must get the same verdict, limits included, and one text's verdict never another's.
    for _ in range(3):
        too_many = post(client, {"query": aliased(MAX_ALIASES + 1)})
        assert too_many.status_code == 400
        assert codes(too_many) == ["QUERY_TOO_COMPLEX"]
        unknown = post(client, {"query": "{ nope }"})
        assert unknown.status_code == 400
        assert codes(unknown) == ["GRAPHQL_VALIDATION_FAILED"]
        assert post(client, {"query": aliased(MAX_ALIASES)}).status_code == 200
