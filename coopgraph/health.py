"""What a supervisor (systemd, Kubernetes probes) reads, and GraphQL's fast answer while the
database is down.

``/healthz``, liveness: 200 while this process can serve, the database down or not (restarting
the service brings no external Neo4j back, and the embedded store is restarted by the service
itself). 503 only when the embedded store has stayed down LIVENESS_GRACE seconds despite the
restarts: restarting the whole service is then the next thing to try.

``/readyz``, readiness: 200 ``{"status": "ready"}`` when the database answers and no maintenance
run is unfinished; otherwise 503 ``{"status": "unavailable", "state": ..., "reason": ...}``:

- ``starting``: this worker has not reached the database yet;
- ``store_restarting``: the embedded store exited or hung and the service is starting it again
  (with ``restarts`` so far and ``down_for`` seconds);
- ``store_down``: the database does not answer (an external Neo4j, or the embedded store in the
  moment before its supervisor notices);
- ``maintenance``: a maintenance run (load, synth) is unfinished.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.database import Database
from graph.ingest.runs import maintenance_reason
from graph.store.status import read_status
from schema.errors import REQUEST_ID
from schema.http import content_type_header, error_body, negotiate

log = logging.getLogger("coopgraph")

# Seconds the embedded store may stay down, restarts failing, before /healthz fails.
LIVENESS_GRACE = 120.0
# The same words as schema/errors.py gives a query that finds the database gone.
UNAVAILABLE = "The graph database is not available; try again shortly."
RETRY_AFTER = "2"

# The reason a maintenance run is unfinished, or None (graph/ingest/runs.py; it also has an
# interrupted run recovered in the background).
MaintenanceCheck = Callable[[Database], Awaitable[str | None]]


@dataclass(frozen=True)
class Probes:
    """What readiness and liveness consult besides the database: the embedded store's status
    file (None with an external Neo4j) and the maintenance check."""

    store_status: Path | None = None
    maintenance: MaintenanceCheck = maintenance_reason


async def readiness(db: Database, probes: Probes) -> tuple[int, dict[str, Any]]:
    reason = await db.ping()
    if reason is None:
        unfinished = await probes.maintenance(db)
        if unfinished is not None:
            return 503, {"status": "unavailable", "state": "maintenance", "reason": unfinished}
        return 200, {"status": "ready"}
    if reason.startswith("no answer"):
        log.warning("not ready: %s", reason)
    # Otherwise graph.database logged why once, when the database stopped answering. The
    # driver's own message may name hosts and users: it goes to the log, not the client.
    store = read_status(probes.store_status) if probes.store_status is not None else None
    if store is not None and store.state == "restarting":
        return 503, {
            "status": "unavailable",
            "state": "store_restarting",
            "reason": "the embedded store stopped; the service is starting it again",
            "restarts": store.restarts,
            "down_for": round(store.down_for(), 1),
        }
    state = "store_down" if db.answered else "starting"
    text = "no answer in time" if reason.startswith("no answer") else "the database does not answer"
    return 503, {"status": "unavailable", "state": state, "reason": text}


def liveness(probes: Probes) -> tuple[int, dict[str, Any]]:
    store = read_status(probes.store_status) if probes.store_status is not None else None
    if store is not None and store.state == "restarting" and store.down_for() > LIVENESS_GRACE:
        return 503, {
            "status": "failing",
            "reason": f"the embedded store has been down for {store.down_for():.0f} s despite restarts",
        }
    return 200, {"status": "ok"}


async def healthz(request: Request) -> Response:
    status, body = liveness(request.app.state.probes)
    return JSONResponse(body, status_code=status)


async def readyz(request: Request) -> Response:
    status, body = await readiness(request.app.state.db, request.app.state.probes)
    return JSONResponse(body, status_code=status)


class FailFast:
    """In front of the GraphQL endpoint: while the database is known to be down, a GraphQL
    request gets SERVICE_UNAVAILABLE with HTTP 503 at once, under either media type, without
    being parsed or waiting on the driver. The playground page and requests whose Accept
    cannot be served go through as usual."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["app"].state.db.down and self._graphql_request(scope):
            media_type = negotiate(Request(scope).headers.get("accept"))
            if media_type is not None:
                request_id = REQUEST_ID.get()
                log.error("request %s: SERVICE_UNAVAILABLE: the database is down", request_id or "-")
                extensions = {"requestId": request_id} if request_id else {}
                response = JSONResponse(
                    error_body(UNAVAILABLE, "SERVICE_UNAVAILABLE", **extensions),
                    status_code=503,
                    media_type=content_type_header(media_type),
                    headers={"Retry-After": RETRY_AFTER, "Vary": "Accept"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _graphql_request(scope: Scope) -> bool:
        return scope["method"] == "POST" or b"query=" in scope.get("query_string", b"")
