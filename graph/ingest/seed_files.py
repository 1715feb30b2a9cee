"""Reads and validates the curated seed files (seeds/*.toml) into rows ready to write.

Everything is checked before anything is written; the first problem found in each entry is
reported with the file, the entry and the field, and all problems are reported together.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.dates import parse_fuzzy_date
from graph.ontology import (
    ACTOR_KINDS,
    COUNTRIES,
    DATE_FIELDS,
    KIND_FIELDS,
    KIND_LABELS,
    LANGUAGES,
    NUMBER,
    RELATION_REQUIRED,
    RELATION_REQUIRED_ONE_OF,
    RELATION_TYPES,
    REQUIRED_SUBTYPES,
)
from graph.text import fold

ID_PATTERN = re.compile(r"^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_ID_PATTERN = re.compile(r"^src-[a-z0-9-]+$")
SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"

Row = dict[str, Any]

SOURCE_FIELDS: dict[str, tuple[bool, tuple[type, ...]]] = {
    "id": (True, (str,)),
    "file": (True, (str,)),
    "language": (True, (str,)),
    "title_en": (True, (str,)),
    "title": (False, (str,)),
    "publisher": (False, (str,)),
    "publisher_inferred_reason": (False, (str,)),
    "published": (False, (str,)),
    "summary": (False, (str,)),
}
ENTITY_COMMON: dict[str, tuple[bool, tuple[type, ...]]] = {
    "id": (True, (str,)),
    "kind": (True, (str,)),
    "name": (True, (str,)),
    "lang": (True, (str,)),
    "name_en": (True, (str,)),
    "country": (True, (str,)),
    "aliases": (False, (list,)),
    "subtype": (False, (str,)),
    "identifiers": (False, (dict,)),
    "note": (False, (str,)),
    "inferred": (False, (bool,)),
    "inferred_reason": (False, (str,)),
    "identity_note": (False, (str,)),
}
RELATION_FIELDS: dict[str, tuple[bool, tuple[type, ...]]] = {
    "type": (True, (str,)),
    "from": (True, (str,)),
    "to": (True, (str,)),
    "role": (False, (str,)),
    "start": (False, (str,)),
    "end": (False, (str,)),
    "amount": (False, NUMBER),
    "currency": (False, (str,)),
    "workload": (False, NUMBER),
    "title": (False, (str,)),
    "title_en": (False, (str,)),
    "note": (False, (str,)),
    "inferred": (False, (bool,)),
    "inferred_reason": (False, (str,)),
}
# Fields that identify a relationship: equal in two files means the same claim, sourced twice.
RELATION_KEY = ("type", "from", "to", "role", "start", "end", "amount", "workload", "title")


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
        grouped: dict[str, list[Row]] = {}
        for row in self.entities.values():
            grouped.setdefault(row["kind"], []).append(row)
        return grouped

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
        grouped: dict[str, list[Row]] = {}
        for row in self.relations.values():
            grouped.setdefault(row["props"]["kind"], []).append(row)
        return grouped


class _Entry:
    """Collects the problems of one entry, each naming file, entry and field."""

    def __init__(self, problems: list[str], where: str) -> None:
        self.problems = problems
        self.where = where

    def fail(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: field {name!r}: {message}")

    def check_fields(self, data: Row, spec: dict[str, tuple[bool, tuple[type, ...]]]) -> bool:
        ok = True
        for name, (required, types) in spec.items():
            if name not in data:
                if required:
                    self.fail(name, "missing")
                    ok = False
            elif not isinstance(data[name], types) or (types == NUMBER and isinstance(data[name], bool)):
                self.fail(name, f"expected {' or '.join(t.__name__ for t in types)}, got {data[name]!r}")
                ok = False
        return ok

    def check_date(self, data: Row, name: str, out: Row, bound: str) -> None:
        if name not in data:
            return
        try:
            parsed = parse_fuzzy_date(data[name])
        except ValueError as exc:
            self.fail(name, str(exc))
            return
        out[name] = parsed.text
        out[f"{name}_precision"] = parsed.precision
        # The widest reading, for filters; a date without a year bounds nothing (graph/dates.py).
        day = parsed.first if bound == "first" else parsed.last
        if day is not None:
            out[f"{name}_date"] = day


def _where(path: Path, section: str, index: int, data: Any) -> str:
    ident = data.get("id") if isinstance(data, dict) else None
    label = f" (id {ident!r})" if isinstance(ident, str) else ""
    return f"{path.name}: {section}[{index}]{label}"


def _date_bound(name: str) -> str:
    return "last" if name == "end" else "first"


def _source_row(path: Path, data: Any, problems: list[str]) -> Row | None:
    entry = _Entry(problems, f"{path.name}: [source]")
    if not isinstance(data, dict):
        problems.append(f"{path.name}: [source] table missing")
        return None
    for extra in sorted(set(data) - set(SOURCE_FIELDS)):
        entry.fail(extra, "unknown field")
    if not entry.check_fields(data, SOURCE_FIELDS):
        return None
    if not SOURCE_ID_PATTERN.match(data["id"]):
        entry.fail("id", f"{data['id']!r} must look like src-000")
    if data["language"] not in LANGUAGES:
        entry.fail("language", f"unknown language {data['language']!r}")
    row: Row = {k: data[k] for k in ("id", "file", "language", "title", "title_en", "summary") if k in data}
    entry.check_date(data, "published", row, "first")
    row["curated"] = True
    return row


def _entity_row(entry: _Entry, data: Row, source_id: str) -> Row | None:
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KIND_LABELS:
        entry.fail("kind", f"unknown kind {kind!r}; expected one of {', '.join(sorted(KIND_LABELS))}")
        return None
    spec = dict(ENTITY_COMMON)
    spec.update({name: (False, types) for name, types in KIND_FIELDS.get(kind, {}).items()})
    for extra in sorted(set(data) - set(spec)):
        entry.fail(extra, f"unknown field for kind {kind!r}")
    if not entry.check_fields(data, spec):
        return None
    if not ID_PATTERN.match(data["id"]):
        entry.fail("id", f"{data['id']!r} must be a lowercase slug starting with a country, e.g. ee-innove")
    if data["country"] not in COUNTRIES:
        entry.fail("country", f"unknown country {data['country']!r}")
    if data["lang"] not in LANGUAGES:
        entry.fail("lang", f"unknown language {data['lang']!r}")
    allowed = REQUIRED_SUBTYPES.get(kind)
    if kind in REQUIRED_SUBTYPES and "subtype" not in data:
        entry.fail("subtype", f"required for kind {kind!r}")
    elif allowed is not None and data.get("subtype") not in allowed:
        entry.fail("subtype", f"{data.get('subtype')!r} is not one of {', '.join(sorted(allowed))}")
    if data.get("inferred") and not data.get("inferred_reason"):
        entry.fail("inferred_reason", "required when inferred = true")
    aliases = data.get("aliases", [])
    if not all(isinstance(a, str) and a for a in aliases):
        entry.fail("aliases", "must be a list of non-empty strings")
    elif data["name"] in aliases or len(set(aliases)) < len(aliases):
        entry.fail("aliases", "other names only: no repeat of the name or of another alias")
    identifiers = data.get("identifiers", {})
    if not all(isinstance(v, str) for v in identifiers.values()):
        entry.fail("identifiers", "values must be strings")
    row: Row = {k: v for k, v in data.items() if k not in DATE_FIELDS and k not in ("aliases", "identifiers")}
    _entity_dates(entry, data, row)
    row["aliases"] = list(aliases)
    row["identifiers"] = [f"{k}:{v}" for k, v in sorted(identifiers.items())]
    row["actor"] = kind in ACTOR_KINDS
    row["sources"] = [source_id]
    row["curated"] = True
    return row


def _entity_dates(entry: _Entry, data: Row, row: Row) -> None:
    for name in DATE_FIELDS & set(data):
        entry.check_date(data, name, row, _date_bound(name))
    if data["kind"] == "event" and "start_date" in row and "end" not in data:
        # An event with one stated date happens within it; it is not open-ended.
        row["end_date"] = parse_fuzzy_date(data["start"]).last


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


def _relation_row(entry: _Entry, data: Row, source_id: str) -> Row | None:
    for extra in sorted(set(data) - set(RELATION_FIELDS)):
        entry.fail(extra, "unknown field")
    if not entry.check_fields(data, RELATION_FIELDS):
        return None
    kind = data["type"]
    if kind not in RELATION_TYPES:
        entry.fail("type", f"unknown relation {kind!r}; expected one of {', '.join(sorted(RELATION_TYPES))}")
        return None
    for name in RELATION_REQUIRED.get(kind, ()):
        if name not in data:
            entry.fail(name, f"required for relation {kind!r}")
    one_of = RELATION_REQUIRED_ONE_OF.get(kind, ())
    if one_of and not any(name in data for name in one_of):
        entry.fail(one_of[0], f"relation {kind!r} needs one of: {', '.join(one_of)}")
    if data.get("inferred") and not data.get("inferred_reason"):
        entry.fail("inferred_reason", "required when inferred = true")
    if data["from"] == data["to"]:
        entry.fail("to", "a relation must join two different entities")
    props: Row = {k: v for k, v in data.items() if k not in ("type", "from", "to", "start", "end")}
    for name in ("start", "end"):
        entry.check_date(data, name, props, _date_bound(name))
    if "start_date" in props and "end_date" in props and props["start_date"] > props["end_date"]:
        entry.fail("end", f"{data['end']!r} is before start {data['start']!r}")
    props["kind"] = kind
    props["sources"] = [source_id]
    props["curated"] = True
    return {"from": data["from"], "to": data["to"], "props": props}


def _relation_id(key: tuple[Any, ...]) -> str:
    digest = hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()[:12]
    return f"rel-{key[0]}-{digest}"


def _read_file(
    path: Path,
    graph: SeedGraph,
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
    source = _source_row(path, document.get("source"), problems)
    if source is None:
        return
    if any(known["id"] == source["id"] for known in graph.sources):
        problems.append(f"{path.name}: [source]: field 'id': duplicate source id {source['id']!r}")
    graph.sources.append(source)
    if "publisher" in document["source"]:
        publisher = {"source": source["id"], "publisher": document["source"]["publisher"]}
        publisher["inferred_reason"] = document["source"].get("publisher_inferred_reason")
        graph.publishers.append(publisher)
    _read_entities(path, document.get("entities", []), source["id"], graph, problems)
    _read_relations(path, document.get("relations", []), source["id"], pending, problems)


def _read_entities(
    path: Path, entries: list[Any], source_id: str, graph: SeedGraph, problems: list[str]
) -> None:
    seen_here: set[str] = set()
    for index, data in enumerate(entries):
        entry = _Entry(problems, _where(path, "entities", index, data))
        if not isinstance(data, dict):
            problems.append(f"{entry.where}: must be a table ([[entities]]), got {data!r}")
            continue
        row = _entity_row(entry, data, source_id)
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


def _read_relations(
    path: Path,
    entries: list[Any],
    source_id: str,
    pending: list[tuple[_Entry, Row, Row]],
    problems: list[str],
) -> None:
    for index, data in enumerate(entries):
        entry = _Entry(problems, _where(path, "relations", index, data))
        if not isinstance(data, dict):
            problems.append(f"{entry.where}: must be a table ([[relations]]), got {data!r}")
            continue
        rel = _relation_row(entry, data, source_id)
        if rel is not None:
            pending.append((entry, data, rel))


def _add_relations(graph: SeedGraph, pending: list[tuple[_Entry, Row, Row]]) -> None:
    for entry, data, rel in pending:
        for end in ("from", "to"):
            if rel[end] not in graph.entities:
                entry.fail(end, f"no entity with id {rel[end]!r} in any seed file")
        key = tuple(data.get(name) for name in RELATION_KEY)
        if key in graph.relations:
            merged = graph.relations[key]["props"]
            merged["sources"] = list(dict.fromkeys(merged["sources"] + rel["props"]["sources"]))
            if rel["props"].get("note") and rel["props"]["note"] != merged.get("note"):
                merged["note"] = " / ".join(filter(None, [merged.get("note"), rel["props"]["note"]]))
        else:
            rel["props"]["id"] = _relation_id(key)
            graph.relations[key] = rel


def read_seed_graph(paths: Iterable[Path] | None = None) -> SeedGraph:
    """Parse and validate seed files (default: every seeds/*.toml); raise SeedError on any problem."""
    files = sorted(paths) if paths is not None else sorted(SEED_DIR.glob("*.toml"))
    problems: list[str] = []
    graph = SeedGraph()
    pending: list[tuple[_Entry, Row, Row]] = []
    for path in files:
        _read_file(path, graph, pending, problems)
    _add_relations(graph, pending)
    for publisher in graph.publishers:
        if publisher["publisher"] not in graph.entities:
            problems.append(
                f"source {publisher['source']!r}: field 'publisher': no entity {publisher['publisher']!r}"
            )
    for row in graph.entities.values():
        codes = [identifier.partition(":")[2] for identifier in row["identifiers"]]
        # A venue is a name the documents give too (a building's), so search finds the event by it.
        venue = [row["venue"]] if row.get("venue") else []
        names = [row["name"], row["name_en"], *row["aliases"], *codes, *venue]
        row["search_names"] = list(dict.fromkeys(fold(n) for n in names))
        row["search_key"] = " | ".join(row["search_names"])
    if problems:
        raise SeedError(problems)
    return graph
