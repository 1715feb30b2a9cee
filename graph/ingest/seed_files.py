"""Reads the curated seed files (seeds/*.toml) into rows ready to write, each entry checked by
graph/validation.py's rules.

Everything is checked before anything is written; the first problem found in each entry is
reported with the file, the entry and the field, and all problems are reported together.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.validation import (
    Problem,
    Row,
    add_search_names,
    is_retracted,
    relation_id,
    relation_key,
    relation_link_problems,
    validate_entity,
    validate_relation,
    validate_source,
)

SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"


class SeedError(Exception):
    """One or more seed files are invalid; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid seed data:\n  - " + "\n  - ".join(problems))
        self.problems = problems


@dataclass
class SeedGraph:
    sources: list[Row] = field(default_factory=list)
    publishers: list[Row] = field(default_factory=list)
    entities: dict[str, Row] = field(default_factory=dict)
    relations: dict[tuple[Any, ...], Row] = field(default_factory=dict)

    def entities_by_kind(self) -> dict[str, list[Row]]:
        """The live entities by kind (the retracted ones: retracted_entities)."""
        grouped: dict[str, list[Row]] = {}
        for row in self.entities.values():
            if not is_retracted(row):
                grouped.setdefault(row["kind"], []).append(row)
        return grouped

    def retracted_entities(self) -> list[Row]:
        return [row for row in self.entities.values() if is_retracted(row)]

    def fingerprint(self) -> str:
        """A digest of everything that will be written: equal seeds, equal fingerprint."""
        content = [
            self.sources,
            self.publishers,
            sorted(self.entities.items()),
            list(self.relations.values()),
        ]
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def relations_by_type(self) -> dict[str, list[Row]]:
        """The live relations by kind (the retracted ones: retracted_relations)."""
        grouped: dict[str, list[Row]] = {}
        for row in self.relations.values():
            if not is_retracted(row["props"]):
                grouped.setdefault(row["props"]["kind"], []).append(row)
        return grouped

    def retracted_relations(self) -> list[Row]:
        return [row for row in self.relations.values() if is_retracted(row["props"])]


class _Entry:
    """Reports one seed-file entry's problems, each naming file, entry and field."""

    def __init__(self, problems: list[str], where: str) -> None:
        self.problems = problems
        self.where = where

    def fail(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: field {name!r}: {message}")

    def report(self, problems: Iterable[Problem]) -> None:
        for name, message in problems:
            self.fail(name, message)


def _where(path: Path, section: str, index: int, data: Any) -> str:
    ident = data.get("id") if isinstance(data, dict) else None
    label = f" (id {ident!r})" if isinstance(ident, str) else ""
    return f"{path.name}: {section}[{index}]{label}"


def _merge_entity(entry: _Entry, existing: Row, new: Row) -> None:
    """A re-declaration in another file adds aliases, identifiers and a source; other fields must agree."""
    for name, value in new.items():
        if name in ("aliases", "sources", "identifiers"):
            continue
        if name in existing and existing[name] != value:
            entry.fail(name, f"{value!r} contradicts {existing[name]!r} declared in another file")
        existing.setdefault(name, value)
    for name in ("aliases", "identifiers"):
        existing[name] = list(dict.fromkeys(existing[name] + new[name]))
    existing["sources"] = list(dict.fromkeys(existing["sources"] + new["sources"]))


def _read_file(
    path: Path,
    graph: SeedGraph,
    entries: dict[str, _Entry],
    pending: list[tuple[_Entry, Row, Row]],
    problems: list[str],
) -> None:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: not valid TOML: {exc}")
        return
    for extra in sorted(set(document) - {"source", "entities", "relations"}):
        problems.append(f"{path.name}: unknown top-level table {extra!r}")
    data = document.get("source")
    if not isinstance(data, dict):
        problems.append(f"{path.name}: [source] table missing")
        return
    source, source_problems = validate_source(data)
    _Entry(problems, f"{path.name}: [source]").report(source_problems)
    if source is None:
        return
    if any(known["id"] == source["id"] for known in graph.sources):
        problems.append(f"{path.name}: [source]: field 'id': duplicate source id {source['id']!r}")
    graph.sources.append(source)
    if "publisher" in data:
        publisher = {"source": source["id"], "publisher": data["publisher"]}
        publisher["inferred_reason"] = data.get("publisher_inferred_reason")
        graph.publishers.append(publisher)
    _read_entities(path, document.get("entities", []), source["id"], graph, entries, problems)
    _read_relations(path, document.get("relations", []), source["id"], pending, problems)


def _read_entities(
    path: Path,
    items: list[Any],
    source_id: str,
    graph: SeedGraph,
    entries: dict[str, _Entry],
    problems: list[str],
) -> None:
    seen_here: set[str] = set()
    for index, data in enumerate(items):
        entry = _Entry(problems, _where(path, "entities", index, data))
        if not isinstance(data, dict):
            problems.append(f"{entry.where}: must be a table ([[entities]]), got {data!r}")
            continue
        row, row_problems = validate_entity(data, [source_id])
        entry.report(row_problems)
        if row is None:
            continue
        if row["id"] in seen_here:
            entry.fail("id", f"duplicate id {row['id']!r} in this file")
            continue
        seen_here.add(row["id"])
        if row["id"] in graph.entities:
            _merge_entity(entry, graph.entities[row["id"]], row)
        else:
            graph.entities[row["id"]] = row
            entries[row["id"]] = entry


def _read_relations(
    path: Path,
    items: list[Any],
    source_id: str,
    pending: list[tuple[_Entry, Row, Row]],
    problems: list[str],
) -> None:
    for index, data in enumerate(items):
        entry = _Entry(problems, _where(path, "relations", index, data))
        if not isinstance(data, dict):
            problems.append(f"{entry.where}: must be a table ([[relations]]), got {data!r}")
            continue
        rel, rel_problems = validate_relation(data, [source_id])
        entry.report(rel_problems)
        if rel is not None:
            pending.append((entry, data, rel))


def _add_relations(graph: SeedGraph, pending: list[tuple[_Entry, Row, Row]]) -> None:
    firsts: dict[tuple[Any, ...], _Entry] = {}
    for entry, data, rel in pending:
        for end in ("from", "to"):
            if rel[end] not in graph.entities:
                entry.fail(end, f"no entity with id {rel[end]!r} in any seed file")
        key = relation_key(data)
        if key in graph.relations:
            merged = graph.relations[key]["props"]
            merged["sources"] = list(dict.fromkeys(merged["sources"] + rel["props"]["sources"]))
            if rel["props"].get("note") and rel["props"]["note"] != merged.get("note"):
                merged["note"] = " / ".join(filter(None, [merged.get("note"), rel["props"]["note"]]))
            reason = rel["props"].get("retracted_reason")
            if reason is not None and merged.setdefault("retracted_reason", reason) != reason:
                entry.fail(
                    "retracted_reason",
                    f"{reason!r} contradicts {merged['retracted_reason']!r} declared in another file",
                )
        else:
            rel["props"]["id"] = relation_id(key)
            graph.relations[key] = rel
            firsts[key] = entry
    # Whether a relation is retracted is known only once every file has declared it.
    for key, rel in graph.relations.items():
        ends = graph.entities.get(rel["from"]), graph.entities.get(rel["to"])
        if ends[0] is not None and ends[1] is not None:
            firsts[key].report(relation_link_problems(rel, ends[0], ends[1]))


def _check_merges(graph: SeedGraph, entries: dict[str, _Entry]) -> None:
    for ident, row in graph.entities.items():
        target = row.get("merged_into")
        if target is None or target == ident:
            continue
        if target not in graph.entities:
            entries[ident].fail("merged_into", f"no entity with id {target!r} in any seed file")
            continue
        # A chain of merges must end at an entity: a loop would leave no survivor.
        seen = {ident}
        while target is not None and target not in seen:
            seen.add(target)
            target = graph.entities.get(target, {}).get("merged_into")
        if target == ident:
            entries[ident].fail("merged_into", f"{row['merged_into']!r} leads back to {ident!r}")


def read_seed_graph(paths: Iterable[Path] | None = None) -> SeedGraph:
    """Parse and validate seed files (default: every seeds/*.toml); raise SeedError on any problem."""
    files = sorted(paths) if paths is not None else sorted(SEED_DIR.glob("*.toml"))
    problems: list[str] = []
    graph = SeedGraph()
    entries: dict[str, _Entry] = {}
    pending: list[tuple[_Entry, Row, Row]] = []
    for path in files:
        _read_file(path, graph, entries, pending, problems)
    _add_relations(graph, pending)
    _check_merges(graph, entries)
    for publisher in graph.publishers:
        if publisher["publisher"] not in graph.entities:
            problems.append(
                f"source {publisher['source']!r}: field 'publisher': no entity {publisher['publisher']!r}"
            )
    for row in graph.entities.values():
        add_search_names(row)
    if problems:
        raise SeedError(problems)
    return graph
