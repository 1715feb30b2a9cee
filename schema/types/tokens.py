"""API tokens and roles (schema/auth.py): who a request is, and the tokens an admin can see."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.records import ApiToken as ApiTokenRecord
from schema.types.enums import Role


@strawberry.type(description="The token a request was sent with (never its secret).")
class Viewer:
    name: str
    role: Role

    @classmethod
    def from_record(cls, record: ApiTokenRecord) -> Viewer:
        return cls(name=record.name, role=Role(record.role))


@strawberry.type(description="An API token: its name, role and dates; never its secret or hash.")
class ApiToken:
    name: str
    role: Role
    created: datetime
    revoked: datetime | None = strawberry.field(description="When it was revoked; null while valid.")

    @classmethod
    def from_record(cls, record: ApiTokenRecord) -> ApiToken:
        return cls(
            name=record.name,
            role=Role(record.role),
            created=record.created,
            revoked=record.revoked,
        )
