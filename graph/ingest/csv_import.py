"""`coopgraph import FILE...`: a researcher's spreadsheets (CSV) of sources, entities and
relationships, checked whole and then written in one transaction, or not at all.

Each file's header says what it holds (`kind`: entities, `type`: relationships, `language`:
sources). A row becomes the same dict a seed file's table gives (graph/ingest/seed_files.py),
so an import, the seed files and the API share one set of rules. What the rows name in the graph
(entities, sources, claims) is read inside the write transaction, so the checks and the write
see one state; any problem anywhere rolls it back and is reported with every other one, each
as `FILE: row N: field 'x': message` (N as a spreadsheet counts: the header is row 1).

The semantics are the seed files': an entity declared again (in the graph or in another file)
must agree in every field both state, and adds its aliases, identifiers, sources and missing
fields; the same claim (relation_key) adds its sources; a claim that was retracted is live again,
as when the API asserts it. So importing the same files twice changes nothing the second time.
The write goes through graph/curation/transaction.py: the maintenance fence, a new data version,
and the history as Change nodes of at most CHANGE_ITEMS diff items each, all in the transaction.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from graph.curation.edit import Edit, shown
from graph.curation.errors import CurationError
from graph.curation.relationships import joined_note
from graph.curation.transaction import write
from graph.cypher import curation as curation_cypher
from graph.cypher import entities as entities_cypher
from graph.cypher import imports as cypher
from graph.cypher import loader as loader_cypher
from graph.cypher.version import GRAPH_VERSION
from graph.database import Database
from graph.entities import term_rows
from graph.ingest.export import seed_file_name
from graph.ingest.seed_files import (
    ENTITY_COMMON,
    RELATION_FIELDS,
    SOURCE_ID_PATTERN,
    add_search_names,
    relation_id,
    relation_key,
    relation_link_problems,
    validate_entity,
    validate_relation,
    validate_source,
)
from graph.ontology import DATE_FIELDS, KIND_FIELDS, NUMBER, RETRACTED_TYPE
from graph.records import ChangeRecord

Row = dict[str, Any]
Progress = Callable[[str], None]

# Rows per statement: large enough that round trips do not dominate, small enough for the heap.
BATCH = 5_000
# Diff items per Change node: a 100,000-relationship import is a few hundred readable changes,
# not one property of tens of megabytes.
CHANGE_ITEMS = 1_000
LIST_SEPARATOR = "|"

SOURCE_COLUMNS: dict[str, tuple[type, ...]] = {
    name: (str,)
    for name in ("id", "file", "url", "language", "title", "title_en", "published", "publisher", "summary")
}
# Retraction and merges are judgements made through the API, with a reason, one at a time.
ENTITY_COLUMNS: dict[str, tuple[type, ...]] = {
    **{
        name: types
        for name, (_, types) in ENTITY_COMMON.items()
        if name not in ("retracted_reason", "merged_into")
    },
    **{name: types for fields in KIND_FIELDS.values() for name, types in fields.items()},
    "sources": (list,),
}
RELATION_COLUMNS: dict[str, tuple[type, ...]] = {
    **{name: types for name, (_, types) in RELATION_FIELDS.items() if name != "retracted_reason"},
    "sources": (list,),
}
# What a header must hold to say what the file is, in the order they are tried.
FILE_KINDS = (("entities", "kind"), ("relationships", "type"), ("sources", "language"))
COLUMNS = {"entities": ENTITY_COLUMNS, "relationships": RELATION_COLUMNS, "sources": SOURCE_COLUMNS}
TRUE, FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})


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


@dataclass(frozen=True)
class Entry:
    """Where a row is: its file (as given) and its row number as a spreadsheet shows it."""

    file: str
    order: int  # the file's position in the import, for reporting in the order given
    row: int

    def problem(self, name: str, message: str) -> tuple[int, int, str]:
        return self.order, self.row, f"{self.file}: row {self.row}: field {name!r}: {message}"


@dataclass
class Line:
    """One data row: its cells as a seed file's fields, and the sources it cites."""

    entry: Entry
    data: Row
    sources: list[str]
    row: Row | None = None  # the validated row; None when too broken to build


@dataclass
class Files:
    """What the files say, checked for everything that needs no graph."""

    names: list[str] = field(default_factory=list)
    sources: list[Line] = field(default_factory=list)
    entities: list[Line] = field(default_factory=list)
    relationships: list[Line] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.sources) + len(self.entities) + len(self.relationships)


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


# --- reading the files ---------------------------------------------------------------------------


def _boolean(text: str) -> bool:
    word = text.lower()
    if word not in TRUE and word not in FALSE:
        raise ValueError(f"expected true or false, got {text!r}")
    return word in TRUE


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"expected a whole number, got {text!r}") from None


def _number(text: str) -> int | float:
    # A whole number stays an int: a claim's amount is part of its identity (relation_key), and
    # the seed files write 1500, not 1500.0.
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise ValueError(
            f"expected a number (a dot for decimals, no thousands separator), got {text!r}"
        ) from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {text!r}")
    return number


def _list(text: str) -> list[str]:
    # Empty pieces stay, for the validator to refuse ("a||b" is a slip, not a name).
    return [part.strip() for part in text.split(LIST_SEPARATOR)]


def _identifiers(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in _list(text):
        scheme, colon, value = (piece.strip() for piece in part.partition(":"))
        if not colon or not scheme or not value:
            raise ValueError(f"expected scheme:value items separated by {LIST_SEPARATOR}, got {part!r}")
        if scheme in found:
            raise ValueError(f"scheme {scheme!r} given twice")
        found[scheme] = value
    return found


_PARSERS: dict[tuple[type, ...], Callable[[str], Any]] = {
    (bool,): _boolean,
    (int,): _whole,
    NUMBER: _number,
    (list,): _list,
    (dict,): _identifiers,
    (str,): str,
}


def _cell(text: str, types: tuple[type, ...]) -> tuple[Any, str | None]:
    """A cell's value by its field's type, or the reason it does not parse."""
    try:
        return _PARSERS[types](text), None
    except ValueError as exc:
        return None, str(exc)


def _records(path: Path) -> Iterator[list[str]]:
    # utf-8-sig: a spreadsheet's "CSV UTF-8" export starts with a byte-order mark.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _header(path: str, order: int, header: list[str], files: Files) -> tuple[str, list[str]] | None:
    """What the file holds and its column names, or None (problems recorded)."""
    columns = [name.strip().lower() for name in header]
    at = Entry(path, order, 1)
    what = next((kind for kind, marker in FILE_KINDS if marker in columns), None)
    if what is None:
        files.problems.append(
            (
                order,
                1,
                f"{path}: row 1: the header names no 'kind' (an entities file), 'type' (a "
                "relationships file) or 'language' (a sources file) column",
            )
        )
        return None
    known = COLUMNS[what]
    ok = True
    for index, name in enumerate(columns):
        if not name:
            files.problems.append(at.problem(f"column {index + 1}", "has no name"))
            ok = False
        elif name not in known:
            files.problems.append(
                at.problem(name, f"unknown column for {what}; expected some of {', '.join(known)}")
            )
            ok = False
        elif columns.index(name) != index:
            files.problems.append(at.problem(name, "column given twice"))
            ok = False
    return (what, columns) if ok else None


def _line(entry: Entry, what: str, columns: list[str], cells: list[str], files: Files) -> Line:
    data: Row = {}
    sources: list[str] = []
    at = columns.index("kind") if what == "entities" else len(cells)
    kind = cells[at].strip() if at < len(cells) else ""
    for name, raw in zip(columns, cells, strict=False):
        text = raw.strip()
        if not text:  # an empty cell is an absent field
            continue
        own = KIND_FIELDS.get(kind, {})
        value: Any
        if what == "entities" and name not in own and name not in ENTITY_COMMON and name != "sources":
            value, problem = text, None  # another kind's field: the validator names it
        else:
            value, problem = _cell(text, own.get(name) or COLUMNS[what][name])
        if problem is not None:
            files.problems.append(entry.problem(name, problem))
        elif name == "sources":
            sources = value
        elif name == "inferred" and value is False:
            continue  # not inferred is what no value says: stating it changes nothing
        else:
            data[name] = value
    if what != "sources":
        if not sources:
            files.problems.append(entry.problem("sources", "missing: the ids of the sources that state it"))
        for source in sources:
            if not SOURCE_ID_PATTERN.match(source):
                files.problems.append(entry.problem("sources", f"{source!r} is not a source id (src-...)"))
    return Line(entry, data, sources)


def _validate(line: Line, what: str, files: Files) -> None:
    if what == "sources":
        line.row, problems = validate_source(line.data)
    elif what == "entities":
        line.row, problems = validate_entity(line.data, line.sources)
    else:
        line.row, problems = validate_relation(line.data, line.sources)
    files.problems.extend(line.entry.problem(name, message) for name, message in problems)


def read_files(paths: Sequence[Path]) -> Files:
    """Every row of every file, parsed and checked by the seed files' rules alone."""
    files = Files(names=[str(path) for path in paths])
    for order, path in enumerate(paths):
        name = str(path)
        try:
            records = _records(path)
            header = next(records, None)
            if header is None:
                files.problems.append((order, 0, f"{name}: empty file: no header row"))
                continue
            shape = _header(name, order, header, files)
            if shape is None:
                continue
            what, columns = shape
            for number, cells in enumerate(records, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                entry = Entry(name, order, number)
                if len(cells) > len(columns):
                    files.problems.append(
                        entry.problem(
                            f"column {len(columns) + 1}",
                            f"the row has {len(cells)} cells, the header {len(columns)}",
                        )
                    )
                    continue
                line = _line(entry, what, columns, cells, files)
                _validate(line, what, files)
                getattr(files, what).append(line)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            files.problems.append((order, 0, f"{name}: cannot read it: {exc}"))
    return files


# --- checking against the graph --------------------------------------------------------------


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


@dataclass
class _Graph:
    """What the rows name, as the graph holds it now."""

    live: dict[str, Row] = field(default_factory=dict)
    retracted: dict[str, str | None] = field(default_factory=dict)  # id -> merged_into
    sources: dict[str, tuple[Row, str | None]] = field(default_factory=dict)


async def _read_graph(tx: AsyncManagedTransaction, files: Files) -> _Graph:
    graph = _Graph()
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


def _absent_entity(key: str, graph: _Graph, declared: set[str]) -> str | None:
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
class _Plan:
    """What to write, worked out from the files and the graph."""

    new_sources: list[tuple[Row, str | None]] = field(default_factory=list)
    new_entities: dict[str, Row] = field(default_factory=dict)
    updated_entities: list[tuple[Row, Row]] = field(default_factory=list)  # before, after
    relations: dict[tuple[Any, ...], Row] = field(default_factory=dict)  # key -> {from, to, props}
    file_names: dict[str, str] = field(default_factory=dict)  # source id -> its seed file's name

    def in_load_order(self, ids: Sequence[str]) -> list[str]:
        """Sources as a load of the exported files lists them: by file name (graph/curation/lookup.py)."""
        return sorted(dict.fromkeys(ids), key=lambda i: (self.file_names.get(i, f"{i}.toml"), i))


def _check_sources(
    files: Files, graph: _Graph, declared: set[str], plan: _Plan
) -> list[tuple[int, int, str]]:
    problems: list[tuple[int, int, str]] = []
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


def _cited(files: Files, graph: _Graph) -> list[tuple[int, int, str]]:
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
) -> tuple[dict[str, Row], dict[str, dict[str, Entry]], list[tuple[int, int, str]]]:
    """One row per id from every declaration in the files (as two seed files declaring it), with the
    row that stated each field, for naming it in a disagreement with the graph."""
    combined: dict[str, Row] = {}
    origins: dict[str, dict[str, Entry]] = {}
    problems: list[tuple[int, int, str]] = []
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


def _onto_graph(before: Row, row: Row, origin: dict[str, Entry]) -> tuple[Row, list[tuple[int, int, str]]]:
    """An entity in the graph with what the import says of it added; disagreements as problems."""
    after = dict(before)
    problems: list[tuple[int, int, str]] = []
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


def _plan(files: Files, graph: _Graph) -> tuple[_Plan, list[tuple[int, int, str]]]:
    plan = _Plan()
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


def _order_sources(plan: _Plan, graph: _Graph) -> None:
    sources = [props for props, _ in graph.sources.values()] + [row for row, _ in plan.new_sources]
    plan.file_names = {str(row["id"]): seed_file_name(str(row["id"]), row.get("file")) for row in sources}
    for row in [*plan.new_entities.values(), *(after for _, after in plan.updated_entities)]:
        row["sources"] = plan.in_load_order(row["sources"])
    for relation in plan.relations.values():
        relation["props"]["sources"] = plan.in_load_order(relation["props"]["sources"])


# --- writing ---------------------------------------------------------------------------------------


@dataclass
class _Counts:
    sources: int = 0
    created: int = 0
    updated: int = 0
    relationships: int = 0
    claims_updated: int = 0
    restored: int = 0


async def _write_entities(tx: AsyncManagedTransaction, edit: Edit, plan: _Plan, counts: _Counts) -> None:
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


async def _write_sources(tx: AsyncManagedTransaction, edit: Edit, plan: _Plan, counts: _Counts) -> None:
    for row, publisher in plan.new_sources:
        await _run(tx, curation_cypher.CREATE_SOURCE, props=row, publisher=publisher)
        edit.compare("source", row["id"], None, {**row, "publisher": publisher})
    counts.sources = len(plan.new_sources)


async def _existing_claims(tx: AsyncManagedTransaction, plan: _Plan) -> dict[str, Row]:
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
    tx: AsyncManagedTransaction, edit: Edit, plan: _Plan, counts: _Counts, progress: Progress
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


def _ordered(problems: list[tuple[int, int, str]]) -> list[str]:
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
        plan, problems = _plan(files, graph)
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
