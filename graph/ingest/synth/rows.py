"""The rows generate() sends in UNWIND batches: one per node, one per relationship.

Relationship rows keep the short keys of `when` (graph.cypher.synth's statements map them);
a node's dates are spelled out among its kind-specific extras, `x`, set on the node as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.ingest.synth.country import Country
from graph.ingest.synth.dates import when
from graph.text import fold

Row = dict[str, Any]


def node(
    c: Country, kind: str, index: int, name: str, name_en: str, aliases: Iterable[str] = (), **extra: Any
) -> Row:
    alias_list = list(aliases)
    search_names = list(dict.fromkeys(fold(text) for text in (name, name_en, *alias_list)))
    nodes = c.kinds[kind]
    return {
        "id": nodes.ids[index],
        "subtype": nodes.subtypes[index] or None,
        "name": name,
        "lang": c.lang,
        "name_en": name_en,
        "aliases": alias_list,
        "country": c.code,
        "search_names": search_names,
        "search_key": " | ".join(search_names),
        "identifiers": extra.pop("identifiers", []),
        "x": extra,
    }


def node_dates(start: str, end: str | None) -> dict[str, Any]:
    names = {"s": "start", "sp": "start_precision", "sd": "start_date"}
    names |= {"e": "end", "ep": "end_precision", "ed": "end_date"}
    return {names[key]: value for key, value in when(start, end)}


def rel(a: str, b: str, start: str | None = None, end: str | None = None, **extra: Any) -> Row:
    row: Row = {"a": a, "b": b}
    row.update(when(start, end))
    row.update(extra)
    return row
