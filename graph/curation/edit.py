"""What one write changes, field by field: collected while it runs, then kept as its Change node."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]

# Properties the graph derives from the others (search keys, counts, parsed dates, the
# revision itself): a change shows the fields a curator wrote, not their echoes.
_DERIVED_SUFFIXES = ("_date", "_precision")
_DERIVED = frozenset({"search_names", "search_key", "degree", "members", "actor", "curated", "revision"})


def shown(name: str) -> bool:
    return name not in _DERIVED and not name.endswith(_DERIVED_SUFFIXES)


def _stated(props: Row | None) -> Row:
    # An empty list is no value: an entity without aliases is the same with `aliases = []`.
    return {name: value for name, value in (props or {}).items() if value is not None and value != []}


@dataclass
class Edit:
    """The diff of one write and what it touched, in the order it touched them."""

    action: str
    reason: str | None
    subject: str = ""  # the key of what the write is about, which the API answers with
    # The subject as the write left it, when its last statement returned it: no read-back needed.
    written: Row | None = None
    items: list[Row] = field(default_factory=list)
    touched: dict[str, list[str]] = field(
        default_factory=lambda: {"entity": [], "relationship": [], "source": []}
    )
    # A set beside the lists: an import touches 100,000 keys, and a list lookup each is quadratic.
    _seen: set[tuple[str, str]] = field(default_factory=set, repr=False)
    # (first item, end of items, target, key) per touch: which parts of a split diff touched what.
    _marks: list[tuple[int, int, str, str]] = field(default_factory=list, repr=False)

    def touch(self, target: str, key: str, since: int | None = None) -> None:
        """`key` is in this change; `since`: the index of the first item about it (default: none)."""
        self._marks.append((len(self.items) if since is None else since, len(self.items), target, key))
        if (target, key) not in self._seen:
            self._seen.add((target, key))
            self.touched[target].append(key)

    def compare(self, target: str, key: str, before: Row | None, after: Row | None) -> bool:
        """Records every shown field that differs; True when one did."""
        old, new = before or {}, after or {}
        since = len(self.items)
        changed = False
        for name in sorted(set(old) | set(new)):
            if shown(name) and old.get(name) != new.get(name):
                self.items.append(
                    {
                        "target": target,
                        "key": key,
                        "field": name,
                        "before": old.get(name),
                        "after": new.get(name),
                    }
                )
                changed = True
        if changed:
            self.touch(target, key, since)
        return changed

    def compare_claim(self, key: str, ends: tuple[str, str], before: Row | None, after: Row | None) -> bool:
        """compare() for a relationship, which is also in the history of the entities at its ends."""
        since = len(self.items)
        changed = self.compare("relationship", key, before, after)
        if changed:
            for end in ends:
                self.touch("entity", end, since)
        return changed

    @property
    def changed(self) -> bool:
        return bool(self.items)

    def diff(self) -> str:
        return json.dumps(self.items, ensure_ascii=False, default=str)

    def parts(self, size: int) -> list[Edit]:
        """The diff in parts of at most `size` items, each with what its items touched, in order:
        one Change each, so that no Change holds a diff of an import's size."""
        if len(self.items) <= size:
            return [self]
        count = -(-len(self.items) // size)
        parts = [
            Edit(self.action, self.reason, self.subject, items=self.items[i * size : (i + 1) * size])
            for i in range(count)
        ]
        for since, upto, target, key in self._marks:
            # Every part holding an item about it; a touch without items goes with the items before it.
            first = since // size if upto > since else max(since - 1, 0) // size
            last = (upto - 1) // size if upto > since else first
            for index in range(first, last + 1):
                parts[index].touch(target, key)
        return parts
