"""API tokens: (:ApiToken {name, role, hash, created, revoked}), kept in the graph so that they
travel with the database and its backups. Only the hash of a token's secret is stored."""

from typing import Final

# A new token, unless one of that name exists (revoked ones too: a name is never reused, so the
# history of what a name did stays unambiguous). `stored` is the hash now under that name: the
# caller's own when it created the token.
CREATE: Final = (
    "MERGE (t:ApiToken {name: $name}) "
    "ON CREATE SET t.role = $role, t.hash = $hash, t.created = $created "
    "RETURN t.hash AS stored"
)

# Revoke by name (the first revocation's time stays); nothing when no such token.
REVOKE: Final = (
    "MATCH (t:ApiToken {name: $name}) "
    "SET t.revoked = coalesce(t.revoked, $revoked) "
    "RETURN t.name AS name, t.role AS role, t.created AS created, t.revoked AS revoked"
)

# Every token's public side, oldest first; never the hash.
LIST: Final = (
    "MATCH (t:ApiToken) "
    "RETURN t.name AS name, t.role AS role, t.created AS created, t.revoked AS revoked "
    "ORDER BY t.created, t.name"
)

# The token with this hash (unique: constraint api_token_hash), for a request's bearer token.
BY_HASH: Final = (
    "MATCH (t:ApiToken {hash: $hash}) "
    "RETURN t.name AS name, t.role AS role, t.created AS created, t.revoked AS revoked, t.hash AS hash"
)
