"""Who a request is: its bearer token looked up by hash, with a short cache; the tokens' list."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from graph import tokens
from graph.database import Database
from graph.records import ApiToken
from resolvers.errors import Forbidden, Unauthenticated

# How long a lookup is reused: a revoked token stops working within this many seconds, and a
# token in steady use costs a database round trip this often at most.
TOKEN_CACHE_SECONDS = 5.0
# Lookups kept at most (unknown secrets too, so a flood of made-up tokens does not reach the
# database each time); past this the oldest is forgotten.
TOKEN_CACHE_SIZE = 10_000


class TokenCache:
    """A worker's recent token lookups, keyed by the secret's hash (never the secret).

    A dictionary lookup by hash takes time that depends on the hash, not on how much of a
    secret matches, so it tells an attacker nothing about any stored secret.
    """

    def __init__(
        self,
        ttl: float = TOKEN_CACHE_SECONDS,
        size: int = TOKEN_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, ApiToken | None]] = OrderedDict()

    async def lookup(self, db: Database, secret: str) -> ApiToken | None:
        digest = tokens.hash_secret(secret)
        now = self.clock()
        entry = self._entries.get(digest)
        if entry is not None and entry[0] > now:
            return entry[1]
        found = await tokens.find_token(db, secret)
        self._entries.pop(digest, None)
        self._entries[digest] = (now + self.ttl, found)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return found


def bearer_secret(authorization: str) -> str | None:
    """The token an Authorization header carries: the value of `Bearer <token>`, or a bare
    `cg_…` token; None for another scheme (`Basic …` from a proxy that checks passwords in front
    of the service is not meant for it). "" when the header tries to carry a token and fails."""
    value = authorization.strip()
    if value.startswith(tokens.PREFIX):
        return ""  # a token without its scheme
    scheme, _, secret = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    secret = secret.strip()
    return "" if not secret or " " in secret else secret


async def authenticate(db: Database, cache: TokenCache, authorization: str | None) -> ApiToken | None:
    """The request's token; None when it sends none. Unauthenticated for a malformed bearer
    header or a token that is unknown or revoked: a client that sends a token is told it failed
    rather than served as anonymous."""
    secret = None if authorization is None else bearer_secret(authorization)
    if secret is None:
        return None
    if not secret:
        raise Unauthenticated("The Authorization header must be `Bearer <token>`.")
    found = await cache.lookup(db, secret)
    if found is None or found.revoked is not None:
        raise Unauthenticated("The bearer token is not valid (unknown or revoked).")
    return found


def require(viewer: ApiToken | None, role: str) -> ApiToken:
    """The viewer, if its role is `role` or above: Unauthenticated without a token, Forbidden
    with one whose role is lower."""
    if viewer is None:
        raise Unauthenticated(f"This needs a bearer token with the {role} role or above.")
    if not viewer.allows(role):
        raise Forbidden(f"This needs the {role} role or above; the token {viewer.name!r} is a {viewer.role}.")
    return viewer


async def api_tokens(db: Database) -> list[ApiToken]:
    return await tokens.list_tokens(db)


__all__ = ["TokenCache", "api_tokens", "authenticate", "bearer_secret", "require"]
