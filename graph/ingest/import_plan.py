"""What an import will write, worked out from its files (graph/ingest/csv_files.py) and from what
the graph holds of the rows' ids, as read in the import's transaction (graph/ingest/csv_import.py).
No database here: the same files and the same graph give the same plan and the same problems.

The semantics are the seed files': an entity declared again (in the graph or in another file)
must agree in every field both state, and adds its aliases, identifiers, sources and missing
fields; the same claim (relation_key) adds its sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.curation.edit import shown
from graph.curation.relationships import joined_note
from graph.ingest.csv_files import Entry, Files, Problem, Row
from graph.ingest.export import seed_file_name
from graph.ontology import DATE_FIELDS
from graph.validation import (
    SOURCE_ID_PATTERN,
    add_search_names,
    relation_id,
    relation_key,
    relation_link_problems,
)


@dataclass
class GraphState:
    """What the rows name, as the graph holds it now."""

    live: dict[str, Row] = field(default_factory=dict)
    retracted: dict[str, str | None] = field(default_factory=dict)  # id -> merged_into
    sources: dict[str, tuple[Row, str | None]] = field(default_factory=dict)


def _absent_entity(key: str, graph: GraphState, declared: set[str]) -> str | None:
    """Why `key` cannot be referred to, or None when it names a curated entity."""
    if key in declared:
        return None
    if key in graph.live:
        if graph.live[key].get("synthetic"):
            return f"entity {key!r} is synthetic (coopgraph synth); curated data cannot refer to it"
        return None
    if key in graph.retracted:
        survivor = graph.retracted[key]
        if survivor is not None:
            return f"entity {key!r} was merged into {survivor!r}: name {survivor!r} instead"
        return f"entity {key!r} is retracted"
    return f"no entity {key!r} in the graph or in this import's entity files"


@dataclass
class Plan:
    """What to write, worked out from the files and the graph."""

    new_sources: list[tuple[Row, str | None]] = field(default_factory=list)
    new_entities: dict[str, Row] = field(default_factory=dict)
    updated_entities: list[tuple[Row, Row]] = field(default_factory=list)  # before, after
    relations: dict[tuple[Any, ...], Row] = field(default_factory=dict)  # key -> {from, to, props}
    file_names: dict[str, str] = field(default_factory=dict)  # source id -> its seed file's name

    def in_load_order(self, ids: Sequence[str]) -> list[str]:
        """Sources as a load of the exported files lists them: by file name (graph/curation/lookup.py)."""
        return sorted(dict.fromkeys(ids), key=lambda i: (self.file_names.get(i, f"{i}.toml"), i))


def _check_sources(files: Files, graph: GraphState, declared: set[str], plan: Plan) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Entry] = {}
    for line in files.sources:
        if line.row is None:
            continue
        ident, entry = line.row["id"], line.entry
        if ident in seen:
            first = seen[ident]
            problems.append(
                entry.problem("id", f"source {ident!r} is declared already ({first.file} row {first.row})")
            )
            continue
        seen[ident] = entry
        publisher = line.data.get("publisher")
        if publisher is not None:
            why = _absent_entity(publisher, graph, declared)
            if why is not None:
                problems.append(entry.problem("publisher", why))
        if ident not in graph.sources:
            plan.new_sources.append((line.row, publisher))
            continue
        stated, stated_publisher = graph.sources[ident]
        if stated.get("synthetic"):
            problems.append(entry.problem("id", f"{ident!r} is the synthetic data's source"))
            continue
        wanted = {**line.row, "publisher": publisher}
        for name, value in wanted.items():
            before = stated_publisher if name == "publisher" else stated.get(name)
            if (
                name == "curated"
                or name.endswith(("_date", "_precision"))
                or value is None
                or before == value
            ):
                continue
            message = f"{value!r} contradicts {before!r} of source {ident!r} in the graph"
            if before is None:
                message = f"source {ident!r} in the graph has none; an import does not change a source"
            problems.append(entry.problem(name, message))
    return problems


def _cited(files: Files, graph: GraphState) -> list[Problem]:
    declared = {line.data["id"] for line in files.sources if isinstance(line.data.get("id"), str)}
    problems = []
    for line in [*files.entities, *files.relationships]:
        for source in line.sources:
            if not SOURCE_ID_PATTERN.match(source):
                continue  # named as malformed already
            found = graph.sources.get(source)
            if source in declared or (found is not None and not found[0].get("synthetic")):
                continue
            why = (
                "is the synthetic data's source" if found else "is neither in the graph nor in a sources file"
            )
            problems.append(line.entry.problem("sources", f"source {source!r} {why}"))
    return problems


def _fold_entities(
    files: Files,
) -> tuple[dict[str, Row], dict[str, dict[str, Entry]], list[Problem]]:
    """One row per id from every declaration in the files (as two seed files declaring it), with the
    row that stated each field, for naming it in a disagreement with the graph."""
    combined: dict[str, Row] = {}
    origins: dict[str, dict[str, Entry]] = {}
    problems: list[Problem] = []
    files_of: dict[str, Entry] = {}
    for line in files.entities:
        row, entry = line.row, line.entry
        if row is None:
            continue
        ident = row["id"]
        if ident not in combined:
            combined[ident] = dict(row)
            origins[ident] = {name: entry for name in row}
            files_of[ident] = entry
            continue
        if files_of[ident].file == entry.file:
            problems.append(
                entry.problem("id", f"duplicate id {ident!r} in this file (row {files_of[ident].row})")
            )
            continue
        existing = combined[ident]
        for name, value in row.items():
            if name in ("aliases", "identifiers", "sources"):
                existing[name] = list(dict.fromkeys(existing[name] + value))
                clash = scheme_clash(existing[name]) if name == "identifiers" else None
                if clash is not None:
                    problems.append(entry.problem(name, clash))
            elif name not in existing:
                existing[name] = value
                origins[ident][name] = entry
            elif shown(name) and existing[name] != value:
                first = origins[ident][name]
                problems.append(
                    entry.problem(
                        name, f"{value!r} contradicts {existing[name]!r} ({first.file} row {first.row})"
                    )
                )
    return combined, origins, problems


def _onto_graph(before: Row, row: Row, origin: dict[str, Entry]) -> tuple[Row, list[Problem]]:
    """An entity in the graph with what the import says of it added; disagreements as problems."""
    after = dict(before)
    problems: list[Problem] = []
    for name, value in row.items():
        if name in ("aliases", "identifiers", "sources") or not shown(name):
            continue
        if name in before:
            if before[name] != value:
                problems.append(
                    origin[name].problem(name, f"{value!r} contradicts {before[name]!r} in the graph")
                )
            continue
        after[name] = value
        if name in DATE_FIELDS:  # its parsed forms come with it
            for derived in (f"{name}_precision", f"{name}_date"):
                if derived in row:
                    after[derived] = row[derived]
    for name in ("aliases", "identifiers", "sources"):
        after[name] = list(dict.fromkeys([*(before.get(name) or []), *row[name]]))
    clash = scheme_clash(after["identifiers"])
    if clash is not None:
        problems.append(origin["identifiers"].problem("identifiers", f"{clash}, one of them in the graph"))
    add_search_names(after)
    return after, problems


def scheme_clash(identifiers: Sequence[str]) -> str | None:
    """Two values for one scheme (`scheme:value` items): one entity has one code per register."""
    seen: dict[str, str] = {}
    for item in identifiers:
        scheme, _, value = item.partition(":")
        if seen.setdefault(scheme, value) != value:
            return f"two {scheme!r} identifiers: {seen[scheme]!r} and {value!r}"
    return None


def make_plan(files: Files, graph: GraphState) -> tuple[Plan, list[Problem]]:
    """The plan, and every problem the files have with the graph (none: it can be written)."""
    plan = Plan()
    declared = {line.data["id"] for line in files.entities if isinstance(line.data.get("id"), str)}
    problems = _check_sources(files, graph, declared, plan) + _cited(files, graph)
    combined, origins, folded = _fold_entities(files)
    problems += folded
    rows: dict[str, Row] = {}  # every entity the relations may join, as it will be
    for ident, row in combined.items():
        entry = origins[ident]["id"]
        if ident in graph.live:
            before = graph.live[ident]
            if before.get("synthetic"):
                problems.append(
                    entry.problem("id", f"{ident!r} is a synthetic entity's id (coopgraph synth)")
                )
                continue
            after, disagreements = _onto_graph(before, row, origins[ident])
            problems += disagreements
            plan.updated_entities.append((before, after))
            rows[ident] = after
        elif ident in graph.retracted:
            problems.append(entry.problem("id", _absent_entity(ident, graph, set()) or ""))
        else:
            add_search_names(row)
            plan.new_entities[ident] = row
            rows[ident] = row
    for line in files.relationships:
        if line.row is None:
            continue
        # a copy: the transaction may run again, from the rows as read
        relation, entry = {**line.row, "props": dict(line.row["props"])}, line.entry
        ends_ok = True
        for end in ("from", "to"):
            why = _absent_entity(relation[end], graph, declared)
            if why is not None:
                problems.append(entry.problem(end, why))
                ends_ok = False
        key = relation_key(line.data)
        if key in plan.relations:
            merged = plan.relations[key]["props"]
            merged["sources"] = list(dict.fromkeys(merged["sources"] + relation["props"]["sources"]))
            merged["note"] = joined_note(merged.get("note"), relation["props"].get("note"))
            if merged["note"] is None:
                del merged["note"]
            continue
        relation["props"]["id"] = relation_id(key)
        plan.relations[key] = relation
        start, end_row = (
            rows.get(relation["from"], graph.live.get(relation["from"])),
            rows.get(relation["to"], graph.live.get(relation["to"])),
        )
        if ends_ok and start is not None and end_row is not None:
            problems += [entry.problem(n, m) for n, m in relation_link_problems(relation, start, end_row)]
    _order_sources(plan, graph)
    return plan, problems


def _order_sources(plan: Plan, graph: GraphState) -> None:
    sources = [props for props, _ in graph.sources.values()] + [row for row, _ in plan.new_sources]
    plan.file_names = {str(row["id"]): seed_file_name(str(row["id"]), row.get("file")) for row in sources}
    for row in [*plan.new_entities.values(), *(after for _, after in plan.updated_entities)]:
        row["sources"] = plan.in_load_order(row["sources"])
    for relation in plan.relations.values():
        relation["props"]["sources"] = plan.in_load_order(relation["props"]["sources"])
