"""The GraphQL schema: Strawberry types and inputs, the typed context, error handling."""

from __future__ import annotations

import strawberry

from schema.errors import ErrorCodes
from schema.query import Query

schema = strawberry.Schema(query=Query, extensions=[ErrorCodes])

__all__ = ["schema"]
