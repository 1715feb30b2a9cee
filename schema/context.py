"""The typed per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from graph.records import ApiToken
from resolvers import Database
from resolvers.cache import VersionedCache
from schema.loaders import Loaders


@dataclass
class Context:
    db: Database
    loaders: Loaders
    cache: VersionedCache
    # What one operation may cost (schema.cost); None: the default budget, schema.cost.MAX_COST.
    max_cost: int | None = None
    # The request's bearer token (schema/http.py authenticates it); None: anonymous.
    viewer: ApiToken | None = None


Info = StrawberryInfo[Context, None]
