"""`coopgraph import` of a researcher-sized spreadsheet, timed end to end against the bench's store.

bench/import_data.py writes the files (sources, 5,500 entities, 100,000 relationships between
them); sources and entities are imported first, untimed; then the relationships file is timed
twice: the first import, and the same file again, which must change nothing (neither the data
version nor the number of relationships).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from neo4j import GraphDatabase

from bench.import_data import write_files
from bench.queries import DATABASE
from bench.service import Service
from graph.cypher.version import GRAPH_VERSION

TARGET_RELATIONSHIPS = 100_000
TARGET_SECONDS = 60.0
# The two kinds the files hold (graphStats' count would also see what the import records beside
# its claims, e.g. its history's links).
CLAIMS: Final = "MATCH ()-[r:COOPERATES_WITH|PARTICIPATES_IN]->() RETURN count(r) AS count"


@dataclass
class ImportResult:
    relationships: int
    organisations: int
    projects: int
    entities_seconds: float | None = None  # sources and entities, untimed in the target
    seconds: float | None = None  # the relationships file, first import
    again_seconds: float | None = None  # the same file again
    created: int | None = None  # relationships the first import added to the graph
    unchanged: bool | None = None  # the second import left version and count as they were
    heap: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _State:
    version: str
    relationships: int


def _state(uri: str, password: str) -> _State:
    with GraphDatabase.driver(uri, auth=("root", password)) as driver:
        version, _, _ = driver.execute_query(GRAPH_VERSION, database_=DATABASE)
        count, _, _ = driver.execute_query(CLAIMS, database_=DATABASE)
    return _State(str(version[0]["version"]), int(count[0]["count"]))


def _last(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else ""


def measure_import(
    service: Service,
    directory: Path,
    result: ImportResult,
    *,
    bolt_uri: str,
    progress: Callable[[str], None],
) -> None:
    files = write_files(
        directory,
        relationships=result.relationships,
        organisations=result.organisations,
        projects=result.projects,
    )
    password = service.password()
    try:
        progress(f"import: sources and entities ({result.organisations + result.projects:,}), untimed")
        result.entities_seconds, _, _ = service.cli(
            "import", str(files.sources), str(files.entities), "--author", "bench"
        )
        before = _state(bolt_uri, password)
        progress(f"import: {result.relationships:,} relationships, timed")
        result.seconds, out, err = service.cli("import", str(files.relationships), "--author", "bench")
        progress(f"  {result.seconds:.1f} s: {_last(out) or _last(err)}")
        after = _state(bolt_uri, password)
        result.created = after.relationships - before.relationships
        if result.created != result.relationships:
            result.errors.append(
                f"import: the graph gained {result.created:,} relationships, not {result.relationships:,}"
            )
        progress("import: the same file again, timed (must change nothing)")
        result.again_seconds, out, err = service.cli("import", str(files.relationships), "--author", "bench")
        progress(f"  {result.again_seconds:.1f} s: {_last(out) or _last(err)}")
        result.unchanged = _state(bolt_uri, password) == after
        if not result.unchanged:
            result.errors.append("import: importing the same file again changed the graph")
    except Exception as exc:  # reported, and the rest of the report is still written
        result.errors.append(f"import: {type(exc).__name__}: {str(exc)[-800:]}")
