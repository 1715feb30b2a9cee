"""API tokens in the graph (graph/tokens.py) and on the command line (`coopgraph token`), on a
store of their own that `load --reset` and `synth` run against."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from graph import tokens
from graph.database import Database
from graph.records import ROLES, ApiToken
from tests.conftest import run_db
from tests.services import CliStore, coopgraph_command, seeded_cli_store

Store = CliStore


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with seeded_cli_store(tmp_path_factory.mktemp("tokens")) as running:
        yield running


def coopgraph(store: Store, *args: str) -> subprocess.CompletedProcess[str]:
    return coopgraph_command(store, *args, timeout=300)


def create(store: Store, name: str, role: str) -> str:
    secret, _ = run_db(store.conn, lambda db: tokens.create_token(db, name, role))
    return secret


def find(store: Store, secret: str) -> ApiToken | None:
    return run_db(store.conn, lambda db: tokens.find_token(db, secret))


def listed(store: Store) -> dict[str, ApiToken]:
    return {t.name: t for t in run_db(store.conn, tokens.list_tokens)}


def stored_props(store: Store, name: str) -> dict[str, object]:
    async def work(db: Database) -> dict[str, object]:
        rows = await db.read("MATCH (t:ApiToken {name: $name}) RETURN properties(t) AS p", {"name": name})
        props: dict[str, object] = rows[0]["p"]
        return props

    return run_db(store.conn, work)


def test_create_find_list_and_revoke(store: Store) -> None:
    secret, token = run_db(store.conn, lambda db: tokens.create_token(db, "harvester", "curator"))
    assert secret.startswith(tokens.PREFIX)
    assert len(secret) >= len(tokens.PREFIX) + 43  # 256 random bits, URL-safe
    assert (token.name, token.role, token.revoked) == ("harvester", "curator", None)
    assert find(store, secret) == token
    assert find(store, secret + "x") is None
    assert find(store, tokens.new_secret()) is None
    assert listed(store)["harvester"] == token

    revoked = run_db(store.conn, lambda db: tokens.revoke_token(db, "harvester"))
    assert revoked.revoked is not None
    found = find(store, secret)
    assert found is not None and found.revoked == revoked.revoked  # found, and known to be revoked
    again = run_db(store.conn, lambda db: tokens.revoke_token(db, "harvester"))
    assert again.revoked == revoked.revoked  # the first revocation's time stays


def test_only_the_hash_is_stored(store: Store) -> None:
    secret = create(store, "hash-only", "reader")
    props = stored_props(store, "hash-only")
    assert props["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(value) for value in props.values()}
    assert str(props["hash"]) not in repr(listed(store)["hash-only"])


def test_names_are_unique_and_never_reused(store: Store) -> None:
    create(store, "once", "reader")
    with pytest.raises(tokens.TokenError, match="exists already"):
        create(store, "once", "admin")
    run_db(store.conn, lambda db: tokens.revoke_token(db, "once"))
    with pytest.raises(tokens.TokenError, match="exists already"):
        create(store, "once", "reader")
    assert listed(store)["once"].role == "reader"


@pytest.mark.parametrize(
    ("name", "role"), [("x", "owner"), ("x", "Admin"), ("", "reader"), ("a\nb", "reader")]
)
def test_bad_names_and_roles_are_refused(store: Store, name: str, role: str) -> None:
    with pytest.raises(tokens.TokenError):
        create(store, name, role)


def test_revoking_an_unknown_token_is_an_error(store: Store) -> None:
    with pytest.raises(tokens.TokenError, match="no token named"):
        run_db(store.conn, lambda db: tokens.revoke_token(db, "nobody"))


def test_roles_are_ordered() -> None:
    assert ROLES == ("reader", "curator", "admin")
    admin = ApiToken("a", "admin", datetime(2026, 1, 1, tzinfo=UTC))
    reader = ApiToken("r", "reader", datetime(2026, 1, 1, tzinfo=UTC))
    assert all(admin.allows(role) for role in ROLES)
    assert reader.allows("reader")
    assert not reader.allows("curator")
    assert not reader.allows("owner")


def test_cli_creates_lists_and_revokes(store: Store) -> None:
    done = coopgraph(store, "token", "create", "--role", "curator", "--name", "cli-curator")
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip()
    assert secret.startswith(tokens.PREFIX) and "\n" not in secret  # the secret alone on stdout
    assert secret not in done.stderr
    assert "cli-curator" in done.stderr and "only time" in done.stderr
    found = find(store, secret)
    assert found is not None and found.role == "curator"

    shown = coopgraph(store, "token", "list")
    assert shown.returncode == 0, shown.stderr
    row = next(line for line in shown.stdout.splitlines() if line.startswith("cli-curator "))
    assert row.split()[1:] == ["curator", tokens.stamp(found.created), "-"]
    digest = tokens.hash_secret(secret)
    for output in (shown.stdout, shown.stderr):
        assert secret not in output and digest not in output

    revoked = coopgraph(store, "token", "revoke", "cli-curator")
    assert revoked.returncode == 0, revoked.stderr
    found = find(store, secret)
    assert found is not None and found.revoked is not None
    lines = coopgraph(store, "token", "list").stdout.splitlines()
    row = next(line for line in lines if line.startswith("cli-curator "))
    assert row.split()[-1] == tokens.stamp(found.revoked)


def test_cli_errors_exit_2(store: Store) -> None:
    create(store, "taken", "reader")
    duplicate = coopgraph(store, "token", "create", "--role", "reader", "--name", "taken")
    assert duplicate.returncode == 2
    assert "exists already" in duplicate.stderr and duplicate.stdout == ""
    unknown = coopgraph(store, "token", "revoke", "nobody")
    assert unknown.returncode == 2 and "no token named 'nobody'" in unknown.stderr
    bad_role = coopgraph(store, "token", "create", "--role", "owner", "--name", "x")
    assert bad_role.returncode == 2 and "--role" in bad_role.stderr


def test_maintenance_keeps_the_tokens(store: Store) -> None:
    secret = create(store, "survivor", "admin")
    revoked_secret = create(store, "revoked-survivor", "reader")
    run_db(store.conn, lambda db: tokens.revoke_token(db, "revoked-survivor"))
    before = listed(store)
    for args in (["synth", "--actors", "100", "--seed", "3"], ["load", "--reset"], ["synth", "--remove"]):
        done = coopgraph(store, *args)
        assert done.returncode == 0, done.stderr
        assert listed(store) == before, args
    found = find(store, secret)
    assert found is not None and found.revoked is None
    revoked = find(store, revoked_secret)
    assert revoked is not None and revoked.revoked is not None
