"""`coopgraph import FILE...`: a researcher's spreadsheets (CSV) of sources, entities and
relationships, checked whole and then written in one transaction, or not at all.

The files are read and checked alone first (graph/ingest/csv_files.py). What the rows name in
the graph (entities, sources, claims) is then read inside the write transaction, so the checks
and the write see one state; the plan (graph/ingest/import_plan.py) says what to write and
every problem with the graph. Any problem anywhere rolls it back and is reported with every other
one. A claim that was retracted is live again, as when the API asserts it, and importing the
same files twice changes nothing the second time.
The write goes through graph/curation/transaction.py: the maintenance fence, a new data version,
and the history as Change nodes of at most CHANGE_ITEMS diff items each, all in the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from graph.curation.edit import Edit
from graph.curation.errors import CurationError
from graph.curation.relationships import joined_note
from graph.curation.transaction import write
from graph.cypher import csv_import as cypher
from graph.cypher import curation as curation_cypher
from graph.cypher import entities as entities_cypher
from graph.cypher import loader as loader_cypher
from graph.cypher.version import GRAPH_VERSION
from graph.database import Database
from graph.entities import term_rows
from graph.ingest.csv_files import Files, Problem, Row, read_files
from graph.ingest.import_plan import GraphState, Plan, make_plan
from graph.ontology import RETRACTED_TYPE
from graph.records import ChangeRecord

Progress = Callable[[str], None]

# Rows per statement: large enough that round trips do not dominate, small enough for the heap.
BATCH = 5_000
# Diff items per Change node: a 100,000-relationship import is a few hundred readable changes,
# not one property of tens of megabytes.
CHANGE_ITEMS = 1_000


class _Unchanged(CurationError):
    """The graph holds everything already: rolled back, so that not even the Meta node's write
    beat (graph/curation/transaction.py) differs after a repeated import."""

    def __init__(self, version: str) -> None:
        super().__init__("nothing to change")
        self.version = version


class ImportRefused(CurationError):
    """The files break the rules: every problem, one line each; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the import")
        self.problems = problems


@dataclass
class ImportReport:
    """What an import wrote: nothing (changes empty) when the graph held it all already."""

    files: list[str]
    rows: int
    sources_created: int = 0
    entities_created: int = 0
    entities_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_restored: int = 0
    changes: tuple[ChangeRecord, ...] = ()
    version: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


# --- reading the graph, in the transaction ----------------------------------------------------


async def _run(tx: AsyncManagedTransaction, query: str, **params: Any) -> None:
    # Statements come from graph/cypher's closed tables, never from input.
    result = await tx.run(cast(LiteralString, query), params)  # type: ignore[redundant-cast]
    await result.consume()


async def _rows(tx: AsyncManagedTransaction, query: str, **params: Any) -> list[Row]:
    result = await tx.run(cast(LiteralString, query), params)  # type: ignore[redundant-cast]
    return [record.data() async for record in result]


def _batches(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _read_graph(tx: AsyncManagedTransaction, files: Files) -> GraphState:
    graph = GraphState()
    keys: set[str] = set()
    for line in files.entities:
        if isinstance(line.data.get("id"), str):
            keys.add(line.data["id"])
    for line in files.relationships:
        keys.update(line.data[end] for end in ("from", "to") if isinstance(line.data.get(end), str))
    for line in files.sources:
        if isinstance(line.data.get("publisher"), str):
            keys.add(line.data["publisher"])
    for batch in _batches(sorted(keys)):
        for found in await _rows(tx, curation_cypher.RESOLVE, keys=list(batch)):
            if found["live"] is not None:
                graph.live[found["key"]] = found["live"]
            elif found["retracted"] is not None:
                graph.retracted[found["key"]] = found["merged_into"]
    ids = {line.data["id"] for line in files.sources if isinstance(line.data.get("id"), str)}
    ids.update(source for line in [*files.entities, *files.relationships] for source in line.sources)
    for batch in _batches(sorted(ids)):
        for found in await _rows(tx, cypher.SOURCES, ids=list(batch)):
            graph.sources[found["id"]] = (found["props"], found["publisher"])
    return graph


# --- writing -----------------------------------------------------------------------------------


@dataclass
class _Counts:
    sources: int = 0
    created: int = 0
    updated: int = 0
    relationships: int = 0
    claims_updated: int = 0
    restored: int = 0


async def _write_entities(tx: AsyncManagedTransaction, edit: Edit, plan: Plan, counts: _Counts) -> None:
    by_kind: dict[str, list[Row]] = {}
    for ident, row in plan.new_entities.items():
        row["revision"] = 1
        by_kind.setdefault(row["kind"], []).append(row)
        edit.compare("entity", ident, None, row)
    for kind, batch_rows in sorted(by_kind.items()):
        for batch in _batches(batch_rows):
            await _run(tx, loader_cypher.CREATE_ENTITIES[kind], rows=list(batch))
    counts.created = len(plan.new_entities)
    changed: list[Row] = []
    renamed: list[Row] = []
    for before, after in plan.updated_entities:
        if not edit.compare("entity", after["id"], before, after):
            continue
        after["revision"] = int(before.get("revision") or 0) + 1
        changed.append({"id": after["id"], "props": after})
        if after["search_names"] != before.get("search_names"):
            renamed.append(after)
    counts.updated = len(changed)
    for batch in _batches(changed):
        await _run(tx, cypher.REPLACE_ENTITIES, rows=list(batch))
    old_terms: set[str] = set()
    for batch in _batches([row["id"] for row in renamed]):
        for found in await _rows(tx, cypher.UNLINK_NAMES, keys=list(batch)):
            old_terms.update(found["terms"])
    terms, names = term_rows([*plan.new_entities.values(), *renamed])
    for batch in _batches(terms):
        await _run(tx, entities_cypher.LINK_TERMS, terms=list(batch))
    for batch in _batches(names):
        await _run(tx, entities_cypher.LINK_NAMES, rows=list(batch))
    for batch in _batches(sorted(old_terms)):
        await _run(tx, curation_cypher.DELETE_UNUSED_TERMS, terms=list(batch))


async def _write_sources(tx: AsyncManagedTransaction, edit: Edit, plan: Plan, counts: _Counts) -> None:
    for row, publisher in plan.new_sources:
        await _run(tx, curation_cypher.CREATE_SOURCE, props=row, publisher=publisher)
        edit.compare("source", row["id"], None, {**row, "publisher": publisher})
    counts.sources = len(plan.new_sources)


async def _existing_claims(tx: AsyncManagedTransaction, plan: Plan) -> dict[str, Row]:
    """The claims the rows make that the graph holds already, by id (live or retracted)."""
    by_kind: dict[str, list[Row]] = {}
    for relation in plan.relations.values():
        if relation["from"] in plan.new_entities or relation["to"] in plan.new_entities:
            continue  # a new entity has no claims yet
        ends = {"from": relation["from"], "to": relation["to"], "id": relation["props"]["id"]}
        by_kind.setdefault(relation["props"]["kind"], []).append(ends)
    found: dict[str, Row] = {}
    for kind, claims in sorted(by_kind.items()):
        for batch in _batches(claims):
            for row in await _rows(tx, cypher.CLAIMS[kind], rows=list(batch)):
                # a live claim wins over a retracted one of the same id (asserted again since)
                if row["id"] not in found or row["type"] != RETRACTED_TYPE:
                    found[row["id"]] = row
    return found


async def _write_relationships(
    tx: AsyncManagedTransaction, edit: Edit, plan: Plan, counts: _Counts, progress: Progress
) -> None:
    existing = await _existing_claims(tx, plan)
    created: dict[str, list[Row]] = {}
    updated: dict[str, list[Row]] = {}
    touched: set[str] = set()
    for relation in plan.relations.values():
        props, start, end = relation["props"], relation["from"], relation["to"]
        rel_id, kind = props["id"], props["kind"]
        found = existing.get(rel_id)
        if found is None:
            props["revision"] = 1
            created.setdefault(kind, []).append(relation)
            edit.compare_claim(rel_id, (start, end), None, props)
            touched.update((start, end))
            continue
        before: Row = found["props"]
        after = {
            **before,
            "sources": plan.in_load_order([*before.get("sources", []), *props["sources"]]),
            "note": joined_note(before.get("note"), props.get("note")),
        }
        if after["note"] is None:
            del after["note"]
        if found["type"] == RETRACTED_TYPE:
            after.pop("retracted_reason", None)
            after.pop("retracted_at", None)
            after["revision"] = int(before.get("revision") or 0) + 1
            edit.compare_claim(rel_id, (start, end), before, after)
            await _run(
                tx,
                curation_cypher.RESTORE_RELATIONSHIP[kind],
                props=after,
                id=rel_id,
                **{"from": start, "to": end},
            )
            touched.update((start, end))
            counts.restored += 1
        elif edit.compare_claim(rel_id, (start, end), before, after):
            after["revision"] = int(before.get("revision") or 0) + 1
            changes = {name: after.get(name) for name in ("sources", "note", "revision")}
            updated.setdefault(kind, []).append({"from": start, "to": end, "id": rel_id, "changes": changes})
    total = sum(len(rows) for rows in created.values())
    done = 0
    for kind, relations in sorted(created.items()):
        for batch in _batches(relations):
            await _run(tx, curation_cypher.CREATE_RELATIONSHIP[kind], rows=list(batch))
            done += len(batch)
            progress(f"relationships created: {done} of {total}")
    for kind, rows in sorted(updated.items()):
        for batch in _batches(rows):
            await _run(tx, cypher.UPDATE_CLAIMS[kind], rows=list(batch))
    counts.relationships = total
    counts.claims_updated = sum(len(rows) for rows in updated.values())
    for batch in _batches(sorted(touched)):
        await _run(tx, curation_cypher.REFRESH_COUNTS, ids=list(batch))


def _ordered(problems: list[Problem]) -> list[str]:
    return [text for _, _, text in sorted(problems, key=lambda p: (p[0], p[1]))]


async def import_files(
    db: Database, paths: Sequence[Path], *, author: str, progress: Progress | None = None
) -> ImportReport:
    """Import the CSV files in one transaction; ImportRefused (nothing written) names every problem.

    Raises MaintenanceBusy while a maintenance run holds the graph, and the database's errors.
    """
    say = progress or (lambda _message: None)
    files = read_files(paths)
    say(f"read {files.rows} rows from {len(paths)} file{'s' if len(paths) != 1 else ''}")
    names = [Path(name).name for name in files.names]
    report = ImportReport(files=files.names, rows=files.rows)
    counts = _Counts()

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        nonlocal counts
        counts = _Counts()  # the transaction may run again: count this run only
        edit.subject = ", ".join(names)
        graph = await _read_graph(tx, files)
        plan, problems = make_plan(files, graph)
        if files.problems or problems:
            raise ImportRefused(_ordered(files.problems + problems))
        say("checked against the graph: no problems; writing")
        await _write_entities(tx, edit, plan, counts)
        await _write_sources(tx, edit, plan, counts)
        await _write_relationships(tx, edit, plan, counts, say)
        if not edit.changed:
            found = await _rows(tx, GRAPH_VERSION)
            raise _Unchanged(str(found[0]["version"]) if found else "")
        say(f"written; recording {len(edit.items)} changed fields in the history")

    try:
        written = await write(
            db,
            author=author,
            action="import",
            reason=f"import of {', '.join(names)}",
            client_id=None,
            work=work,
            part_items=CHANGE_ITEMS,
        )
    except _Unchanged as unchanged:
        report.version = unchanged.version
        return report
    report.sources_created = counts.sources
    report.entities_created = counts.created
    report.entities_updated = counts.updated
    report.relationships_created = counts.relationships
    report.relationships_updated = counts.claims_updated
    report.relationships_restored = counts.restored
    report.changes = written.changes
    report.version = written.version
    return report
