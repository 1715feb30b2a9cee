"""Reads and validates the curated seed files (seeds/*.toml) into rows ready to write.

Everything is checked before anything is written; the first problem found in each entry is
reported with the file, the entry and the field, and all problems are reported together.

Writes through the API are held to the same rules by the same code: validate_source,
validate_entity and validate_relation check one entry (as a dict with the seed files' field
names) and return its row with (field, message) problems; relation_link_problems and
relation_ends_problem check a relation against the entities at its ends.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graph.dates import parse_fuzzy_date
from graph.ontology import (
    ACTOR_KINDS,
    COUNTRIES,
    DATE_FIELDS,
    KIND_FIELDS,
    KIND_LABELS,
    LANGUAGES,
    NUMBER,
    RELATION_ENDS,
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
# (field, message): what is wrong, named by the field of the entry it is wrong in.
Problem = tuple[str, str]

SOURCE_FIELDS: dict[str, tuple[bool, tuple[type, ...]]] = {
    "id": (True, (str,)),
    # one of file and url is required (validate_source)
    "file": (False, (str,)),
    "url": (False, (str,)),
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
    "retracted_reason": (False, (str,)),
    "merged_into": (False, (str,)),
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
    "retracted_reason": (False, (str,)),
}
# Fields that identify a relationship: equal in two files means the same claim, sourced twice.
# Not retracted_reason: a claim is the same claim, retracted or not.
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


def is_retracted(props: Mapping[str, Any]) -> bool:
    """Whether an entity row or a relation's props say it is retracted."""
    return props.get("retracted_reason") is not None


class _Checker:
    """Collects the problems of one entry as (field, message) pairs."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, name: str, message: str) -> None:
        self.problems.append((name, message))

    def check_fields(self, data: Mapping[str, Any], spec: dict[str, tuple[bool, tuple[type, ...]]]) -> bool:
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

    def check_unknown(self, data: Mapping[str, Any], known: Iterable[str], message: str) -> None:
        for extra in sorted(set(data) - set(known)):
            self.fail(extra, message)

    def check_text(self, data: Mapping[str, Any], name: str) -> None:
        if name in data and isinstance(data[name], str) and not data[name].strip():
            self.fail(name, "must not be empty")

    def check_date(self, data: Mapping[str, Any], name: str, out: Row, bound: str) -> None:
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


def _date_bound(name: str) -> str:
    return "last" if name == "end" else "first"


def validate_source(data: Mapping[str, Any]) -> tuple[Row | None, list[Problem]]:
    """One source table ([source] in a seed file) as the row to write, and its problems.

    The row is None when the fields are too broken to build it; with any problem it must not be
    written. `publisher` (an entity id) is checked here only for its type: whether the entity
    exists is for the caller to say.
    """
    check = _Checker()
    check.check_unknown(data, SOURCE_FIELDS, "unknown field")
    if not check.check_fields(data, SOURCE_FIELDS):
        return None, check.problems
    if "file" not in data and "url" not in data:
        check.fail("file", "missing: a source needs a file or a url (or both)")
    check.check_text(data, "file")
    if "url" in data:
        parts = urlsplit(data["url"])
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in data["url"]):
            check.fail("url", f"{data['url']!r} is not an absolute http(s) URL")
    if not SOURCE_ID_PATTERN.match(data["id"]):
        check.fail("id", f"{data['id']!r} must look like src-000")
    if data["language"] not in LANGUAGES:
        check.fail("language", f"unknown language {data['language']!r}")
    row: Row = {
        k: data[k] for k in ("id", "file", "url", "language", "title", "title_en", "summary") if k in data
    }
    check.check_date(data, "published", row, "first")
    row["curated"] = True
    return row, check.problems


def validate_entity(data: Mapping[str, Any], sources: Sequence[str]) -> tuple[Row | None, list[Problem]]:
    """One entity table ([[entities]]) as the row to write, citing `sources`, and its problems.

    The row is None when the fields are too broken to build it; with any problem it must not be
    written. What needs the rest of the graph is the caller's: that the id is new (or agrees
    with the entity of that id), that `merged_into` names an entity, search names
    (add_search_names).
    """
    check = _Checker()
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KIND_LABELS:
        check.fail("kind", f"unknown kind {kind!r}; expected one of {', '.join(sorted(KIND_LABELS))}")
        return None, check.problems
    spec = dict(ENTITY_COMMON)
    spec.update({name: (False, types) for name, types in KIND_FIELDS.get(kind, {}).items()})
    check.check_unknown(data, spec, f"unknown field for kind {kind!r}")
    if not check.check_fields(data, spec):
        return None, check.problems
    if not ID_PATTERN.match(data["id"]):
        check.fail("id", f"{data['id']!r} must be a lowercase slug starting with a country, e.g. ee-innove")
    if data["country"] not in COUNTRIES:
        check.fail("country", f"unknown country {data['country']!r}")
    if data["lang"] not in LANGUAGES:
        check.fail("lang", f"unknown language {data['lang']!r}")
    allowed = REQUIRED_SUBTYPES.get(kind)
    if kind in REQUIRED_SUBTYPES and "subtype" not in data:
        check.fail("subtype", f"required for kind {kind!r}")
    elif allowed is not None and data.get("subtype") not in allowed:
        check.fail("subtype", f"{data.get('subtype')!r} is not one of {', '.join(sorted(allowed))}")
    if data.get("inferred") and not data.get("inferred_reason"):
        check.fail("inferred_reason", "required when inferred = true")
    _check_retraction(check, data)
    aliases = data.get("aliases", [])
    if not all(isinstance(a, str) and a for a in aliases):
        check.fail("aliases", "must be a list of non-empty strings")
    elif data["name"] in aliases or len(set(aliases)) < len(aliases):
        check.fail("aliases", "other names only: no repeat of the name or of another alias")
    identifiers = data.get("identifiers", {})
    if not all(isinstance(v, str) for v in identifiers.values()):
        check.fail("identifiers", "values must be strings")
    row: Row = {k: v for k, v in data.items() if k not in DATE_FIELDS and k not in ("aliases", "identifiers")}
    _entity_dates(check, data, row)
    row["aliases"] = list(aliases)
    row["identifiers"] = [f"{k}:{v}" for k, v in sorted(identifiers.items())]
    row["actor"] = kind in ACTOR_KINDS
    row["sources"] = list(sources)
    row["curated"] = True
    return row, check.problems


def _check_retraction(check: _Checker, data: Mapping[str, Any]) -> None:
    check.check_text(data, "retracted_reason")
    if "merged_into" not in data:
        return
    if "retracted_reason" not in data:
        check.fail("retracted_reason", "required with merged_into: why the two are one")
    if data["merged_into"] == data["id"]:
        check.fail("merged_into", "an entity cannot be merged into itself")
    elif not ID_PATTERN.match(data["merged_into"]):
        check.fail("merged_into", f"{data['merged_into']!r} is not an entity id")


def _entity_dates(check: _Checker, data: Mapping[str, Any], row: Row) -> None:
    for name in DATE_FIELDS & set(data):
        check.check_date(data, name, row, _date_bound(name))
    if data["kind"] == "event" and "start_date" in row and "end" not in data:
        # An event with one stated date happens within it; it is not open-ended.
        row["end_date"] = parse_fuzzy_date(data["start"]).last


def add_search_names(row: Row) -> None:
    """Set an entity row's search_names and search_key (folded names, aliases, codes, venue)."""
    codes = [identifier.partition(":")[2] for identifier in row["identifiers"]]
    # A venue is a name the documents give too (a building's), so search finds the event by it.
    venue = [row["venue"]] if row.get("venue") else []
    names = [row["name"], row["name_en"], *row["aliases"], *codes, *venue]
    row["search_names"] = list(dict.fromkeys(fold(n) for n in names))
    row["search_key"] = " | ".join(row["search_names"])


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


def validate_relation(data: Mapping[str, Any], sources: Sequence[str]) -> tuple[Row | None, list[Problem]]:
    """One relation table ([[relations]]) as {"from", "to", "props"}, citing `sources`, and its problems.

    The row is None when the fields are too broken to build it; with any problem it must not be
    written. Its props get no `id`: relation_id(relation_key(data)) gives it, the same for the
    same claim. What needs the entities at its ends is relation_link_problems'.
    """
    check = _Checker()
    check.check_unknown(data, RELATION_FIELDS, "unknown field")
    if not check.check_fields(data, RELATION_FIELDS):
        return None, check.problems
    kind = data["type"]
    if kind not in RELATION_TYPES:
        check.fail("type", f"unknown relation {kind!r}; expected one of {', '.join(sorted(RELATION_TYPES))}")
        return None, check.problems
    for name in RELATION_REQUIRED.get(kind, ()):
        if name not in data:
            check.fail(name, f"required for relation {kind!r}")
    one_of = RELATION_REQUIRED_ONE_OF.get(kind, ())
    if one_of and not any(name in data for name in one_of):
        check.fail(one_of[0], f"relation {kind!r} needs one of: {', '.join(one_of)}")
    if data.get("inferred") and not data.get("inferred_reason"):
        check.fail("inferred_reason", "required when inferred = true")
    check.check_text(data, "retracted_reason")
    if data["from"] == data["to"]:
        check.fail("to", "a relation must join two different entities")
    props: Row = {k: v for k, v in data.items() if k not in ("type", "from", "to", "start", "end")}
    for name in ("start", "end"):
        check.check_date(data, name, props, _date_bound(name))
    if "start_date" in props and "end_date" in props and props["start_date"] > props["end_date"]:
        check.fail("end", f"{data['end']!r} is before start {data['start']!r}")
    props["kind"] = kind
    props["sources"] = list(sources)
    props["curated"] = True
    return {"from": data["from"], "to": data["to"], "props": props}, check.problems


def relation_ends_problem(kind: str, from_kind: str, to_kind: str) -> Problem | None:
    """Whether relation `kind` may join an entity of `from_kind` to one of `to_kind` (RELATION_ENDS).

    None if it may; otherwise the end at fault ('from' when both are) and why.
    """
    allowed_from, allowed_to = RELATION_ENDS[kind]
    for name, end_kind, allowed in (("from", from_kind, allowed_from), ("to", to_kind, allowed_to)):
        if end_kind not in allowed:
            return name, (
                f"a {kind} relation cannot {'start at' if name == 'from' else 'end at'} a {end_kind}; "
                f"expected one of {', '.join(sorted(allowed))}"
            )
    return None


def relation_link_problems(relation: Mapping[str, Any], from_entity: Row, to_entity: Row) -> list[Problem]:
    """What is wrong with a relation (validate_relation's row) between these two entity rows.

    The kinds at its ends (relation_ends_problem), and that a relation touching a retracted entity
    is retracted too: a retracted entity has no live relationships.
    """
    problems: list[Problem] = []
    props = relation["props"]
    ends = relation_ends_problem(props["kind"], from_entity["kind"], to_entity["kind"])
    if ends is not None:
        problems.append(ends)
    if not is_retracted(props):
        for name, entity in (("from", from_entity), ("to", to_entity)):
            if is_retracted(entity):
                problems.append(
                    ("retracted_reason", f"required: the {name} entity {entity['id']!r} is retracted")
                )
    return problems


def relation_key(data: Mapping[str, Any]) -> tuple[Any, ...]:
    """What identifies a relation table's claim (RELATION_KEY's fields, as written)."""
    return tuple(data.get(name) for name in RELATION_KEY)


def relation_id(key: tuple[Any, ...]) -> str:
    """The stable id of the claim with this relation_key: the same in every load and export."""
    digest = hashlib.sha1(repr(key).encode(), usedforsecurity=False).hexdigest()[:12]
    return f"rel-{key[0]}-{digest}"


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
