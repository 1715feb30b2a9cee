"""The change log: every change, or one entity's, filtered and paged oldest first.

Cursors name a change's seq rather than a position, so a client following the log with `after`
neither skips nor repeats a change when newer ones are committed meanwhile. An entity's history is
the changes that list its own key: a merged entity's key shows what was done to it (up to and
including the merge), not the survivor's history; ask for the survivor's key for that. It is read
from the entity (live or retracted) and its links to the change log, so a key no entity has any
more (one a load no longer finds in the seed files) has no history, though its changes stay in
the log.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from graph import history as reads
from graph.database import Database
from graph.history import ChangeFilter, HistoryWindow
from graph.records import ChangeRecord, Page
from resolvers.errors import BadInput
from resolvers.pagination import window

_CURSOR_PREFIX = "change"
MAX_TEXT = 200


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}:{seq}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        seq = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        seq, prefix = -1, ""
    if prefix != _CURSOR_PREFIX or seq < 0:
        raise BadInput(f"`after` is not a cursor of this list: {cursor!r}", argument="after")
    return seq


def parse_since(since: str) -> str:
    """`since` as `at` is written: a date means its first moment (UTC), a date-time without an
    offset is UTC."""
    text = since.strip()
    try:
        when = datetime.fromisoformat(text)
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (ValueError, OverflowError):  # overflow: an offset that takes it past year 1 or 9999
        raise BadInput(
            f"`since` must be an ISO 8601 date or date-time (2026-12-04, 2026-12-04T22:00:00Z), "
            f"got {since!r}",
            argument="since",
        ) from None
    # The form graph/curation/ writes `at` in: fixed width (strftime would not pad a year below
    # 1000), so that text order is time order.
    return when.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _text(value: str | None, argument: str) -> str | None:
    if value is None:
        return None
    if not value or len(value) > MAX_TEXT:
        raise BadInput(
            f"`{argument}` must be 1 to {MAX_TEXT} characters (omit it for any)", argument=argument
        )
    return value


async def changes(
    db: Database,
    *,
    since: str | None = None,
    entity: str | None = None,
    author: str | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[ChangeRecord]:
    """Changes at or after `since`, touching `entity`, by `author` (each optional), oldest first."""
    where = ChangeFilter(
        since=None if since is None else parse_since(since),
        entity=_text(entity, "entity"),
        author=_text(author, "author"),
    )
    _, limit = window(first, None)  # the bounds every list has; the position comes from `after`
    after_seq = None if after is None else decode_cursor(after)
    return await reads.list_changes(db, where, after_seq, limit)


def history_window(first: int | None = None, after: str | None = None) -> HistoryWindow:
    """The validated window of an entity's `history`: the key of its DataLoader (schema/loaders.py)."""
    _, limit = window(first, None)
    return HistoryWindow(None if after is None else decode_cursor(after), limit)


async def history(
    db: Database, key: str, first: int | None = None, after: str | None = None
) -> Page[ChangeRecord]:
    """One entity's own changes, oldest first (see the module on merged keys)."""
    return await changes(db, entity=key, first=first, after=after)


__all__ = [
    "HistoryWindow",
    "changes",
    "decode_cursor",
    "encode_cursor",
    "history",
    "history_window",
    "parse_since",
]
