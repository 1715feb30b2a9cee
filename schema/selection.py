"""What a request selects below the current field: resolvers fetch only what is asked for."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from schema.context import Info


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
