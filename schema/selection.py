"""What a request selects below the current field: resolvers fetch only what is asked for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from graphql.pyutils import Path
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from resolvers.errors import UserError
from resolvers.nested import RelationshipWindow, relationship_window
from resolvers.pagination import DEFAULT_PAGE
from schema.context import Info
from schema.types.enums import RelationKind


def _selects(selections: Iterable[Selection], names: frozenset[str], deep: bool) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name in names or (deep and _selects(selection.selections, names, deep)):
                return True
        elif isinstance(selection, (InlineFragment, FragmentSpread)) and _selects(
            selection.selections, names, deep
        ):
            return True
    return False


# A field can be reached through several nodes merged under one response key (written twice,
# or selected by two fragments): what any of them selects is selected.


def selects_child(info: Info, name: str) -> bool:
    """Whether the field's own selection (fragments included) names `name`."""
    return any(_selects(f.selections, frozenset({name}), deep=False) for f in info.selected_fields)


def selects_below(info: Info, *names: str) -> bool:
    """Whether any of `names` is selected at any depth below the field."""
    return any(_selects(f.selections, frozenset(names), deep=True) for f in info.selected_fields)


# Read ahead: a `relationships` field's window names what its own levels below will ask for, so
# that one statement reads them together (graph.filters.RelationshipWindow). The window a field's
# resolver computes and the one its parent computed ahead for it must be equal, or the parent's
# read is wasted (never wrong): both come from `window_below` over the same selection.

# Fields of an entity that a lean read answers (its key, kind and EntityRecord.LEAN), each with
# the record fields it needs beyond the key and kind; `relationships` needs only the key.
_LEAN_ENTITY: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "key": (),
    "kind": (),
    "relationships": (),
    "name": ("name",),
    "nameEn": ("name_en",),
    "lang": ("lang",),
    "country": ("country",),
    "subtype": ("subtype",),
    "inferred": ("inferred",),
    "synthetic": ("synthetic",),
}


def _lean_read(others: list[SelectedField]) -> tuple[str, ...] | None:
    """What of the other ends `others` select, as a lean read's fields; None: more than it holds."""
    fields: set[str] = set()
    for name in set().union(*(_names(o.selections) for o in others)):
        needs = _LEAN_ENTITY.get(name)
        if needs is None:
            return None
        fields.update(needs)
    return tuple(sorted(fields))


def _named(selections: Iterable[Selection], name: str) -> list[SelectedField]:
    found: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                found.append(selection)
        else:
            found.extend(_named(selection.selections, name))
    return found


def _names(selections: Iterable[Selection]) -> set[str]:
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:
            names |= _names(selection.selections)
    return names


def _kinds(items: list[Any] | None) -> list[str] | None:
    kinds = [str((RelationKind.__members__[k] if isinstance(k, str) else k).value) for k in items or ()]
    return kinds or None


# Literals arrive as their source text (Strawberry's selection nodes), variables coerced.
def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) else value


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return {"true": True, "false": False}[value]
    return bool(value)  # null is the default, false


def _ahead(field: SelectedField) -> RelationshipWindow | None:
    """The window a nested `relationships` field will ask for; None when it cannot be told."""
    args = field.arguments
    between = args.get("between") or {}
    try:
        return window_below(
            field.selections,
            _kinds(args.get("kinds")),
            _date(args.get("asOf")),
            (_date(between.get("start")), _date(between.get("end"))),
            _int(args.get("first", DEFAULT_PAGE)),
            args.get("after"),
            _bool(args.get("includeRetracted", False)),
        )
    except (UserError, KeyError, ValueError, TypeError, AttributeError):
        return None  # the field's own resolver reports what is wrong


def window_below(
    selections: Sequence[Selection],
    kinds: list[str] | None,
    as_of: date | None,
    between: tuple[date | None, date | None],
    first: int | None,
    after: str | None,
    retracted: bool = False,
) -> RelationshipWindow:
    """A `relationships` field's window from its arguments and what it selects below."""
    edges = _named(selections, "edges")
    others = [o for e in edges for o in _named(e.selections, "other")]
    nodes = [n for e in edges for n in _named(e.selections, "node")]
    node_names = set().union(*(_names(n.selections) for n in nodes))
    below = [r for o in others for r in _named(o.selections, "relationships")]
    return relationship_window(
        kinds,
        as_of,
        between,
        first,
        after,
        # A relationship's ends (`from`, `to`) are looked up as entities: full far ends serve them.
        other=None if node_names & {"from", "to"} else _lean_read(others),
        bare=not nodes and not any(_named(e.selections, "outgoing") for e in edges),
        sources="sources" in node_names,
        then=_ahead(below[0]) if len(below) == 1 else None,
        retracted=retracted,
    )


def relationships_window(
    info: Info,
    kinds: list[str] | None,
    as_of: date | None,
    between: tuple[date | None, date | None],
    first: int | None,
    after: str | None,
    retracted: bool = False,
) -> RelationshipWindow:
    """The window of the `relationships` field being resolved (fragments and merged nodes included).

    Worked out once per request and field: every parent at one level shares its field's nodes,
    arguments and selection, and converting a selection costs more than the field's own work.
    """
    known = info.context.loaders.windows
    field = _response_path(info)
    found = known.get(field)
    if found is None:
        selections = [s for field in info.selected_fields for s in field.selections]
        found = known[field] = window_below(selections, kinds, as_of, between, first, after, retracted)
    return found


def _response_path(info: Info) -> tuple[tuple[str, str | None], ...]:
    """The field's response keys and parent types, without list positions: one per field of the
    document (a key can name different fields on different types of an abstract one)."""
    keys: list[tuple[str, str | None]] = []
    path: Path | None = info.path
    while path is not None:
        if isinstance(path.key, str):
            keys.append((path.key, path.typename))
        path = path.prev
    return tuple(keys)


def child_window(info: Info, name: str = "relationships") -> RelationshipWindow | None:
    """The window of the one `name` field selected directly below this field, read ahead; None when
    there is none, several, or it cannot be told."""
    found = _named([s for field in info.selected_fields for s in field.selections], name)
    return _ahead(found[0]) if len(found) == 1 else None
