"""Writes the curated graph as seed files (`coopgraph export-seeds DIR`).

The files are what `graph/ingest/seed_files.py` reads, laid out as the curated seeds/ are:

* one file per source document, named after its `file` (`000_d840e59b7b29eb0c.txt` gives
  `000_d840e59b7b29eb0c.toml`; a name that is not a plain file name gives `<source id>.toml`);
* each entity and relationship written whole in the file of the first document it cites, in the
  order the loader reads the files (their names, sorted): the loader keeps the first file's
  fields of a relationship, so that one has to hold them all;
* in each other file it cites, a declaration that adds that file's source: an entity's
  identity (id, kind, subtype, name, lang, name_en, country), a relationship's identifying
  fields (the ones that make two declarations one claim) and its note, which the loader then
  finds equal and keeps as it is.

What the graph cannot say is kept from the files already in the directory, where there are
any: the order of their entries, their opening comments, and which of two files gave an entity
stated in both an alias or a note (`plan_files`' `existing`). Exported into seeds/, the unchanged
seed graph gives the five files byte for byte; into an empty directory, entries are ordered by
kind and id. Synthetic data is not exported: it is generated (`coopgraph synth`), not curated.
Retracted entities and RETRACTED relationships are, as the entity or relation of their kind with
their `retracted_reason` (and `merged_into`); what API writes add that no file can say
(`revision`, `retracted_at`) is left out, and out of the comparison below.

Before anything is replaced, the files are written to a staging directory beside the target,
read back by the seed validator and compared with the graph that was read (`differences`):
loading them must give the same sources, publisher links, entities and relationships, with
every property. Only then is each file renamed into place (fsynced), so a killed export never
leaves a half-written file; the set is replaced file by file.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.curated import CuratedGraph, read_curated_graph
from graph.cypher import loader as load_cypher
from graph.database import Database
from graph.ingest.seed_files import SeedError, SeedGraph, read_seed_graph
from graph.ingest.seed_toml import render
from graph.ontology import (
    DATE_FIELDS,
    KIND_FIELDS,
    KIND_LABELS,
    RELATION_REQUIRED,
    RELATION_TYPES,
    RETRACTED_TYPE,
)
from graph.validation import ENTITY_COMMON, RELATION_FIELDS, RELATION_KEY, SOURCE_FIELDS

Row = dict[str, Any]


# Field order in the written files: the order of the curated seeds.
SOURCE_ORDER = (
    "id", "file", "url", "language", "title", "title_en", "publisher", "publisher_inferred_reason",
    "published", "summary",
)  # fmt: skip
ENTITY_HEAD = ("id", "kind", "subtype", "name", "lang", "name_en", "country", "aliases", "identifiers")
ENTITY_TAIL = ("inferred", "inferred_reason", "note", "identity_note", "retracted_reason", "merged_into")
RELATION_ORDER = (
    "type", "from", "to", "role", "title", "title_en", "start", "end", "amount", "currency",
    "workload", "inferred", "inferred_reason", "note", "retracted_reason",
)  # fmt: skip
# What a declaration in a further file repeats: what must agree, or what identifies the claim.
ENTITY_IDENTITY = ("id", "kind", "subtype", "name", "lang", "name_en", "country")

# Properties the loader derives from the fields (graph/validation.py, loader.py): not written.
_DATE_DERIVED = {f"{name}_{part}" for name in (*DATE_FIELDS, "published") for part in ("precision", "date")}
# What API writes keep on the graph and a seed file has no place for: the optimistic-concurrency
# counter and when a retraction happened. Not written, and a load does not give them back, so the
# round trip leaves them out (differences).
WRITE_DERIVED = frozenset({"revision", "retracted_at"})
ENTITY_DERIVED = frozenset(
    {
        "actor", "curated", "sources", "search_names", "search_key", "degree", "members",
        *_DATE_DERIVED, *WRITE_DERIVED,
    }
)  # fmt: skip
SOURCE_DERIVED = frozenset({"curated", "revision", *_DATE_DERIVED})
RELATION_DERIVED = frozenset({"id", "kind", "sources", "curated", *_DATE_DERIVED, *WRITE_DERIVED})
_KIND_BY_TYPE = {rel_type: kind for kind, rel_type in RELATION_TYPES.items()}
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ExportError(Exception):
    """The curated graph cannot be written as seed files; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("cannot export the curated graph:\n  - " + "\n  - ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ExportReport:
    files: list[Path]
    sources: int
    entities: int
    relations: int
    # .toml files already in the directory that this export did not write (a source no longer
    # in the graph?); left alone, but a load of the directory would read them too.
    others: list[Path] = field(default_factory=list)


@dataclass
class _File:
    source: Row
    entities: list[Row] = field(default_factory=list)
    relations: list[Row] = field(default_factory=list)


def _ordered(data: Row, order: Iterable[str]) -> Row:
    return {name: data[name] for name in order if name in data and data[name] is not None}


def _source_fields(row: Row, problems: list[str]) -> Row:
    props = row["props"]
    for name in sorted(set(props) - set(SOURCE_FIELDS) - SOURCE_DERIVED):
        problems.append(f"source {props.get('id')!r}: property {name!r} has no place in a seed file")
    data = {name: value for name, value in props.items() if name in SOURCE_FIELDS}
    if row["publisher"] is not None:
        data["publisher"] = row["publisher"]
        data["publisher_inferred_reason"] = row["publisher_inferred_reason"]
    return _ordered(data, SOURCE_ORDER)


def _entity_fields(props: Row, retracted: bool, problems: list[str]) -> Row:
    kind = props.get("kind")
    if kind not in KIND_LABELS:
        problems.append(f"entity {props.get('id')!r}: unknown kind {kind!r}")
        return {}
    # The label decides what a load makes of it, the property what a seed file can say.
    if retracted != (props.get("retracted_reason") is not None):
        state = "has the Retracted label but no" if retracted else "is live but has a"
        problems.append(f"entity {props['id']!r}: {state} retracted_reason")
    kind_fields = tuple(KIND_FIELDS.get(kind, {}))
    allowed = set(ENTITY_COMMON) | set(kind_fields)
    for name in sorted(set(props) - allowed - ENTITY_DERIVED):
        problems.append(f"entity {props['id']!r}: property {name!r} has no place in a seed file")
    data = {name: value for name, value in props.items() if name in allowed}
    if not data.get("aliases"):
        data.pop("aliases", None)
    identifiers: dict[str, str] = {}
    for identifier in data.pop("identifiers", None) or []:
        scheme, _, value = identifier.partition(":")
        if scheme in identifiers:
            problems.append(f"entity {props['id']!r}: two identifiers of scheme {scheme!r}")
        identifiers[scheme] = value
    if identifiers:
        data["identifiers"] = identifiers
    return _ordered(data, (*ENTITY_HEAD, *kind_fields, *ENTITY_TAIL))


def _relation_fields(row: Row, problems: list[str]) -> Row:
    props = row["props"]
    retracted = row["type"] == RETRACTED_TYPE
    # A retracted relationship keeps its kind as a property; a live one has it as its type too.
    kind = (
        props.get("kind")
        if retracted and props.get("kind") in RELATION_TYPES
        else _KIND_BY_TYPE.get(row["type"])
    )
    where = f"relationship {props.get('id')!r} ({row['from_id']} -{row['type']}-> {row['to_id']})"
    if kind is None or props.get("kind") != kind:
        problems.append(f"{where}: not a relationship of the ontology")
        return {}
    if retracted != (props.get("retracted_reason") is not None):
        state = "is RETRACTED but has no" if retracted else "is live but has a"
        problems.append(f"{where}: {state} retracted_reason")
    for name in sorted(set(props) - set(RELATION_FIELDS) - RELATION_DERIVED):
        problems.append(f"{where}: property {name!r} has no place in a seed file")
    data = {name: value for name, value in props.items() if name in RELATION_FIELDS}
    data.update({"type": kind, "from": row["from_id"], "to": row["to_id"]})
    return _ordered(data, RELATION_ORDER)


def seed_file_name(source_id: str, document: str | None) -> str:
    """The seed file a source's facts are written to: its document's stem, or its id where that is
    no plain file name. A load reads the files in name order, so an entity's or relationship's
    sources are listed in the order of these names (graph/curation/lookup.py keeps that order)."""
    if document is None or not _PLAIN_NAME.match(document):
        return f"{source_id}.toml"
    return f"{Path(document).stem}.toml"


def _file_names(sources: list[Row]) -> dict[str, str]:
    """Each source's file name (seed_file_name), made unique by the id where two would collide."""
    names: dict[str, str] = {}
    for row in sources:
        source_id = row["props"]["id"]
        name = seed_file_name(source_id, row["props"].get("file"))
        if name in names.values():
            name = f"{source_id}.toml"
        names[source_id] = name
    return names


def _placed(
    what: str, sources: Any, names: dict[str, str], problems: list[str]
) -> tuple[str, list[str]] | None:
    """The file that holds a fact whole, and the further files that cite it."""
    if not isinstance(sources, list) or not sources:
        problems.append(f"{what}: no sources")
        return None
    missing = [s for s in sources if s not in names]
    if missing:
        problems.append(f"{what}: cites {', '.join(map(repr, missing))}, not a curated source")
        return None
    files = sorted(names[s] for s in sources)
    return files[0], files[1:]


def plan_files(graph: CuratedGraph, existing: dict[str, Row] | None = None) -> dict[str, Row]:
    """The seed documents to write, by file name; raises ExportError if the graph cannot be written.

    `existing`: the documents already in the target directory, by file name. An entity stated
    in several documents then keeps in each further file the fields that file already gave it
    (where the graph still agrees), and the first file leaves out what only those gave.
    """
    problems: list[str] = []
    names = _file_names(graph.sources)
    files = {names[row["props"]["id"]]: _File(_source_fields(row, problems)) for row in graph.sources}
    kind_order = {kind: index for index, kind in enumerate(KIND_LABELS)}
    for props in sorted(graph.entities, key=lambda p: (kind_order.get(str(p.get("kind")), -1), p["id"])):
        data = _entity_fields(props, props["id"] in graph.retracted, problems)
        placed = _placed(f"entity {props['id']!r}", props.get("sources"), names, problems)
        if not data or placed is None:
            continue
        first, further = placed
        declared = {name: _declared(existing, name, "entities", props["id"]) for name in (first, *further)}
        repeats = [_repeated(data, declared[name]) for name in further]
        files[first].entities.append(_without(data, repeats, declared[first]))
        for name, repeat in zip(further, repeats, strict=True):
            files[name].entities.append(repeat)
    _place_relations(graph.relations, names, files, problems)
    if problems:
        raise ExportError(problems)
    return {name: _document(file) for name, file in sorted(files.items())}


def _declared(existing: dict[str, Row] | None, name: str, section: str, ident: str) -> Row | None:
    entries = (existing or {}).get(name, {}).get(section)
    if not isinstance(entries, list):
        return None
    return next((e for e in entries if isinstance(e, dict) and e.get("id") == ident), None)


def _repeated(data: Row, old: Row | None) -> Row:
    """A further file's declaration: the identity, and what the file already said that still holds."""
    repeat = _ordered(data, ENTITY_IDENTITY)
    if old is None:
        return repeat
    for name, value in data.items():
        if name in repeat or name not in old:
            continue
        kept: Any
        if name == "aliases" and isinstance(old[name], list):
            kept = [alias for alias in value if alias in old[name]]
        elif name == "identifiers" and isinstance(old[name], dict):
            kept = {k: v for k, v in value.items() if old[name].get(k) == v}
        else:
            kept = value if old[name] == value else None
        if kept:
            repeat[name] = kept
    return _ordered(repeat, data)


def _without(data: Row, repeats: list[Row], old: Row | None) -> Row:
    """The first file's declaration: all of it, less what only further files said before."""
    if old is None:
        return data
    kept = dict(data)
    for repeat in repeats:
        for name, value in repeat.items():
            if name in ENTITY_IDENTITY or name not in kept:
                continue
            mine: Any = old.get(name) if isinstance(old.get(name), list | dict) else ()
            if name == "aliases":
                kept[name] = [a for a in kept[name] if a not in value or a in mine]
            elif name == "identifiers":
                kept[name] = {k: v for k, v in kept[name].items() if k not in value or k in mine}
            elif name not in old:
                del kept[name]
            if not kept.get(name, True):
                del kept[name]
    return kept


def _place_relations(
    relations: list[Row], names: dict[str, str], files: dict[str, _File], problems: list[str]
) -> None:
    type_order = {kind: index for index, kind in enumerate(RELATION_TYPES)}
    rows = [(row, _relation_fields(row, problems)) for row in relations]
    seen: dict[tuple[Any, ...], str] = {}
    for row, data in sorted(rows, key=lambda r: (type_order.get(r[1].get("type", ""), -1), _sort_key(r[1]))):
        if not data:
            continue
        rel_id = row["props"].get("id")
        key = _relation_key(data)
        if key in seen:
            problems.append(f"relationships {seen[key]!r} and {rel_id!r} state the same claim")
            continue
        seen[key] = rel_id
        placed = _placed(f"relationship {rel_id!r}", row["props"].get("sources"), names, problems)
        if placed is None:
            continue
        first, further = placed
        files[first].relations.append(data)
        # Identifying fields, the fields its kind requires, and the note the loader compares.
        repeated = (*RELATION_KEY, *RELATION_REQUIRED.get(data["type"], ()), "note")
        for name in further:
            files[name].relations.append(_ordered(data, [n for n in RELATION_ORDER if n in repeated]))


def _sort_key(data: Row) -> tuple[str, ...]:
    return (data.get("from", ""), data.get("to", ""), *(repr(data.get(name)) for name in RELATION_KEY))


def _document(file: _File) -> Row:
    document: Row = {"source": file.source}
    if file.entities:
        document["entities"] = file.entities
    if file.relations:
        document["relations"] = file.relations
    return document


def _write_durably(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def write_seed_files(
    directory: Path,
    documents: dict[str, Row],
    headers: dict[str, list[str]] | None = None,
    check: Callable[[SeedGraph], list[str]] | None = None,
) -> list[Path]:
    """Write the files, validated as a set first; each one replaces its old version by a rename.

    `check` gets what the seed validator read from the staged files and returns problems; any
    problem, or any the validator finds, raises ExportError with nothing written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-seeds-", dir=directory))
    try:
        staged = []
        for name, document in documents.items():
            try:
                text = render(document, (headers or {}).get(name))
            except ValueError as exc:
                raise ExportError([str(exc)]) from exc
            _write_durably(staging / name, text)
            staged.append(staging / name)
        try:
            seed = read_seed_graph(staged)
        except SeedError as exc:
            raise ExportError(exc.problems) from exc
        problems = check(seed) if check is not None else []
        if problems:
            raise ExportError(problems)
        written = []
        for path in staged:
            os.chmod(path, 0o644)
            os.replace(path, directory / path.name)
            written.append(directory / path.name)
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # the renames themselves survive a crash
        finally:
            os.close(descriptor)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value  # the driver's Date


def _differences(what: str, expected: Row, loaded: Row, ignore: frozenset[str] = frozenset()) -> list[str]:
    names = sorted((set(expected) | set(loaded)) - ignore)
    return [
        f"{what}: {name!r} would load back as {loaded.get(name)!r}, not {_native(expected.get(name))!r}"
        for name in names
        if _native(expected.get(name)) != loaded.get(name)
    ]


def differences(graph: CuratedGraph, seed: SeedGraph) -> list[str]:
    """Where loading the seed files would not give back the graph they were written from."""
    problems: list[str] = []
    loaded_sources = {row["id"]: row for row in seed.sources}
    publishers = {row["source"]: row for row in seed.publishers}
    for row in graph.sources:
        ident = row["props"]["id"]
        problems += _differences(
            f"source {ident!r}", row["props"], loaded_sources.get(ident, {}), WRITE_DERIVED
        )
        publisher = publishers.get(ident, {})
        expected = {"publisher": row["publisher"], "inferred_reason": row["publisher_inferred_reason"]}
        loaded = {
            "publisher": publisher.get("publisher"),
            "inferred_reason": publisher.get("inferred_reason"),
        }
        problems += _differences(f"source {ident!r}", expected, loaded)
    for props in graph.entities:
        loaded = seed.entities.get(props["id"], {})
        ignore = WRITE_DERIVED | {"degree", "members"}
        problems += _differences(f"entity {props['id']!r}", props, loaded, ignore)
    relations = {row["props"]["id"]: row for row in seed.relations.values()}
    for row in graph.relations:
        ident = row["props"].get("id")
        loaded = relations.get(ident, {"props": {}})
        ends = {"from": row["from_id"], "to": row["to_id"]}
        problems += _differences(f"relationship {ident!r}", ends, {k: loaded.get(k) for k in ends})
        problems += _differences(f"relationship {ident!r}", row["props"], loaded["props"], WRITE_DERIVED)
    if len(seed.sources) != len(graph.sources) or len(seed.entities) != len(graph.entities):
        problems.append("the files would load more sources or entities than the graph has")
    if len(seed.relations) != len(graph.relations):
        problems.append("the files would load another number of relationships than the graph has")
    return problems


def read_existing(directory: Path) -> tuple[dict[str, Row], dict[str, list[str]]]:
    """The seed files already in `directory` (those that parse), and their opening comment lines."""
    documents: dict[str, Row] = {}
    headers: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
            documents[path.name] = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        header = list(itertools.takewhile(lambda line: line.startswith("#"), text.splitlines()))
        if header:
            headers[path.name] = header
    return documents, headers


def keep_existing_order(existing: dict[str, Row], documents: dict[str, Row]) -> None:
    """Entries a file of the same name already holds keep their places; new ones follow them.

    Exporting into seeds/ then changes only what the graph changed (the hand-made order of the
    entries is not in the graph); into an empty directory the order is by kind, then id.
    """
    for name, document in documents.items():
        old = existing.get(name, {})
        for section in ("entities", "relations"):
            entries = old.get(section)
            if section not in document or not isinstance(entries, list):
                continue
            place: dict[str, int] = {}
            for index, entry in enumerate(entries):
                if isinstance(entry, dict):
                    place.setdefault(_entry_key(section, entry), index)
            document[section].sort(key=lambda entry: place.get(_entry_key(section, entry), len(entries)))


def _entry_key(section: str, entry: Row) -> str:
    return repr(entry.get("id") if section == "entities" else _relation_key(entry))


def _relation_key(data: Row) -> tuple[Any, ...]:
    return tuple(data.get(name) for name in RELATION_KEY)


async def export_seeds(db: Database, directory: Path) -> ExportReport:
    """Write the curated graph (not the synthetic data) into `directory` as seed files.

    Afterwards the changes made through the API up to the read are held by seed files: a load
    no longer asks before it replaces them (graph/ingest/loader.py)."""
    seq = (await db.read(load_cypher.CHANGE_SEQ))[0]["seq"]
    report = write_graph(await read_curated_graph(db), directory)
    await db.write(load_cypher.SAVED_BY_EXPORT, {"seq": seq, "dir": str(directory.resolve())})
    return report


def write_graph(graph: CuratedGraph, directory: Path) -> ExportReport:
    """Write `graph` into `directory` as seed files that load back into exactly that graph.

    The files are checked before any is written. Where the layout that follows the files already
    there would not load back the same (an alias order it cannot keep, say), the entities are
    written whole in their first file instead.
    """
    existing, headers = read_existing(directory)

    def check(seed: SeedGraph) -> list[str]:
        return differences(graph, seed)

    def write(documents: dict[str, Row]) -> list[Path]:
        keep_existing_order(existing, documents)
        return write_seed_files(directory, documents, headers, check)

    try:
        written = write(plan_files(graph, existing))
    except ExportError:
        if not existing:
            raise
        written = write(plan_files(graph))
    others = sorted(set(directory.glob("*.toml")) - set(written))
    return ExportReport(written, len(graph.sources), len(graph.entities), len(graph.relations), others)
