"""GraphQL over HTTP: the Strawberry ASGI view with the project's context and offline playground.

The view follows the GraphQL-over-HTTP specification (graphql/graphql-over-http,
spec/GraphQLOverHTTP.md, stage 2 draft). Every request takes Strawberry's own request path
(``run``); the endpoint only overrides the view's public hooks (``get_context``,
``get_sub_response``, ``parse_http_body``, ``process_result``, ``create_response``,
``render_graphql_ide``, ``request_adapter_class``) and wraps ``__call__`` to answer request-level
HTTP errors as GraphQL responses. These hooks' signatures change between Strawberry's minor
releases, hence the version range in pyproject.toml.

* Response media type from the Accept header ("Body" section): the highest-q supported type,
  ties going to the earlier-listed one, then to application/graphql-response+json. An Accept
  header with no supported type gets 406 (the RECOMMENDED option). A missing Accept header is
  treated as ``Accept: application/graphql-response+json``: the "Legacy watershed" paragraph
  says so from 2025-01-01T00:00:00Z (application/json was the default only before that date).
* application/graphql-response+json: a response with a {data} entry (even null, even with field
  errors) is 200; one without it (parse, validation or other request errors) is 4xx/5xx, 400
  unless the error is the server's own fault ("Status Codes").
* application/json (legacy clients): 200 for every well-formed request, whatever the errors.
* Requests that are not well-formed GraphQL-over-HTTP requests (bad JSON, not an object, missing
  or mistyped parameters) are 400 with either media type; a POST whose Content-Type is missing or
  not JSON is 415; a mutation over GET is 405 with ``Allow: POST`` ("GET" section).
* A request that runs out of its time budget is 504 with either media type, code TIMEOUT: its
  work is cancelled (the resolvers' tasks, and with them the database sessions they hold), so a
  request never holds the worker longer than the budget. Like the limits the web app applies
  before a request gets here (body size 413, rate 429: coopgraph.middleware), it is an HTTP-level
  failure, not a GraphQL answer.

* Authentication (schema/auth.py, resolvers/tokens.py): a request's ``Authorization: Bearer``
  token is looked up before the operation runs. A malformed header, an unknown or revoked token,
  or no token when the service needs one for reads, is 401 UNAUTHENTICATED with
  ``WWW-Authenticate: Bearer``; a field that needs a role the request lacks makes the response
  401 (no token) or 403 FORBIDDEN (a lower role), with either media type.

Every error body is a GraphQL response whose errors carry ``extensions.code``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

import strawberry.asgi
from cross_web import AsyncHTTPRequestAdapter, HTTPException, StarletteRequestAdapter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from graph.errors import StoreUnavailable
from graph.records import ApiToken
from resolvers.errors import Unauthenticated
from resolvers.tokens import TokenCache, authenticate
from schema.context import Context
from schema.errors import REQUEST_ID, TIMEOUT, classify
from schema.loaders import Loaders
from schema.operation_name import OPERATION_NAMED

log = logging.getLogger("coopgraph.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
# In the server's order of preference, for Accept ranges that match both equally (*/*, application/*).
RESPONSE_MEDIA_TYPES = (GRAPHQL_RESPONSE_JSON, JSON)
# A request error the server caused, not the client: 5xx rather than 400 under graphql-response+json.
SERVER_ERROR_STATUS = {"INTERNAL_SERVER_ERROR": 500, "SERVICE_UNAVAILABLE": 503, TIMEOUT: 504}
# Credentials: the same status under either media type, whether the request ran or not.
AUTH_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403}
# RFC 6750 section 3: a 401 names the scheme the client should use.
WWW_AUTHENTICATE = 'Bearer realm="coopgraph"'


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, in header order."""
    ranges: list[tuple[str, float]] = []
    for item in accept.split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when no supported type is acceptable."""
    if accept is None or not accept.strip():
        # GraphQL-over-HTTP, "Legacy watershed": from 2025-01-01T00:00:00Z, with no Accept header
        # the server SHOULD treat the request as if it had Accept: application/graphql-response+json.
        return GRAPHQL_RESPONSE_JSON
    ranges = _media_ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for preference, media_type in enumerate(RESPONSE_MEDIA_TYPES):
        kind = media_type.split("/")[0]
        # The most specific matching range decides the quality (RFC 9110 section 12.5.1).
        match: tuple[int, float, int] | None = None
        for position, (media, quality) in enumerate(ranges):
            specificity = (
                3 if media == media_type else 2 if media == f"{kind}/*" else 1 if media == "*/*" else 0
            )
            if specificity and (match is None or specificity > match[0]):
                match = (specificity, quality, position)
        if match is None or match[1] <= 0:
            continue
        _, quality, position = match
        rank = (quality, -position, -preference)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return chosen


def content_type_header(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type == GRAPHQL_RESPONSE_JSON else media_type


def error_body(message: str, code: str, **extensions: object) -> dict[str, list[dict[str, Any]]]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def error_response(
    status: int,
    code: str,
    message: str,
    accept: str | None,
    *,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, object] | None = None,
) -> Response:
    """An HTTP-level error as a GraphQL response with no {data} entry, in the media type the
    Accept header asks for (application/json when it asks for none we serve)."""
    media_type = negotiate(accept) or JSON
    return Response(
        json.dumps(error_body(message, code, **(extensions or {})), separators=(",", ":")),
        status_code=status,
        headers={"Vary": "Accept", **(headers or {})},
        media_type=content_type_header(media_type),
    )


def is_request_error(result: ExecutionResult) -> bool:
    """True when the operation never ran, so the GraphQL response must have no {data} entry.

    Such a result (a parse or validation failure, a variable that does not coerce, a failed
    extension hook) has data null and only errors that, unlike field errors, have no path.
    """
    return result.data is None and bool(result.errors) and all(e.path is None for e in result.errors or ())


def json_body(content_type: str | None, body: bytes | str, decode: Callable[[str], object]) -> object:
    """A POST body's JSON: 415 unless sent as application/json in UTF-8, 400 unless it is an
    object (one operation) or a list (a batch)."""
    media_type, params = parse_content_type(content_type or "")
    if media_type.lower() != JSON or params.get("charset", "utf-8").lower() not in {"utf-8", "utf8"}:
        raise HTTPException(415, "A GraphQL POST body must be sent as application/json (UTF-8).")
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise HTTPException(400, "The request body is not valid UTF-8.") from exc
    try:
        parsed = decode(text)
    except ValueError as exc:
        raise HTTPException(400, "Unable to parse request body as JSON") from exc
    except RecursionError as exc:  # json gives up on deep nesting this way, not with a ValueError
        raise HTTPException(400, "The request body is nested too deeply.") from exc
    if not isinstance(parsed, dict | list):
        raise HTTPException(400, "The request body must be a JSON object.")
    return parsed


class _RequestAdapter(StarletteRequestAdapter):
    """Media types are case-insensitive (RFC 9110 section 8.3.1); Strawberry compares them as given."""

    @property
    def content_type(self) -> str | None:
        value = super().content_type
        if value is None:
            return None
        media_type, separator, params = value.partition(";")
        return media_type.strip().lower() + separator + params


class _SubResponse(Response):
    """Strawberry's per-request sub-response, carrying the negotiated response media type."""

    def __init__(self, response_media_type: str) -> None:
        super().__init__()
        self.response_media_type = response_media_type


class GraphQLEndpoint(strawberry.asgi.GraphQL[Context, None]):
    """The GraphQL view. `max_cost` is what one operation may cost (schema.cost; None: the default
    budget), `time_budget` the seconds a request may take (None: no bound)."""

    request_adapter_class = _RequestAdapter

    def __init__(
        self,
        schema: BaseSchema,
        *,
        playground_html: Path,
        max_cost: int | None = None,
        time_budget: float | None = None,
        reads_need_token: bool = False,
    ) -> None:
        # No subscription protocols: the schema has no subscriptions, and every answer is one
        # JSON document (ErrorCodes relies on that).
        super().__init__(schema, subscription_protocols=())
        self.playground_html = playground_html
        self.max_cost = max_cost
        self.time_budget = time_budget
        self.reads_need_token = reads_need_token

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        db = request.app.state.db
        context = Context(db=db, loaders=Loaders(db), cache=request.app.state.cache, max_cost=self.max_cost)
        if isinstance(request, Request) and not self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            # The playground's page is not a GraphQL request: it is served to anyone.
            context.viewer = await self.authenticate(request)
        return context

    async def authenticate(self, request: Request) -> ApiToken | None:
        """The request's token, or None (anonymous); Unauthenticated as the module says."""
        cache: TokenCache = request.app.state.tokens
        try:
            viewer = await authenticate(request.app.state.db, cache, request.headers.get("authorization"))
        except StoreUnavailable as exc:
            raise HTTPException(503, "The graph database is not available; try again shortly.") from exc
        if viewer is None and self.reads_need_token:
            raise Unauthenticated("This service needs a bearer token (Authorization: Bearer <token>).")
        return viewer

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self.playground_html.read_text(encoding="utf-8"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None and not self.should_render_graphql_ide(self.request_adapter_class(request)):
            response = self.error_response(
                HTTPException(406, f"Acceptable response media types: {', '.join(RESPONSE_MEDIA_TYPES)}."),
                JSON,
            )
        else:
            budget = asyncio.timeout(self.time_budget)
            try:
                async with budget:
                    response = await self.run(request)
            except HTTPException as exc:
                response = self.error_response(exc, media_type or JSON, method=request.method)
            except Unauthenticated as exc:
                response = self.unauthenticated_response(exc, request)
            except TimeoutError:
                if not budget.expired():
                    raise  # not ours
                response = self.timeout_response(request)
        await response(scope, receive, send)

    def unauthenticated_response(self, exc: Unauthenticated, request: Request) -> Response:
        """401 UNAUTHENTICATED before the operation ran. The log line names neither the token
        nor its hash."""
        log.info("request %s: client error UNAUTHENTICATED: %s", REQUEST_ID.get() or "-", exc.message)
        return error_response(
            401,
            "UNAUTHENTICATED",
            exc.message,
            request.headers.get("accept"),
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        )

    def timeout_response(self, request: Request) -> Response:
        """504 TIMEOUT: the request's work was cancelled when its time budget ran out."""
        request_id = REQUEST_ID.get()
        log.error(
            "request %s: %s %s timed out after %g s; its work was cancelled",
            request_id or "-",
            request.method,
            request.url.path,
            self.time_budget,
        )
        return error_response(
            504,
            TIMEOUT,
            f"The request took longer than the service allows ({self.time_budget:g} s) and was "
            "stopped; narrow it (fewer results, fewer hops, a smaller network, a period).",
            request.headers.get("accept"),
            extensions={"requestId": request_id} if request_id else None,
        )

    def error_response(self, exc: HTTPException, media_type: str, *, method: str = "") -> Response:
        """A request-level error as a GraphQL response with no {data} entry."""
        status = exc.status_code
        headers = {"Vary": "Accept"}
        if isinstance(exc.__cause__, InvalidOperationTypeError) and method == "GET":
            # GraphQL-over-HTTP, "GET": a mutation over GET MUST get 405 (Strawberry says 400).
            status = 405
        if status == 405:
            headers["Allow"] = "POST" if method == "GET" else "GET, POST"
        if status == 503:
            headers["Retry-After"] = "2"
        code = HTTPStatus(status).name
        log.info("request %s: client error %s: %s", REQUEST_ID.get() or "-", code, exc.reason)
        body = error_body(exc.reason, code)
        return Response(
            self.encode_json(body),
            status_code=status,
            headers=headers,
            media_type=content_type_header(media_type),
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = _SubResponse(negotiate(request.headers.get("accept")) or JSON)
        sub_response.status_code = None  # type: ignore[assignment]  # unset, as in Strawberry
        del sub_response.headers["content-length"]
        return sub_response

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            await self.check_post_body(request)
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            operation_name: object = data.operation_name
            if not isinstance(operation_name, str | None):
                raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null.")
            if operation_name == "":
                data.operation_name = None  # "GET": an empty operationName is the same as none
            OPERATION_NAMED.set(data.operation_name is not None)
        return data

    async def check_post_body(self, request: AsyncHTTPRequestAdapter) -> None:
        """415 for a body that is not JSON in UTF-8, 400 for JSON that is not a request object."""
        content_type, _ = parse_content_type(request.content_type or "")
        if self.multipart_uploads_enabled and content_type == "multipart/form-data":
            return
        json_body(request.content_type, await request.get_body(), self.decode_json)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            # ErrorCodes classifies when the operation ends; an error raised by an extension
            # hook ends it early and arrives here uncoded (and unmasked). Classifying is
            # idempotent, so the errors ErrorCodes saw pass through unchanged.
            result.errors = [classify(error) for error in result.errors]
        response = await super().process_result(request, result)
        if is_request_error(result):
            # GraphQL spec, "Response Format": if an error was raised before execution began,
            # the data entry should not be present in the result.
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.response_media_type if isinstance(sub_response, _SubResponse) else JSON
        response.headers["content-type"] = content_type_header(media_type)
        response.headers["vary"] = "Accept"
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and not sub_response.status_code
            and isinstance(response_data, dict)
            and "data" not in response_data
        ):
            response.status_code = request_error_status(response_data.get("errors") or [])
        elif isinstance(response_data, dict) and unavailable(response_data.get("errors")):
            # The database went away: 503 under either media type, so that clients and load
            # balancers retry, as for the requests coopgraph.health.FailFast answers at once.
            response.status_code = 503
        if isinstance(response_data, dict):
            status = auth_status(response_data.get("errors"))
            if status is not None:
                # A field needed a role (schema/auth.py): 401 or 403 under either media type.
                response.status_code = status
                if status == 401:
                    response.headers["www-authenticate"] = WWW_AUTHENTICATE
        return response


def auth_status(errors: object) -> int | None:
    """401 when a response's errors include UNAUTHENTICATED, else 403 for FORBIDDEN, else None."""
    found: set[int] = set()
    if isinstance(errors, list):
        for error in errors:
            code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
            if code in AUTH_STATUS:
                found.add(AUTH_STATUS[code])
    return min(found, default=None)


def unavailable(errors: object) -> bool:
    """Whether a response's errors include SERVICE_UNAVAILABLE."""
    return isinstance(errors, list) and any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "SERVICE_UNAVAILABLE"
        for error in errors
    )


def request_error_status(errors: list[object]) -> int:
    """4xx or 5xx for a GraphQL response with no {data} entry, as appropriate to its errors."""
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if isinstance(code, str) and code in SERVER_ERROR_STATUS:
            return SERVER_ERROR_STATUS[code]
    return 400


__all__ = ["GRAPHQL_RESPONSE_JSON", "GraphQLEndpoint", "error_response", "negotiate"]
