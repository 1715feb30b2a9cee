"""The CSV files of `coopgraph import` (graph/ingest/csv_import.py), read and checked by the seed
files' rules alone: no graph needed.

Each file's header says what it holds (`kind`: entities, `type`: relationships, `language`:
sources). A row becomes the same dict a seed file's table gives (graph/validation.py),
so an import, the seed files and the API share one set of rules. A problem is kept with where it
is, `FILE: row N: field 'x': message` (N as a spreadsheet counts: the header is row 1), so that
every problem of every file can be reported at once.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.ontology import KIND_FIELDS, NUMBER
from graph.validation import (
    ENTITY_COMMON,
    RELATION_FIELDS,
    SOURCE_ID_PATTERN,
    validate_entity,
    validate_relation,
    validate_source,
)

Row = dict[str, Any]
# A problem with where it is: the file's position in the import and the row, for reporting in
# the order given, and its text.
Problem = tuple[int, int, str]

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


@dataclass(frozen=True)
class Entry:
    """Where a row is: its file (as given) and its row number as a spreadsheet shows it."""

    file: str
    order: int  # the file's position in the import, for reporting in the order given
    row: int

    def problem(self, name: str, message: str) -> Problem:
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
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.sources) + len(self.entities) + len(self.relationships)


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
