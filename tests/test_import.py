"""`coopgraph import` (issue #13, item 6): CSV files checked whole, then written in one transaction
or not at all, with their history; the same files twice change nothing. The CLI as a process, on
a seeded store of this module's own."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.import_data import write_files
from graph.curation.edit import Edit
from graph.curation.relationships import retract_relationship
from graph.curation.transaction import write
from graph.database import Database
from graph.ingest.csv_import import CHANGE_ITEMS, import_files
from tests.conftest import run_db
from tests.services import CliStore, coopgraph_command, seeded_cli_store

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
EXAMPLE_FILES = [EXAMPLES / name for name in ("sources.csv", "entities.csv", "relationships.csv")]
SCHOOL = "lv-jelgava-example-school"
SOURCE = "src-example-jelgava-career-day"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliStore]:
    with seeded_cli_store(tmp_path_factory.mktemp("import")) as running:
        yield running


def coopgraph(store: CliStore, *args: str) -> subprocess.CompletedProcess[str]:
    return coopgraph_command(store, *args, timeout=300)


def read(store: CliStore, query: str, **params: Any) -> list[dict[str, Any]]:
    async def work(db: Database) -> list[dict[str, Any]]:
        return await db.read(query, params)

    return run_db(store.conn, work)


def digest(store: CliStore) -> str:
    """Every node and relationship with all its properties (the Meta node's too): equal digests,
    equal graphs."""
    nodes = read(store, "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = read(
        store,
        "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS type, properties(r) AS props, "
        "coalesce(a.id, a.text) AS start, coalesce(b.id, b.text) AS end",
    )
    content = sorted(json.dumps([n["labels"], n["props"]], sort_keys=True, default=str) for n in nodes)
    content += sorted(
        json.dumps([r["start"], r["type"], r["end"], r["props"]], sort_keys=True, default=str) for r in rels
    )
    return hashlib.sha256("\n".join(content).encode()).hexdigest()


def changes(store: CliStore) -> list[dict[str, Any]]:
    found = read(store, "MATCH (c:Change) RETURN properties(c) AS c ORDER BY c.seq")
    return [row["c"] for row in found]


def version(store: CliStore) -> str:
    found = read(store, "MATCH (m:Meta {id: 'graph'}) RETURN m.curated AS curated")
    return str(found[0]["curated"]) if found else ""


def csv_file(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(store: CliStore, *paths: Path) -> str:
    """The report of an import that must be refused, after checking that it wrote nothing."""
    before = digest(store), version(store), len(changes(store))
    done = coopgraph(store, "import", *map(str, paths))
    assert done.returncode == 1, done.stderr
    assert "import refused, nothing was written" in done.stderr
    assert (digest(store), version(store), len(changes(store))) == before
    return done.stderr


def test_the_readme_example_imports_once(store: CliStore) -> None:
    before = len(changes(store))
    done = coopgraph(store, "import", *map(str, EXAMPLE_FILES), "--author", "researcher-a")
    assert done.returncode == 0, done.stderr
    assert "sources created 1; entities created 1, updated 1; relationships created 3," in done.stdout

    school = read(store, "MATCH (n:School {id: $id}) RETURN properties(n) AS p", id=SCHOOL)[0]["p"]
    assert school["students"] == 650 and school["aliases"] == ["JPV", "Piemēra skola"]
    assert school["sources"] == [SOURCE] and school["revision"] == 1 and school["curated"] is True
    viaa = read(store, "MATCH (n:Entity {id: 'lv-viaa'}) RETURN properties(n) AS p")[0]["p"]
    assert SOURCE in viaa["sources"] and viaa["revision"] >= 1  # declared again: its source added
    rels = read(store, "MATCH (:Entity {id: $id})-[r]->(b) RETURN type(r) AS t, b.id AS b", id=SCHOOL)
    assert {(r["t"], r["b"]) for r in rels} == {
        ("PARTICIPATES_IN", "lv-project-career-support-8-3-5-0-16-i-001"),
        ("LOCATED_IN", "lv-jelgava-city"),
        ("COOPERATES_WITH", "lv-viaa"),
    }
    assert read(store, "MATCH (n:Entity {id: $id}) RETURN n.degree AS d", id=SCHOOL)[0]["d"] == 3
    found = read(store, "MATCH (t:Term)-[:NAMES]->(:Entity {id: $id}) RETURN t.text AS t", id=SCHOOL)
    assert "jpv" in {row["t"] for row in found}  # findable by its alias

    recorded = changes(store)[before:]
    assert len(recorded) == 1
    change = recorded[0]
    assert (change["action"], change["author"]) == ("import", "researcher-a")
    assert change["reason"] == "import of sources.csv, entities.csv, relationships.csv"
    assert change["version"].startswith(version(store))
    assert SCHOOL in change["entities"] and "lv-viaa" in change["entities"] and change["sources"] == [SOURCE]
    fields = {(item["key"], item["field"]) for item in json.loads(change["diff"])}
    assert ("lv-viaa", "sources") in fields and (SCHOOL, "students") in fields

    state = digest(store), version(store), len(changes(store))
    again = coopgraph(store, "import", *map(str, EXAMPLE_FILES), "--author", "researcher-b")
    assert again.returncode == 0, again.stderr
    assert "nothing to change" in again.stdout
    assert (digest(store), version(store), len(changes(store))) == state


def test_every_bad_row_and_field_is_named_and_nothing_written(store: CliStore, tmp_path: Path) -> None:
    entities = csv_file(
        tmp_path / "entities.csv",
        "id,kind,name,lang,name_en,country,subtype,students,identifiers,inferred,sources",
        "lv-good-school,school,Laba skola,lv,Good school,LV,general,100,,,src-001",
        "lv-bad-students,school,Slikta skola,lv,Bad school,LV,general,many,,,src-001",
        "lv-bad-country,organisation,Org,lv,Org,XX,,,regno:1|regno:2,perhaps,src-001",
        ",,,,,,,,,,",
        "lv-viaa,agency,Valsts izglītības attīstības aģentūra,lv,Another name,LV,agency,,,,src-001",
        "lv-no-sources,organisation,Org,lv,Org,LV,,,,,",
    )
    relationships = csv_file(
        tmp_path / "relationships.csv",
        "type,from,to,start,amount,sources",
        "cooperates_with,lv-good-school,lv-viaa,2019,,src-001",
        "works_with,lv-good-school,lv-viaa,,,src-001",
        "located_in,lv-good-school,lv-nowhere,2019-13,,src-nope",
        "participates_in,lv-good-school,lv-viaa,,,src-001",
        "funds,lv-viaa,lv-good-school,,a lot,src-001",
    )
    report = refused(store, entities, relationships)
    expected = [
        f"{entities}: row 3: field 'students': expected a whole number, got 'many'",
        f"{entities}: row 4: field 'identifiers': scheme 'regno' given twice",
        f"{entities}: row 4: field 'inferred': expected true or false, got 'perhaps'",
        f"{entities}: row 4: field 'country': unknown country 'XX'",
        f"{entities}: row 6: field 'name_en': 'Another name' contradicts 'State Education Development "
        "Agency' in the graph",
        f"{entities}: row 7: field 'sources': missing",
        f"{relationships}: row 3: field 'type': unknown relation 'works_with'",
        f"{relationships}: row 4: field 'start': '2019-13' is not a date",
        f"{relationships}: row 4: field 'sources': source 'src-nope' is neither in the graph nor in a "
        "sources file",
        f"{relationships}: row 4: field 'to': no entity 'lv-nowhere' in the graph or in this import",
        f"{relationships}: row 5: field 'to': a participates_in relation cannot end at a agency",
        f"{relationships}: row 6: field 'amount': expected a number",
    ]
    for line in expected:
        assert line in report, f"{line!r} not in:\n{report}"
    problems = [line for line in report.splitlines() if line.startswith("  ")]
    assert len(problems) == len(expected), report
    # the rows without problems are named nowhere
    assert "row 2:" not in report and f"{entities}: row 5" not in report


def test_header_problems_and_unreadable_files(store: CliStore, tmp_path: Path) -> None:
    unknown = csv_file(tmp_path / "a.csv", "id,kind,name,colour,sources", "lv-x,school,X,red,src-001")
    neither = csv_file(tmp_path / "b.csv", "id,name", "lv-x,X")
    retraction = csv_file(tmp_path / "c.csv", "type,from,to,retracted_reason,sources")
    report = refused(store, unknown, neither, retraction, tmp_path / "missing.csv")
    assert f"{unknown}: row 1: field 'colour': unknown column for entities" in report
    assert f"{neither}: row 1: the header names no 'kind'" in report
    assert f"{retraction}: row 1: field 'retracted_reason': unknown column for relationships" in report
    assert f"{tmp_path / 'missing.csv'}: cannot read it" in report


def test_sources_in_the_same_import_and_claims_sourced_again(store: CliStore, tmp_path: Path) -> None:
    sources = csv_file(
        tmp_path / "sources.csv",
        "id,file,language,title_en,published,publisher",
        "src-import-report,report.pdf,en,A report,2021-05,lv-viaa",
        "src-import-bad,,xx,Bad,,lv-nobody",
    )
    relationships = csv_file(
        tmp_path / "relationships.csv",
        "type,from,to,role,start,sources",
        f"cooperates_with,{SCHOOL},lv-viaa,,2019-10,src-import-report",
    )
    report = refused(store, sources, relationships)
    assert f"{sources}: row 3: field 'language': unknown language 'xx'" in report
    assert f"{sources}: row 3: field 'publisher': no entity 'lv-nobody'" in report
    assert f"{sources}: row 3: field 'file': missing: a source needs a file or a url" in report
    assert "relationships.csv" not in report  # it cites a source of this import: no problem

    csv_file(
        sources,
        "id,file,language,title_en,published,publisher",
        "src-import-report,report.pdf,en,A report,2021-05,lv-viaa",
    )
    before = len(changes(store))
    done = coopgraph(store, "import", str(sources), str(relationships))
    assert done.returncode == 0, done.stderr
    claim = read(
        store,
        "MATCH (:Entity {id: $id})-[r:COOPERATES_WITH]->(:Entity {id: 'lv-viaa'}) RETURN properties(r) AS p",
        id=SCHOOL,
    )
    assert len(claim) == 1, "the same claim from another source is one relationship"
    # In the order a load of the exported files lists them: report.toml before src-example-….toml.
    assert claim[0]["p"]["sources"] == ["src-import-report", SOURCE] and claim[0]["p"]["revision"] == 2
    publisher = read(store, "MATCH (:Source {id: 'src-import-report'})-[:PUBLISHED_BY]->(p) RETURN p.id AS p")
    assert publisher == [{"p": "lv-viaa"}]
    diff = json.loads(changes(store)[before]["diff"])
    assert {"before": [SOURCE], "after": ["src-import-report", SOURCE]}.items() <= next(
        item for item in diff if item["field"] == "sources" and item["target"] == "relationship"
    ).items()


def test_a_retracted_claim_imported_again_is_live_again(store: CliStore, tmp_path: Path) -> None:
    found = read(
        store,
        "MATCH (:Entity {id: $id})-[r:LOCATED_IN]->(:Entity {id: 'lv-jelgava-city'}) RETURN r.id AS id",
        id=SCHOOL,
    )
    rel_id = found[0]["id"]
    run_db(
        store.conn,
        lambda db: retract_relationship(db, "t", SCHOOL, "lv-jelgava-city", rel_id, "wrong town"),
    )
    relationships = csv_file(
        tmp_path / "relationships.csv",
        "type,from,to,sources",
        f"located_in,{SCHOOL},lv-jelgava-city,src-001",
    )
    done = coopgraph(store, "import", str(relationships))
    assert done.returncode == 0, done.stderr
    assert "restored 1" in done.stdout
    live = read(
        store,
        "MATCH (:Entity {id: $id})-[r]->(:Entity {id: 'lv-jelgava-city'}) "
        "RETURN type(r) AS t, properties(r) AS p",
        id=SCHOOL,
    )
    assert [row["t"] for row in live] == ["LOCATED_IN"]
    props = live[0]["p"]
    assert (
        props["id"] == rel_id and props["sources"] == ["src-001", SOURCE] and "retracted_reason" not in props
    )


def test_a_large_import_is_split_over_changes(store: CliStore, tmp_path: Path) -> None:
    files = write_files(tmp_path, relationships=10, organisations=300, projects=10)
    before = changes(store)
    report = run_db(store.conn, lambda db: import_files(db, [files.sources, files.entities], author="bulk"))
    assert report.entities_created == 310 and report.sources_created == 1
    recorded = changes(store)[len(before) :]
    assert len(recorded) == len(report.changes) > 1
    assert [c["seq"] for c in recorded] == list(range(recorded[0]["seq"], recorded[0]["seq"] + len(recorded)))
    assert {c["version"] for c in recorded} == {report.version}
    assert {c["at"] for c in recorded} == {recorded[0]["at"]}
    diffs = [json.loads(c["diff"]) for c in recorded]
    assert all(len(d) <= CHANGE_ITEMS for d in diffs)
    assert sum(map(len, diffs)) > CHANGE_ITEMS
    assert recorded[-1]["reason"].endswith(f"(part {len(recorded)} of {len(recorded)})")
    # every entity is in the history of the part that holds its fields
    for change, diff in zip(recorded, diffs, strict=True):
        assert set(change["entities"]) == {item["key"] for item in diff if item["target"] == "entity"}


def test_a_single_write_is_one_change_whatever_its_size(store: CliStore) -> None:
    async def many(_tx: Any, edit: Edit) -> None:
        for index in range(CHANGE_ITEMS + 5):
            edit.compare("source", f"src-none-{index}", None, {"x": index})

    before = len(changes(store))
    written = run_db(
        store.conn,
        lambda db: write(db, author="t", action="add_source", reason=None, client_id=None, work=many),
    )
    recorded = changes(store)[before:]
    assert len(recorded) == 1 and written.changes == (written.change,)
    assert len(json.loads(recorded[0]["diff"])) == CHANGE_ITEMS + 5 and recorded[0].get("reason") is None


def test_killed_midway_leaves_the_graph_as_it_was(store: CliStore, tmp_path: Path) -> None:
    files = write_files(tmp_path, relationships=30_000, organisations=1_000, projects=100, seed=7)
    # the entities first, with other ids than the split test's (its orgs are 0..299 of seed 1)
    for path in (files.sources, files.entities):
        path.write_text(path.read_text().replace("-bench-", "-kill-").replace("src-kill-", "src-bench-"))
    text = files.relationships.read_text().replace("-bench-", "-kill-").replace("src-kill-", "src-bench-")
    files.relationships.write_text(text)
    done = coopgraph(store, "import", str(files.sources), str(files.entities))
    assert done.returncode == 0, done.stderr

    before = digest(store), version(store), len(changes(store))
    process = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", "import", str(files.relationships)],
        env=store.env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "relationships created: 10000 of" in line:  # a third of them sent, in the open transaction
            break
    else:
        raise AssertionError("".join(seen))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(1)  # the store notices the closed connection and rolls the transaction back
    assert (digest(store), version(store), len(changes(store))) == before

    # nothing is left holding the graph: the next write goes through
    example = coopgraph(store, "import", *map(str, EXAMPLE_FILES))
    assert example.returncode == 0, example.stderr
