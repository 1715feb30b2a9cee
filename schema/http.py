"""GraphQL over HTTP: the Strawberry ASGI view with the project's context and offline playground."""

from __future__ import annotations

from pathlib import Path

import strawberry.asgi
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.schema import BaseSchema

from schema.context import Context


class GraphQLEndpoint(strawberry.asgi.GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, *, playground_html: Path) -> None:
        super().__init__(schema)
        self.playground_html = playground_html

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(db=request.app.state.db)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.playground_html.read_text(encoding="utf-8"))
