"""Seed files with retractions, merges and URL sources; which kinds a relation may join (issue #13).

The validators for one source, entity or relation are the ones API writes reuse; here they are
tried alone and through whole seed files, and a directory using every new field is loaded into
the real store and exported back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, LiteralString

import pytest

from graph.database import Connection, Database
from graph.ingest.export import export_seeds
from graph.ingest.loader import load_seeds
from graph.ingest.seed_files import SeedError, read_seed_graph
from graph.ontology import KIND_LABELS, RELATION_ENDS, RELATION_TYPES, RETRACTED_LABEL, RETRACTED_TYPE
from graph.validation import (
    relation_ends_problem,
    relation_id,
    relation_key,
    relation_link_problems,
    validate_entity,
    validate_relation,
    validate_source,
)
from tests import test_export
from tests.conftest import run_db

SOURCE_900 = """[source]
id = "src-900"
file = "900_a.txt"
language = "en"
title_en = "A"
"""
# The second document is known by its address only, and names as publisher an entity retracted in
# the first (the link stays: the document still says so).
SOURCE_901 = """[source]
id = "src-901"
url = "https://example.org/news/1"
language = "en"
title_en = "B"
publisher = "ee-wrong"
"""
AGENCY = """[[entities]]
id = "ee-agency-a"
kind = "agency"
subtype = "agency"
name = "Agentuur A"
lang = "et"
name_en = "Agency A"
country = "EE"
"""
ENTITIES_900 = f"""{AGENCY}
[[entities]]
id = "ee-ministry-m"
kind = "ministry"
name = "Ministeerium M"
lang = "et"
name_en = "Ministry M"
country = "EE"

[[entities]]
id = "ee-project-p"
kind = "project"
name = "Projekt P"
lang = "et"
name_en = "Project P"
country = "EE"

[[entities]]
id = "ee-agency-dup"
kind = "agency"
subtype = "agency"
name = "Agentuur A (duplikaat)"
lang = "et"
name_en = "Agency A, twice"
country = "EE"
retracted_reason = "the same agency as ee-agency-a"
merged_into = "ee-agency-a"

[[entities]]
id = "ee-wrong"
kind = "organisation"
name = "Vale organisatsioon"
lang = "et"
name_en = "Wrong organisation"
country = "EE"
retracted_reason = "not in the document"
"""
RELATIONS_900 = """
[[relations]]
type = "subordinate_to"
from = "ee-agency-a"
to = "ee-ministry-m"

[[relations]]
type = "implements"
from = "ee-agency-a"
to = "ee-project-p"
start = "2020"
retracted_reason = "the document says the ministry implements it"

[[relations]]
type = "submits"
from = "ee-agency-dup"
to = "ee-project-p"
retracted_reason = "moved to the survivor"

[[relations]]
type = "cooperates_with"
from = "ee-wrong"
to = "ee-agency-a"
retracted_reason = "not in the document"
"""
# The same claims again from the second document: one is live, one retracted in the first file.
RELATIONS_901 = """
[[relations]]
type = "subordinate_to"
from = "ee-agency-a"
to = "ee-ministry-m"

[[relations]]
type = "implements"
from = "ee-agency-a"
to = "ee-project-p"
start = "2020"  # the period the first file gives
"""


def write_seeds(directory: Path, **replace: str) -> Path:
    """The two files; `replace` maps a text in them to what it becomes (for broken variants)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "900_a.toml": f"{SOURCE_900}\n{ENTITIES_900}{RELATIONS_900}",
        "901_b.toml": f"{SOURCE_901}\n{AGENCY}{RELATIONS_901}",
    }
    for name, original in files.items():
        text = original
        for old, new in replace.items():
            text = text.replace(old, new)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def problems_of(directory: Path) -> str:
    with pytest.raises(SeedError) as caught:
        read_seed_graph(sorted(directory.glob("*.toml")))
    return str(caught.value)


# -- which kinds a relation may join ---------------------------------------------------------


def test_every_relation_has_its_ends_and_every_seed_relation_fits_them() -> None:
    assert set(RELATION_ENDS) == set(RELATION_TYPES)
    for kind, (from_kinds, to_kinds) in RELATION_ENDS.items():
        assert from_kinds and to_kinds, kind
        assert from_kinds | to_kinds <= set(KIND_LABELS), kind
    seed = read_seed_graph()  # raises SeedError if a curated relation joins the wrong kinds
    for rel in seed.relations.values():
        ends = seed.entities[rel["from"]]["kind"], seed.entities[rel["to"]]["kind"]
        assert relation_ends_problem(rel["props"]["kind"], *ends) is None, rel["props"]["id"]


def test_relation_ends_problem_names_the_end_at_fault() -> None:
    assert relation_ends_problem("cooperates_with", "person", "school") is None
    assert relation_ends_problem("distinct_from", "target", "event") is None
    field, message = relation_ends_problem("party_to", "agency", "project") or ("", "")
    assert field == "to"
    assert "party_to" in message and "project" in message and "agreement" in message
    assert (relation_ends_problem("holds_position", "agency", "school") or ("",))[0] == "from"
    assert (relation_ends_problem("holds_position", "agency", "target") or ("",))[0] == "from"


def test_a_relation_joining_the_wrong_kinds_is_refused_with_file_entry_and_field(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path, **{'type = "subordinate_to"': 'type = "party_to"'})
    message = problems_of(seeds)
    assert "900_a.toml: relations[0]: field 'to': a party_to relation cannot end at a ministry" in message
    assert "901_b.toml" not in message, "a claim declared twice is reported once, where it is whole"


# -- the new fields, one entry at a time (what API writes call) -------------------------------


def test_a_source_needs_a_file_or_a_url() -> None:
    base = {"id": "src-1", "language": "en", "title_en": "X"}
    row, problems = validate_source({**base, "url": "https://example.org/a"})
    assert problems == [] and row is not None and row["url"] == "https://example.org/a"
    row, problems = validate_source({**base, "file": "a.txt", "url": "https://example.org/a"})
    assert (
        problems == [] and row is not None and (row["file"], row["url"]) == ("a.txt", "https://example.org/a")
    )
    assert [f for f, _ in validate_source(base)[1]] == ["file"]
    assert [f for f, _ in validate_source({**base, "url": "example.org/a"})[1]] == ["url"]
    assert [f for f, _ in validate_source({**base, "url": "ftp://example.org/a"})[1]] == ["url"]
    assert [f for f, _ in validate_source({**base, "url": 3})[1]] == ["url"]
    assert [f for f, _ in validate_source({**base, "file": "a.txt", "lang": "en"})[1]] == ["lang"]


ENTITY: dict[str, Any] = {
    "id": "ee-x",
    "kind": "ministry",
    "name": "X",
    "lang": "et",
    "name_en": "X",
    "country": "EE",
}


def test_entity_retraction_fields() -> None:
    row, problems = validate_entity({**ENTITY, "retracted_reason": "wrong"}, ["src-1", "src-2"])
    assert problems == [] and row is not None
    assert row["retracted_reason"] == "wrong" and row["sources"] == ["src-1", "src-2"]
    merged = {**ENTITY, "retracted_reason": "one", "merged_into": "ee-y"}
    assert validate_entity(merged, ["src-1"])[1] == []
    cases = {
        "retracted_reason": {"merged_into": "ee-y"},
        "merged_into": {"retracted_reason": "one", "merged_into": "ee-x"},
    }
    for field, extra in cases.items():
        assert [f for f, _ in validate_entity({**ENTITY, **extra}, ["src-1"])[1]] == [field], extra
    assert validate_entity({**ENTITY, "retracted_reason": " "}, ["src-1"])[1] == [
        ("retracted_reason", "must not be empty")
    ]
    assert [
        f for f, _ in validate_entity({**ENTITY, "merged_into": "EE Y", "retracted_reason": "r"}, [])[1]
    ] == ["merged_into"]
    assert [f for f, _ in validate_entity({**ENTITY, "retracted_at": "2026"}, [])[1]] == ["retracted_at"]


def test_relation_retraction_fields_and_identity() -> None:
    data = {"type": "funds", "from": "ee-x", "to": "ee-p", "amount": 5}
    live, problems = validate_relation(data, ["src-1"])
    assert problems == [] and live is not None and "id" not in live["props"]
    gone, problems = validate_relation({**data, "retracted_reason": "misread"}, ["src-1"])
    assert problems == [] and gone is not None and gone["props"]["retracted_reason"] == "misread"
    assert relation_key({**data, "retracted_reason": "misread"}) == relation_key(data)
    assert relation_id(relation_key(data)).startswith("rel-funds-")
    assert validate_relation({**data, "retracted_reason": 1}, [])[1][0][0] == "retracted_reason"
    ministry = {"id": "ee-x", "kind": "ministry"}
    project = {"id": "ee-p", "kind": "project"}
    assert relation_link_problems(live, ministry, project) == []
    assert relation_link_problems(live, {"id": "ee-x", "kind": "target"}, project)[0][0] == "from"
    retracted = {**project, "retracted_reason": "wrong"}
    assert relation_link_problems(live, ministry, retracted) == [
        ("retracted_reason", "required: the to entity 'ee-p' is retracted")
    ]
    assert relation_link_problems(gone, ministry, retracted) == []


# -- the new fields in seed files ---------------------------------------------------------------


def test_the_directory_reads(tmp_path: Path) -> None:
    seed = read_seed_graph(sorted(write_seeds(tmp_path).glob("*.toml")))
    assert [s.get("url") for s in seed.sources] == [None, "https://example.org/news/1"]
    assert sorted(e["id"] for e in seed.retracted_entities()) == ["ee-agency-dup", "ee-wrong"]
    assert sorted(r["props"]["kind"] for r in seed.retracted_relations()) == [
        "cooperates_with",
        "implements",
        "submits",
    ]
    assert [r["props"]["kind"] for rows in seed.relations_by_type().values() for r in rows] == [
        "subordinate_to"
    ]
    assert "ee-wrong" not in {e["id"] for rows in seed.entities_by_kind().values() for e in rows}


BAD_FILES = {
    "a live relation touching a retracted entity": (
        {'retracted_reason = "moved to the survivor"\n': ""},
        "900_a.toml: relations[2]: field 'retracted_reason': "
        "required: the from entity 'ee-agency-dup' is retracted",
    ),
    "merged into nothing": (
        {'merged_into = "ee-agency-a"': 'merged_into = "ee-agency-z"'},
        "900_a.toml: entities[3] (id 'ee-agency-dup'): field 'merged_into': no entity with id 'ee-agency-z'",
    ),
    "merged without a reason": (
        {'retracted_reason = "the same agency as ee-agency-a"\n': ""},
        "entities[3] (id 'ee-agency-dup'): field 'retracted_reason': required with merged_into",
    ),
    "a loop of merges": (
        {
            'name_en = "Wrong organisation"': 'name_en = "Wrong organisation"\nmerged_into = "ee-agency-dup"',
            'merged_into = "ee-agency-a"': 'merged_into = "ee-wrong"',
        },
        "entities[4] (id 'ee-wrong'): field 'merged_into': 'ee-agency-dup' leads back to 'ee-wrong'",
    ),
    "no file and no url": (
        {'url = "https://example.org/news/1"\n': ""},
        "901_b.toml: [source]: field 'file': missing: a source needs a file or a url",
    ),
    "a url that is none": (
        {"https://example.org/news/1": "example.org/news/1"},
        "901_b.toml: [source]: field 'url': 'example.org/news/1' is not an absolute http(s) URL",
    ),
    "two reasons for one retracted claim": (
        {"# the period the first file gives": '\nretracted_reason = "another"'},
        "901_b.toml: relations[1]: field 'retracted_reason': 'another' contradicts",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_retraction_fields_are_refused_with_file_entry_and_field(case: str, tmp_path: Path) -> None:
    replace, expected = BAD_FILES[case]
    assert expected in problems_of(write_seeds(tmp_path, **replace))


# -- loading and exporting ----------------------------------------------------------------------

STATE = (
    "MATCH (n) WHERE n.id IN $ids "
    "RETURN n.id AS id, labels(n) AS labels, EXISTS { (:Term)-[:NAMES]->(n) } AS named ORDER BY id"
)
TYPES = (
    "MATCH (a {curated: true})-[r]->(b {curated: true}) WHERE a.id STARTS WITH 'ee-' "
    "RETURN a.id AS a, type(r) AS type, r.kind AS kind, b.id AS b, r.sources AS sources ORDER BY a, type, b"
)
PUBLISHER = "MATCH (:Source {id: 'src-901'})-[:PUBLISHED_BY]->(p) RETURN p.id AS id, labels(p) AS labels"
# What API writes add and a seed file has no place for (graph/ingest/export.py, WRITE_DERIVED).
MARK_WRITTEN = (
    "MATCH (n:Retracted {id: 'ee-wrong'}) SET n.retracted_at = '2026-12-04T22:00:25.123456Z', n.revision = 2 "
    "WITH n MATCH (:Entity {id: 'ee-agency-a'})-[r:SUBORDINATE_TO]->() SET r.revision = 1"
)


def _read(conn: Connection, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
    async def work(db: Database) -> list[dict[str, Any]]:
        return await db.read(query, params)

    return run_db(conn, work)


def _without_written(dump: test_export.Dump) -> test_export.Dump:
    nodes, relationships = dump
    drop = {"retracted_at", "revision"}
    return (
        [{**n, "props": {k: v for k, v in n["props"].items() if k not in drop}} for n in nodes],
        [{**r, "props": {k: v for k, v in r["props"].items() if k not in drop}} for r in relationships],
    )


def test_retracted_merged_and_url_sourced_data_loads_and_round_trips(
    seeded: Connection, tmp_path: Path
) -> None:
    seed = read_seed_graph(sorted(write_seeds(tmp_path / "in").glob("*.toml")))
    try:
        run_db(seeded, lambda db: load_seeds(db, seed))
        ids = ["ee-agency-a", "ee-agency-dup", "ee-ministry-m", "ee-project-p", "ee-wrong"]
        state = {row["id"]: (sorted(row["labels"]), row["named"]) for row in _read(seeded, STATE, ids=ids)}
        assert state == {
            "ee-agency-a": (["Actor", "Agency", "Entity"], True),
            "ee-agency-dup": ([RETRACTED_LABEL], False),
            "ee-ministry-m": (["Actor", "Entity", "Ministry"], True),
            "ee-project-p": (["Entity", "Project"], True),
            "ee-wrong": ([RETRACTED_LABEL], False),
        }
        assert _read(seeded, TYPES) == [
            # the claim both documents make, retracted in the first, is retracted and cites both
            {"a": "ee-agency-a", "type": RETRACTED_TYPE, "kind": "implements", "b": "ee-project-p",
             "sources": ["src-900", "src-901"]},
            {"a": "ee-agency-a", "type": "SUBORDINATE_TO", "kind": "subordinate_to", "b": "ee-ministry-m",
             "sources": ["src-900", "src-901"]},
            {"a": "ee-agency-dup", "type": RETRACTED_TYPE, "kind": "submits", "b": "ee-project-p",
             "sources": ["src-900"]},
            {"a": "ee-wrong", "type": RETRACTED_TYPE, "kind": "cooperates_with", "b": "ee-agency-a",
             "sources": ["src-900"]},
        ]  # fmt: skip
        assert _read(seeded, PUBLISHER) == [{"id": "ee-wrong", "labels": [RETRACTED_LABEL]}]
        merged = _read(seeded, "MATCH (n:Retracted {id: 'ee-agency-dup'}) RETURN properties(n) AS p")[0]["p"]
        assert (merged["merged_into"], merged["kind"]) == ("ee-agency-a", "agency")

        run_db(seeded, lambda db: db.write(MARK_WRITTEN))
        before = test_export.curated_dump(seeded)
        first = run_db(seeded, lambda db: export_seeds(db, tmp_path / "first"))
        assert [p.name for p in first.files] == ["900_a.toml", "src-901.toml"]
        text = (tmp_path / "first" / "900_a.toml").read_text(encoding="utf-8")
        assert 'merged_into = "ee-agency-a"' in text and "retracted_at" not in text and "revision" not in text
        assert 'url = "https://example.org/news/1"' in (tmp_path / "first" / "src-901.toml").read_text()

        run_db(seeded, lambda db: load_seeds(db, read_seed_graph(first.files)))
        after = test_export.curated_dump(seeded)
        assert after == _without_written(before)
        second = run_db(seeded, lambda db: export_seeds(db, tmp_path / "second"))
        for a, b in zip(first.files, second.files, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name
    finally:
        run_db(seeded, load_seeds)
    assert _read(seeded, "MATCH (n:Retracted) RETURN count(n) AS n") == [{"n": 0}], "reload removes them"


def test_change_nodes_survive_a_reset(seeded: Connection) -> None:
    run_db(seeded, lambda db: db.write("CREATE (:Change {id: 'chg-test-reset', seq: 1})"))
    try:
        run_db(seeded, lambda db: load_seeds(db, reset=True))
        assert _read(seeded, "MATCH (c:Change {id: 'chg-test-reset'}) RETURN c.seq AS seq") == [{"seq": 1}]
    finally:
        run_db(seeded, lambda db: db.write("MATCH (c:Change {id: 'chg-test-reset'}) DELETE c"))


UNIQUE = {
    "Retracted": (
        "CREATE (:Retracted {id: 'ee-unique-test'})",
        "MATCH (n:Retracted {id: 'ee-unique-test'}) DELETE n",
    ),
    "Change": (
        "CREATE (:Change {id: 'chg-unique-test', seq: -1})",
        "MATCH (n:Change {id: 'chg-unique-test'}) DELETE n",
    ),
}


@pytest.mark.parametrize("label", sorted(UNIQUE))
def test_retracted_and_change_ids_are_unique(label: str, store: Connection) -> None:
    create, delete = UNIQUE[label]
    run_db(store, lambda db: db.write(create))
    try:
        with pytest.raises(Exception, match=r"(?i)duplicat|unique|already|constraint"):
            run_db(store, lambda db: db.write(create))
    finally:
        run_db(store, lambda db: db.write(delete))
    indexes = _read(store, "SHOW INDEXES YIELD labelsOrTypes, properties RETURN labelsOrTypes, properties")
    if label == "Change":
        assert {"labelsOrTypes": ["Change"], "properties": ["seq"]} in indexes
