"""Reading the change log (graph/cypher/history.py): who changed what, when and why."""

from __future__ import annotations

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
    start = after_seq or 0
    items: list[ChangeRecord] = []
    if where.entity is None and where.author is None:
        start, items, done = await _read_windows(db, where.since, start, limit + 1)
        if done:
            return Page(items[:limit], after_seq or 0, len(items) > limit)
    rows = await db.read(
        cypher.CHANGES, {**where.params(), "after_seq": start, "limit": limit + 1 - len(items)}
    )
    items += [ChangeRecord.from_props(row["c"]) for row in rows]
    return Page(items[:limit], after_seq or 0, len(items) > limit)


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


__all__ = ["ChangeFilter", "list_changes"]
