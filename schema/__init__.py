"""The GraphQL schema: Strawberry types and inputs, the typed context, error handling."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ValidationCache

from schema.caching import ParseOnce
from schema.errors import ErrorCodes
from schema.limits import LIMIT_EXTENSIONS
from schema.query import Query
from schema.types.entities import ENTITY_TYPES

schema = strawberry.Schema(
    query=Query,
    types=ENTITY_TYPES,
    extensions=[
        ErrorCodes,
        *LIMIT_EXTENSIONS,
        # Dashboards repeat the same documents: parse and validate each once per process.
        lambda: ParseOnce(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    ],
)

__all__ = ["schema"]
