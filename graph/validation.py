"""The rules a fact must meet, whatever brings it: a seed file (graph/ingest/seed_files.py), a
spreadsheet import (graph/ingest/csv_files.py) or a curator through the API (graph/curation/).

validate_source, validate_entity and validate_relation check one entry (a dict with the seed
files' field names) and return the row to write with its (field, message) problems;
relation_link_problems and relation_ends_problem check a relation against the entities at its
ends; relation_key and relation_id say which claim a relation is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
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
