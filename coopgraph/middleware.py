"""ASGI middleware of the web app: a request id on every answer, rate and body-size limits.

In create_app's order, outermost first:

* RequestId: takes the client's X-Request-Id when it is sane (1-128 letters, digits and
  ``-_.:+/=``), else makes one; sends it back on every response and puts it where errors and log
  lines find it (schema.errors.REQUEST_ID). An exception nothing else handled is logged at ERROR
  with the id and answered 500 INTERNAL_SERVER_ERROR carrying it.
* RateLimit: 429 TOO_MANY_REQUESTS with Retry-After once a client has spent its bucket
  (coopgraph.ratelimit), before anything of the request is read.
* BodyLimit: 413 CONTENT_TOO_LARGE for a body over the limit, at once when Content-Length says so,
  else as soon as the bytes received pass it (chunked uploads); 414 URI_TOO_LONG for a query
  string over the same limit (a GET carries the same document there).

Their error bodies are GraphQL responses, in the media type the Accept header asks for.
"""

from __future__ import annotations

import logging
import math
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coopgraph.limits import Limits
from coopgraph.ratelimit import RateLimiter, client_key
from schema.errors import REQUEST_ID
from schema.http import error_response

log = logging.getLogger("coopgraph.http")

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


class BodyTooLarge(Exception):
    """The request body grew past the limit while it was being read."""


class RequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER)
        request_id = given if given is not None and _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("request %s: unhandled error in %s %s", request_id, scope["method"], scope["path"])
            if started:
                raise  # too late for an answer: the server closes the connection
            response = error_response(
                500,
                "INTERNAL_SERVER_ERROR",
                "Internal server error.",
                Headers(scope=scope).get("accept"),
                extensions={"requestId": request_id},
            )
            await response(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


class RateLimit:
    def __init__(
        self, app: ASGIApp, limiter: RateLimiter, *, by: str, loopback: bool, paths: frozenset[str]
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.by = by
        self.loopback = loopback
        self.paths = paths
        self._refusing: set[str] = set()  # clients told to wait, so the log says so once per streak

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            headers = Headers(scope=scope)
            client = scope.get("client")
            key = client_key(
                client[0] if client else None,
                headers.get("authorization"),
                by=self.by,
                loopback=self.loopback,
            )
            wait = self.limiter.take(key) if key is not None else 0.0
            if key is not None and wait > 0:
                if key not in self._refusing and len(self._refusing) < 10_000:
                    self._refusing.add(key)
                    log.info("request %s: rate limit reached by %s", REQUEST_ID.get() or "-", key)
                retry_after = max(1, math.ceil(wait))
                response = error_response(
                    429,
                    "TOO_MANY_REQUESTS",
                    f"Too many requests from this client; try again in {retry_after} s.",
                    headers.get("accept"),
                    headers={"Retry-After": str(retry_after)},
                )
                await response(scope, receive, send)
                return
            if key is not None:
                self._refusing.discard(key)
        await self.app(scope, receive, send)


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if len(scope.get("query_string", b"")) > self.max_bytes:
            await self.refuse(scope, receive, send, 414, "URI_TOO_LONG", "query string")
            return
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_bytes:
            await self.refuse(scope, receive, send, 413, "CONTENT_TOO_LARGE", "request body")
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self.refuse(scope, receive, send, 413, "CONTENT_TOO_LARGE", "request body")

    async def refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, code: str, what: str
    ) -> None:
        log.info(
            "request %s: client error %s: %s over %d bytes",
            REQUEST_ID.get() or "-",
            code,
            what,
            self.max_bytes,
        )
        response = error_response(
            status,
            code,
            f"The {what} is larger than this service accepts ({self.max_bytes:,} bytes).",
            Headers(scope=scope).get("accept"),
            # The rest of the body is not read: the connection cannot carry another request.
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def request_middleware(limits: Limits) -> list[Middleware]:
    """The middleware of one app (one worker), outermost first."""
    stack = [Middleware(RequestId)]
    if limits.rate_limit > 0:
        limiter = RateLimiter(limits.rate_per_second, limits.rate_burst)
        stack.append(
            Middleware(
                RateLimit,
                limiter=limiter,
                by=limits.rate_limit_by,
                loopback=limits.rate_limit_loopback,
                paths=frozenset({"/graphql"}),
            )
        )
    stack.append(Middleware(BodyLimit, max_bytes=limits.max_body_bytes))
    return stack


__all__ = ["BodyLimit", "RateLimit", "RequestId", "request_middleware"]
