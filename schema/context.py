"""The typed per-request context."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from graph.database import Database


@dataclass
class Context:
    db: Database


Info = StrawberryInfo[Context, None]
