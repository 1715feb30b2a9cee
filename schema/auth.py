"""Roles on fields: `require(info, "curator")` in a resolver, or a permission class on the field
(`permission_classes=[CuratorOnly]`). No token: UNAUTHENTICATED (HTTP 401); a token whose role is
too low: FORBIDDEN (403). Who the request is was settled by schema/http.py before execution."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission

from graph.records import ApiToken
from resolvers.tokens import require as require_role
from schema.context import Info


def require(info: Info, role: str) -> ApiToken:
    """The request's token if its role is `role` or above; raises otherwise (see the module)."""
    return require_role(info.context.viewer, role)


class _RoleRequired(BasePermission):
    role: ClassVar[str]

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        # Raises with the right code rather than returning False (Strawberry's own error has none).
        require(info, self.role)
        return True


class ReaderOnly(_RoleRequired):
    role = "reader"


class CuratorOnly(_RoleRequired):
    role = "curator"


class AdminOnly(_RoleRequired):
    role = "admin"


__all__ = ["AdminOnly", "CuratorOnly", "ReaderOnly", "require"]
