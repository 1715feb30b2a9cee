"""Reading the change log (graph/cypher/history.py): who changed what, when and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.cypher import history as cypher
from graph.database import Database
from graph.records import ChangeRecord, Page

# Windows of seqs read before a sparse stretch of the log (seqs missing, or before `since`) is
# left to the scan: each is one indexed round trip, the scan one pass over every change.
WINDOW_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """What a listing of changes is narrowed by; None: not narrowed by it."""

    since: str | None = None  # ISO UTC, as `at` is written: changes at or after it
    entity: str | None = None  # an entity key the change touched (its own key, not a survivor's)
    author: str | None = None  # a token name (or an importing user's name)

    def params(self) -> dict[str, Any]:
        return {"since": self.since, "entity": self.entity, "author": self.author}


async def list_changes(
    db: Database, where: ChangeFilter, after_seq: int | None, limit: int
) -> Page[ChangeRecord]:
    """Up to `limit` changes with a seq above `after_seq` (None: from the first), oldest first.

    Cursors here are seqs, not positions: the page's `offset` is the seq it follows (0 on the
    first page; seqs start at 1), which is all a connection needs to say there were earlier ones.
    """
    if where.entity is not None:
        pages = await history_pages(db, [where.entity], HistoryWindow(after_seq, limit), where)
        return pages.get(where.entity) or Page([], after_seq or 0, False)
    start = after_seq or 0
    items: list[ChangeRecord] = []
    if where.author is not None:
        statement = cypher.CHANGES_BY_AUTHOR
    else:
        statement = cypher.CHANGES
        start, items, done = await _read_windows(db, where.since, start, limit + 1)
        if done:
            return Page(items[:limit], after_seq or 0, len(items) > limit)
    rows = await db.read(statement, {**where.params(), "after_seq": start, "limit": limit + 1 - len(items)})
    items += [ChangeRecord.from_props(row["c"]) for row in rows]
    return Page(items[:limit], after_seq or 0, len(items) > limit)


@dataclass(frozen=True, slots=True)
class HistoryWindow:
    """One page of an entity's history: the seq it follows (None: from the first) and its size.
    Hashable: the request's DataLoaders are one per window."""

    after_seq: int | None
    limit: int


async def history_pages(
    db: Database, keys: Sequence[str], window: HistoryWindow, where: ChangeFilter | None = None
) -> dict[str, Page[ChangeRecord]]:
    """A page of its own changes for each of many entities (live or retracted), in one statement
    that starts at each entity and follows its CHANGED links; `where` narrows them by time and
    author (its `entity` is ignored: the keys say that). Keys no entity has are absent."""
    filters = (where or ChangeFilter()).params()
    params = {
        "keys": list(dict.fromkeys(keys)),
        "since": filters["since"],
        "author": filters["author"],
        "after_seq": window.after_seq or 0,
        "limit": window.limit + 1,
    }
    rows = await db.read(cypher.HISTORY, params)
    pages: dict[str, Page[ChangeRecord]] = {}
    for row in rows:
        items = [ChangeRecord.from_props(props) for props in row["changes"]]
        pages[row["key"]] = Page(items[: window.limit], window.after_seq or 0, len(items) > window.limit)
    return pages


async def _read_windows(
    db: Database, since: str | None, start: int, wanted: int
) -> tuple[int, list[ChangeRecord], bool]:
    """The log after `start` read by seq, a window at a time, since every seq up to the last one
    handed out is a change: (the last seq read, the changes found, whether that is the answer).
    Not the answer when the log does not say its last seq, or is sparse where it was read."""
    rows = await db.read(cypher.LAST_SEQ)
    last = rows[0]["seq"] if rows else None
    if not isinstance(last, int):
        return start, [], False
    if since is not None:
        rows = await db.read(cypher.FIRST_SINCE, {"since": since})
        first = rows[0]["seq"] if rows else None
        if not isinstance(first, int):
            return start, [], True
        start = max(start, first - 1)
    found: list[ChangeRecord] = []
    for _ in range(WINDOW_ROUNDS):
        if start >= last or len(found) >= wanted:
            return start, found, True
        end = min(last, start + wanted - len(found))
        window = await db.read(cypher.WINDOW, {"seqs": list(range(start + 1, end + 1))})
        records = (ChangeRecord.from_props(row["c"]) for row in window)
        # `at` need not grow with seq by a microsecond or two (clocks, retried commits): checked each.
        found += [r for r in records if since is None or r.at >= since]
        start = end
    return start, found, start >= last or len(found) >= wanted


__all__ = ["ChangeFilter", "HistoryWindow", "history_pages", "list_changes"]
