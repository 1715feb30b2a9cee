"""Bearer tokens and roles through the real HTTP app and store: 401 and 403 under both media
types, reads open by default and closed by COOPGRAPH_READS_NEED_TOKEN, revocation, logs."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from coopgraph.app import create_app
from coopgraph.limits import Limits
from coopgraph.ratelimit import client_key
from coopgraph.settings import load_settings
from graph import tokens
from graph.database import Connection
from graph.environment import ConfigError
from resolvers.tokens import TOKEN_CACHE_SECONDS
from tests.conftest import run_db
from tests.services import clean_env

GRJ = "application/graphql-response+json"
JSON = "application/json"
MEDIA_TYPES = [GRJ, JSON]
STATS = "{ graphStats { nodeCount } }"
VIEWER = "{ viewer { name role } }"
TOKENS = "{ apiTokens { name role created revoked } }"


def new_token(conn: Connection, role: str) -> tuple[str, str]:
    """A fresh token of `role` in the session's store: (name, secret)."""
    name = f"test-{role}-{uuid.uuid4().hex[:8]}"
    secret, _ = run_db(conn, lambda db: tokens.create_token(db, name, role))
    return name, secret


@pytest.fixture(scope="module")
def secrets_by_role(seeded: Connection) -> dict[str, tuple[str, str]]:
    return {role: new_token(seeded, role) for role in ("reader", "curator", "admin")}


@pytest.fixture
def closed(seeded: Connection) -> Iterator[TestClient]:
    """The app with COOPGRAPH_READS_NEED_TOKEN=1."""
    with TestClient(create_app(seeded, limits=Limits(reads_need_token=True))) as test_client:
        yield test_client


def post(
    client: TestClient, query: str, *, secret: str | None = None, accept: str = GRJ, auth: str | None = None
) -> Any:
    headers = {"Accept": accept}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    if auth is not None:
        headers["Authorization"] = auth
    return client.post("/graphql", json={"query": query}, headers=headers)


def codes(response: Any) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


def assert_unauthenticated(response: Any, accept: str) -> None:
    assert response.status_code == 401, response.text
    assert codes(response) == ["UNAUTHENTICATED"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith(accept)


def test_reads_are_open_by_default(client: TestClient) -> None:
    response = post(client, "{ graphStats { nodeCount } viewer { name } }")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"] is None
    assert response.json()["data"]["graphStats"]["nodeCount"] > 0


def test_viewer_names_the_token(client: TestClient, secrets_by_role: dict[str, tuple[str, str]]) -> None:
    for role, (name, secret) in secrets_by_role.items():
        response = post(client, VIEWER, secret=secret)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["viewer"] == {"name": name, "role": role.upper()}


@pytest.mark.parametrize("accept", MEDIA_TYPES)
@pytest.mark.parametrize(
    "auth", ["Bearer cg_not-a-real-token", "Bearer ", "bearer", "cg_no-scheme", "Bearer a b"]
)
def test_a_bad_token_is_401_even_where_reads_are_open(client: TestClient, accept: str, auth: str) -> None:
    response = post(client, STATS, accept=accept, auth=auth)
    assert_unauthenticated(response, accept)
    assert "data" not in response.json()


def test_other_schemes_are_not_tokens(client: TestClient, closed: TestClient) -> None:
    # A proxy that checks passwords in front of the service may pass its header on.
    basic = "Basic dXNlcjpwYXNz"
    assert post(client, STATS, auth=basic).status_code == 200
    assert post(client, VIEWER, auth=basic).json()["data"]["viewer"] is None
    assert_unauthenticated(post(closed, STATS, auth=basic), GRJ)


@pytest.mark.parametrize("accept", MEDIA_TYPES)
def test_admin_field_without_a_token_is_401(client: TestClient, accept: str) -> None:
    response = post(client, TOKENS, accept=accept)
    assert_unauthenticated(response, accept)
    assert response.json()["data"] is None


@pytest.mark.parametrize("accept", MEDIA_TYPES)
@pytest.mark.parametrize("role", ["reader", "curator"])
def test_admin_field_with_a_lower_role_is_403(
    client: TestClient, secrets_by_role: dict[str, tuple[str, str]], accept: str, role: str
) -> None:
    response = post(client, TOKENS, secret=secrets_by_role[role][1], accept=accept)
    assert response.status_code == 403, response.text
    assert codes(response) == ["FORBIDDEN"]
    assert response.headers["content-type"].startswith(accept)
    assert response.json()["data"] is None
    assert role in response.json()["errors"][0]["message"]


def test_admins_list_the_tokens_without_secrets_or_hashes(
    client: TestClient, secrets_by_role: dict[str, tuple[str, str]]
) -> None:
    response = post(client, TOKENS, secret=secrets_by_role["admin"][1])
    assert response.status_code == 200, response.text
    listed = {t["name"]: t for t in response.json()["data"]["apiTokens"]}
    for role, (name, secret) in secrets_by_role.items():
        assert listed[name]["role"] == role.upper()
        assert listed[name]["revoked"] is None
        assert secret not in response.text
        assert tokens.hash_secret(secret) not in response.text
    asked_for_hash = post(client, "{ apiTokens { name hash } }", secret=secrets_by_role["admin"][1])
    assert asked_for_hash.status_code == 400
    assert codes(asked_for_hash) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize("accept", MEDIA_TYPES)
def test_reads_need_a_token_when_configured(
    closed: TestClient, secrets_by_role: dict[str, tuple[str, str]], accept: str
) -> None:
    assert_unauthenticated(post(closed, STATS, accept=accept), accept)
    over_get = closed.get("/graphql", params={"query": STATS}, headers={"Accept": accept})
    assert_unauthenticated(over_get, accept)
    for _name, secret in secrets_by_role.values():
        response = post(closed, STATS, secret=secret, accept=accept)
        assert response.status_code == 200, response.text
    # Roles above reading still apply.
    forbidden = post(closed, TOKENS, secret=secrets_by_role["reader"][1], accept=accept)
    assert forbidden.status_code == 403
    # The playground's page is not a GraphQL request: anyone may load it, then send a token.
    page = closed.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_revocation_takes_effect_within_the_cache_time(client: TestClient, seeded: Connection) -> None:
    name, secret = new_token(seeded, "reader")
    assert post(client, VIEWER, secret=secret).status_code == 200
    run_db(seeded, lambda db: tokens.revoke_token(db, name))
    began = time.monotonic()
    while post(client, VIEWER, secret=secret).status_code == 200:
        assert time.monotonic() - began < TOKEN_CACHE_SECONDS + 2, "revoked token still accepted"
        time.sleep(0.2)
    assert_unauthenticated(post(client, VIEWER, secret=secret), GRJ)


def test_a_token_in_use_costs_no_round_trip(client: TestClient, seeded: Connection) -> None:
    _, secret = new_token(seeded, "reader")
    db = client.app.state.db  # type: ignore[attr-defined]
    assert post(client, VIEWER, secret=secret).status_code == 200
    before = db.round_trips
    for _ in range(3):
        assert post(client, VIEWER, secret=secret).status_code == 200
    assert db.round_trips == before


def test_tokens_and_hashes_never_reach_the_logs(
    client: TestClient,
    secrets_by_role: dict[str, tuple[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="coopgraph")
    caplog.set_level(logging.INFO)
    bad = "cg_" + "z" * 43
    sent = [secret for _, secret in secrets_by_role.values()] + [bad]
    for secret in sent:
        post(client, STATS, secret=secret)
        post(client, TOKENS, secret=secret)
        post(client, "{ nope }", secret=secret)
    post(client, TOKENS)
    assert "UNAUTHENTICATED" in caplog.text and "FORBIDDEN" in caplog.text  # the errors were logged
    for secret in sent:
        assert secret not in caplog.text
        assert tokens.hash_secret(secret) not in caplog.text


def test_the_rate_limiter_keys_on_a_digest_of_the_token() -> None:
    secret = tokens.new_secret()
    key = client_key("10.0.0.1", f"Bearer {secret}", by="token", loopback=False)
    assert key is not None and key.startswith("token:")
    assert secret not in key and secret[3:] not in key
    assert key != client_key("10.0.0.1", f"Bearer {tokens.new_secret()}", by="token", loopback=False)


def test_the_setting_is_validated() -> None:
    assert not load_settings({}).limits.reads_need_token
    assert load_settings({"COOPGRAPH_READS_NEED_TOKEN": "1"}).limits.reads_need_token
    with pytest.raises(ConfigError, match="COOPGRAPH_READS_NEED_TOKEN"):
        load_settings({"COOPGRAPH_READS_NEED_TOKEN": "sometimes"})
    done = subprocess.run(
        [sys.executable, "-m", "coopgraph", "token", "list"],
        env=clean_env(COOPGRAPH_READS_NEED_TOKEN="sometimes"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "COOPGRAPH_READS_NEED_TOKEN='sometimes'" in done.stderr
