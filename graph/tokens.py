"""API tokens: created (the secret shown once), revoked, listed, and found by a secret's hash.

A token's secret is ``cg_`` and 43 URL-safe characters from `secrets.token_urlsafe(32)` (256
random bits). The graph keeps only its SHA-256: a slow, salted password hash guards secrets that
people choose and can be guessed; against 256 random bits a single fast hash is as strong as
brute force allows, and it lets a request find its token with one indexed lookup (a salted hash
could not be looked up). Nothing here logs a secret or a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from graph.cypher import tokens as cypher
from graph.database import Database
from graph.records import ROLES, ApiToken

# Makes a token recognisable (in a config file, a secret scanner's rules); not a secret.
PREFIX = "cg_"
NAME_MAX = 100


class TokenError(ValueError):
    """A token cannot be created or revoked as asked (the message says why)."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def stamp(when: datetime) -> str:
    """A token's time as stored and as the command line shows it: ISO 8601, UTC, to the second."""
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when  # naive: taken as UTC
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise TokenError(f"a token's name must be 1 to {NAME_MAX} printable characters, got {name!r}")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise TokenError(f"a token's role must be one of {', '.join(ROLES)}, got {role!r}")
    return role


async def create_token(db: Database, name: str, role: str) -> tuple[str, ApiToken]:
    """A new token: its secret (to show once; it is not stored) and its public side."""
    name, role = check_name(name), check_role(role)
    secret = new_secret()
    digest = hash_secret(secret)
    created = _now()
    rows = await db.write(
        cypher.CREATE, {"name": name, "role": role, "hash": digest, "created": stamp(created)}
    )
    stored = str(rows[0]["stored"]) if rows else ""
    if not hmac.compare_digest(stored, digest):
        raise TokenError(f"a token named {name!r} exists already (names are not reused, revoked or not)")
    return secret, ApiToken(name=name, role=role, created=created)


async def revoke_token(db: Database, name: str) -> ApiToken:
    """Revoke a token by name (again: no change); TokenError when there is none."""
    rows = await db.write(cypher.REVOKE, {"name": name, "revoked": stamp(_now())})
    if not rows:
        raise TokenError(f"no token named {name!r}")
    return ApiToken.from_props(rows[0])


async def list_tokens(db: Database) -> list[ApiToken]:
    return [ApiToken.from_props(row) for row in await db.read(cypher.LIST)]


async def find_token(db: Database, secret: str) -> ApiToken | None:
    """The token whose secret this is, revoked ones included (the caller decides); None if none."""
    digest = hash_secret(secret)
    rows = await db.read(cypher.BY_HASH, {"hash": digest})
    # The lookup is by hash, so what it compares leaks nothing about the secret; the comparison
    # here is constant-time all the same, so that no code path compares a secret's hash naively.
    for row in rows:
        if hmac.compare_digest(str(row["hash"]), digest):
            return ApiToken.from_props(row)
    return None


__all__ = ["PREFIX", "TokenError", "create_token", "find_token", "hash_secret", "list_tokens", "revoke_token"]
