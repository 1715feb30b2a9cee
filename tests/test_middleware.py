"""The web app's middleware through the real app: body and query-string limits, rate limits, request ids."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import Message

from coopgraph.app import create_app
from coopgraph.limits import Limits
from coopgraph.ratelimit import RateLimiter, client_key
from graph import tokens
from graph.database import Connection
from tests.conftest import run_db

GRJ = "application/graphql-response+json"
STATS = "{ graphStats { nodeCount } }"
LIMIT = 4096
ELSEWHERE = ("203.0.113.7", 40000)  # a client that is not on this machine


@pytest.fixture
def small(seeded: Connection) -> Iterator[TestClient]:
    with TestClient(create_app(seeded, limits=Limits(max_body_bytes=LIMIT)), client=ELSEWHERE) as test_client:
        yield test_client


def padded(size: int) -> bytes:
    """A valid request body of exactly `size` bytes (the padding is a variable nobody reads)."""
    skeleton = json.dumps({"query": STATS, "variables": {"pad": ""}}).encode()
    return json.dumps({"query": STATS, "variables": {"pad": "x" * (size - len(skeleton))}}).encode()


def code(response: Any) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


# --- body and query-string limits -----------------------------------------------------------


def test_a_body_at_the_limit_is_answered(small: TestClient) -> None:
    body = padded(LIMIT)
    assert len(body) == LIMIT
    response = small.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("accept", [GRJ, "application/json"])
def test_a_body_over_the_limit_is_413_before_it_is_read(small: TestClient, accept: str) -> None:
    response = small.post(
        "/graphql", content=padded(LIMIT + 1), headers={"Content-Type": "application/json", "Accept": accept}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].split(";")[0] == accept
    assert response.headers["connection"] == "close"
    assert code(response) == "CONTENT_TOO_LARGE"
    assert f"{LIMIT:,} bytes" in response.json()["errors"][0]["message"]


def test_a_chunked_body_with_no_length_is_counted(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield padded(LIMIT * 3)

    response = small.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert code(response) == "CONTENT_TOO_LARGE"


def asgi_post(client: TestClient, chunks: list[bytes]) -> tuple[list[Message], int]:
    """POST /graphql straight into the app, one ASGI message per chunk and no Content-Length, as a
    server passes a chunked upload on; returns what the app sent and the chunks it left unread."""
    pending: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
        "client": ELSEWHERE,
        "server": ("testserver", 80),
        "state": {},
    }

    async def go() -> None:
        await client.app(scope, receive, send)

    client.portal.call(go)  # type: ignore[union-attr]
    return sent, len(pending)


def test_a_chunked_upload_is_stopped_once_past_the_limit(small: TestClient) -> None:
    body = padded(LIMIT * 4)
    chunks = [body[i : i + 1024] for i in range(0, len(body), 1024)]
    sent, unread = asgi_post(small, chunks)
    assert sent[0]["status"] == 413
    assert unread >= len(chunks) - LIMIT // 1024 - 1, "the rest of the upload is not read"
    under = padded(LIMIT - 100)
    sent, unread = asgi_post(small, [under[:1000], under[1000:]])
    assert sent[0]["status"] == 200
    assert unread == 0


def test_a_long_query_string_is_414(small: TestClient) -> None:
    response = small.get("/graphql", params={"query": STATS + " " * LIMIT}, headers={"Accept": GRJ})
    assert response.status_code == 414
    assert code(response) == "URI_TOO_LONG"
    assert small.get("/graphql", params={"query": STATS}, headers={"Accept": GRJ}).status_code == 200


def test_the_default_body_limit_is_one_mebibyte(client: TestClient) -> None:
    headers = {"Content-Type": "application/json"}
    assert client.post("/graphql", content=padded(1024 * 1024), headers=headers).status_code == 200
    assert client.post("/graphql", content=padded(1024 * 1024 + 1), headers=headers).status_code == 413


# --- rate limits ------------------------------------------------------------------------------


def rate_limited(seeded: Connection, host: str, **limits: Any) -> TestClient:
    return TestClient(
        create_app(seeded, limits=Limits(rate_limit=60, rate_burst=3, **limits)), client=(host, 1)
    )


@pytest.mark.parametrize("accept", [GRJ, "application/json"])
def test_a_client_past_its_rate_gets_429_with_retry_after(seeded: Connection, accept: str) -> None:
    with rate_limited(seeded, ELSEWHERE[0]) as test_client:
        for _ in range(3):
            assert test_client.post("/graphql", json={"query": STATS}).status_code == 200
        refused = test_client.post("/graphql", json={"query": STATS}, headers={"Accept": accept})
        assert refused.status_code == 429
        assert refused.headers["content-type"].split(";")[0] == accept
        assert 1 <= int(refused.headers["retry-after"]) <= 2  # one request a second refills
        assert code(refused) == "TOO_MANY_REQUESTS"
        assert "data" not in refused.json()
        # Probes and the playground's files are not GraphQL requests: never limited.
        assert test_client.get("/healthz").status_code == 200


def test_loopback_clients_are_not_limited_unless_asked(seeded: Connection) -> None:
    with rate_limited(seeded, "127.0.0.1") as local:
        assert all(local.post("/graphql", json={"query": STATS}).status_code == 200 for _ in range(6))
    with rate_limited(seeded, "127.0.0.1", rate_limit_loopback=True) as local:
        codes = [local.post("/graphql", json={"query": STATS}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]


def test_clients_with_tokens_get_their_own_buckets_when_configured(seeded: Connection) -> None:
    # Real tokens: the service refuses made-up ones (401), after the limiter has counted them.
    alice, bob = (
        run_db(
            seeded,
            functools.partial(tokens.create_token, name=f"{name}-{uuid.uuid4().hex[:8]}", role="reader"),
        )[0]
        for name in ("alice", "bob")
    )
    with rate_limited(seeded, ELSEWHERE[0], rate_limit_by="token") as shared_address:

        def status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return shared_address.post("/graphql", json={"query": STATS}, headers=headers).status_code

        assert [status(alice) for _ in range(4)] == [200, 200, 200, 429]
        assert status(bob) == 200
        assert status("cg_made-up") == 401  # a bucket of its own, then refused


def test_buckets_refill_at_the_rate_and_stay_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(per_second=2.0, burst=2, max_clients=100, clock=lambda: now[0])
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.take("a") == 0.0
    for i in range(1000):
        limiter.take(f"client-{i}")
    assert len(limiter) == 100


def test_client_keys() -> None:
    def key(host: str | None, authorization: str | None = None, **options: Any) -> str | None:
        return client_key(host, authorization, **{"by": "address", "loopback": False, **options})

    assert key("127.0.0.1") is None
    assert key("::1") is None
    assert key("::ffff:127.0.0.1") is None
    assert key("127.0.0.1", loopback=True) == "ip:127.0.0.1"
    assert key("::ffff:203.0.113.7") == key("203.0.113.7") == "ip:203.0.113.7"
    # One host usually holds a whole IPv6 /64.
    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::9") != key("2001:db8:1:3::1")
    assert key("203.0.113.7", "Bearer abc") == "ip:203.0.113.7"
    by_token = key("203.0.113.7", "Bearer abc", by="token")
    assert by_token is not None and by_token.startswith("token:") and "abc" not in by_token
    assert key("203.0.113.7", "Basic abc", by="token") == "ip:203.0.113.7"


# --- request ids ------------------------------------------------------------------------------


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    responses = [
        client.get("/healthz"),
        client.post("/graphql", json={"query": STATS}),
        client.post("/graphql", json={"query": "{ nope }"}),
        client.post("/graphql", content=b"nonsense", headers={"Content-Type": "text/plain"}),
        client.get("/no-such-page"),
    ]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(len(i) == 32 for i in ids)
    assert len(set(ids)) == len(ids)


def test_a_sane_incoming_request_id_is_kept(client: TestClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a:42"})
    assert kept.headers["x-request-id"] == "lb-7f3a:42"
    for insane in (b"x" * 129, b"has space", b"<script>", "\u00e9t\u00e9".encode("latin-1")):
        replaced = client.get("/healthz", headers={b"X-Request-Id": insane})
        assert replaced.headers["x-request-id"].encode("latin-1") != insane
        assert len(replaced.headers["x-request-id"]) == 32
