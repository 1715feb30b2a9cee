"""`coopgraph export-seeds`: the curated graph as seed files that load back into the same graph."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from coopgraph.cli import main
from graph.curated import CuratedGraph, read_curated_graph
from graph.database import Connection, Database
from graph.ingest.export import (
    ExportError,
    differences,
    export_seeds,
    plan_files,
    write_graph,
    write_seed_files,
)
from graph.ingest.loader import load_seeds
from graph.ingest.seed_files import SEED_DIR, read_seed_graph
from graph.ingest.synth import MIN_ACTORS, generate, remove
from graph.text import fold
from graph.validation import RELATION_KEY
from tests.conftest import run_db

# The curated graph, canonically: every curated node with its labels, all its properties and the
# search terms that name it; every relationship between curated nodes with all its properties.
CURATED_NODES = (
    "MATCH (n) WHERE n.curated = true "
    "OPTIONAL MATCH (t:Term)-[:NAMES]->(n) "
    "WITH n, collect(t.text) AS terms "
    "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props, terms ORDER BY id"
)
CURATED_RELATIONSHIPS = (
    "MATCH (a)-[r]->(b) WHERE a.curated = true AND b.curated = true "
    "RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props "
    "ORDER BY a, type, b, props.id"
)
Dump = tuple[list[dict[str, Any]], list[dict[str, Any]]]


def curated_dump(conn: Connection) -> Dump:
    async def work(db: Database) -> Dump:
        nodes = await db.read(CURATED_NODES)
        for node in nodes:
            node["labels"] = sorted(node["labels"])
            node["terms"] = sorted(node["terms"])
        return nodes, await db.read(CURATED_RELATIONSHIPS)

    return run_db(conn, work)


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.toml"))


def seed_counts() -> tuple[int, int, int]:
    seed = read_seed_graph()
    return len(seed.sources), len(seed.entities), len(seed.relations)


def test_export_loads_back_into_the_same_graph_and_exports_identically(
    seeded: Connection, tmp_path: Path
) -> None:
    run_db(seeded, load_seeds)  # the curated graph as the seeds say it, whatever ran before
    before = curated_dump(seeded)
    first = run_db(seeded, lambda db: export_seeds(db, tmp_path / "first"))
    assert [p.name for p in first.files] == [p.name for p in seed_files()]
    assert (first.sources, first.entities, first.relations) == seed_counts()
    assert first.others == []
    assert not [p for p in (tmp_path / "first").iterdir() if p.suffix != ".toml"], "no staging left"
    exported = read_seed_graph(first.files)  # raises SeedError if the validator refuses them
    assert (len(exported.sources), len(exported.entities), len(exported.relations)) == seed_counts()
    try:
        # A load replaces the curated graph whole: what is curated afterwards is only what the files say.
        run_db(seeded, lambda db: load_seeds(db, exported))
        after = curated_dump(seeded)
        assert [n["id"] for n in after[0]] == [n["id"] for n in before[0]]
        for old, new in zip(before[0], after[0], strict=True):
            assert new == old, old["id"]
        assert len(after[1]) == len(before[1])
        for old, new in zip(before[1], after[1], strict=True):
            assert new == old, (old["a"], old["type"], old["b"])
        second = run_db(seeded, lambda db: export_seeds(db, tmp_path / "second"))
        for a, b in zip(first.files, second.files, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name
    finally:
        run_db(seeded, load_seeds)


def _key(relation: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(relation.get(name) for name in RELATION_KEY)


def test_exporting_the_seed_graph_reproduces_the_seed_files(seeded: Connection, tmp_path: Path) -> None:
    """Same files, same source tables, the same entries in each; an entry in one file only, unchanged.

    The graph does not record which file first gave a field of an entity stated in two documents,
    so such an entity is written whole in the first file and by its identity in the others.
    """
    run_db(seeded, load_seeds)
    report = run_db(seeded, lambda db: export_seeds(db, tmp_path))
    declared: dict[str, int] = {}
    for path in seed_files():
        for entity in tomllib.loads(path.read_text(encoding="utf-8")).get("entities", []):
            declared[entity["id"]] = declared.get(entity["id"], 0) + 1
    for seed_path, path in zip(seed_files(), report.files, strict=True):
        seed = tomllib.loads(seed_path.read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        mine = tomllib.loads(text)
        assert text.splitlines()[0] == seed_path.read_text(encoding="utf-8").splitlines()[0]
        assert mine["source"] == seed["source"], path.name
        seed_entities = {e["id"]: e for e in seed.get("entities", [])}
        my_entities = {e["id"]: e for e in mine.get("entities", [])}
        assert set(my_entities) == set(seed_entities), path.name
        for ident, entity in seed_entities.items():
            if declared[ident] == 1:
                assert my_entities[ident] == entity, ident
        seed_relations = {_key(r): r for r in seed.get("relations", [])}
        my_relations = {_key(r): r for r in mine.get("relations", [])}
        assert my_relations == seed_relations, path.name


def test_exporting_into_the_seed_files_leaves_them_byte_for_byte_as_they_are(
    seeded: Connection, tmp_path: Path
) -> None:
    """Entries keep their places, headers and the fields each file gave an entity stated in two."""
    run_db(seeded, load_seeds)
    target = tmp_path / "seeds"
    target.mkdir()
    for path in seed_files():
        (target / path.name).write_bytes(path.read_bytes())
    report = run_db(seeded, lambda db: export_seeds(db, target))
    assert [p.name for p in report.files] == [p.name for p in seed_files()]
    for path in seed_files():
        assert (target / path.name).read_bytes() == path.read_bytes(), path.name


def test_files_that_would_not_load_back_into_the_graph_are_not_written(
    seeded: Connection, tmp_path: Path
) -> None:
    run_db(seeded, load_seeds)
    graph = run_db(seeded, read_curated_graph)
    documents = plan_files(graph)
    entity = documents["000_d840e59b7b29eb0c.toml"]["entities"][0]
    entity["note"] = "not what the graph says"
    with pytest.raises(ExportError, match="would load back as 'not what the graph says'"):
        write_seed_files(tmp_path, documents, check=lambda seed: differences(graph, seed))
    assert list(tmp_path.iterdir()) == []


def test_synthetic_data_is_not_exported(seeded: Connection, tmp_path: Path) -> None:
    run_db(seeded, load_seeds)
    plain = run_db(seeded, lambda db: export_seeds(db, tmp_path / "plain"))
    try:
        run_db(seeded, lambda db: generate(db, MIN_ACTORS, 1, batch_size=500))
        mixed = run_db(seeded, lambda db: export_seeds(db, tmp_path / "mixed"))
    finally:
        run_db(seeded, remove)
    assert (mixed.sources, mixed.entities, mixed.relations) == (
        plain.sources,
        plain.entities,
        plain.relations,
    )
    for a, b in zip(plain.files, mixed.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert "syn-" not in b.read_text(encoding="utf-8")


def test_the_command_writes_the_files(seeded: Connection, tmp_path: Path, monkeypatch: Any) -> None:
    run_db(seeded, load_seeds)
    for name, value in (
        ("NEO4J_URI", seeded.uri),
        ("NEO4J_USER", seeded.user),
        ("NEO4J_PASSWORD", seeded.password),
        ("NEO4J_DATABASE", seeded.database),
        ("COOPGRAPH_DATA_DIR", str(tmp_path / "data")),
    ):
        monkeypatch.setenv(name, value)
    stale = tmp_path / "out" / "999_gone.toml"
    stale.parent.mkdir()
    stale.write_text("# not written by the export\n")
    assert main(["export-seeds", str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").glob("*.toml"))
    assert written == sorted([p.name for p in seed_files()] + [stale.name])
    assert stale.read_text() == "# not written by the export\n", "files it did not write are left alone"


def _graph(**entity: Any) -> CuratedGraph:
    source = {"id": "src-900", "file": "900_x.txt", "language": "en", "title_en": "X", "curated": True}
    props: dict[str, Any] = {
        "id": "ee-x",
        "kind": "ministry",
        "name": "X",
        "lang": "en",
        "name_en": "X",
        "country": "EE",
    }
    props.update({"curated": True, "sources": ["src-900"], "aliases": [], "identifiers": []})
    props.update(entity)
    return CuratedGraph(
        sources=[{"props": source, "publisher": None, "publisher_inferred_reason": None}],
        entities=[props],
    )


def test_a_property_no_seed_file_can_hold_is_refused_not_dropped() -> None:
    with pytest.raises(ExportError, match="'retracted' has no place in a seed file"):
        plan_files(_graph(retracted=True))
    with pytest.raises(ExportError, match="not a curated source"):
        plan_files(_graph(sources=["src-elsewhere"]))


def test_nothing_is_written_when_the_validator_refuses_the_files(tmp_path: Path) -> None:
    (tmp_path / "900_x.toml").write_text("old\n")
    documents = plan_files(_graph(country="XX"))
    with pytest.raises(ExportError, match="unknown country 'XX'"):
        write_seed_files(tmp_path, documents)
    assert [p.name for p in tmp_path.iterdir()] == ["900_x.toml"]
    assert (tmp_path / "900_x.toml").read_text() == "old\n"


ENTITY = 'id = "ee-x"\nkind = "ministry"\nname = "X"\nlang = "en"\nname_en = "X"\ncountry = "EE"\n'


def _two_documents(directory: Path) -> CuratedGraph:
    """Two files stating one entity, the second with an alias; returned as the graph they load."""
    directory.mkdir()
    for ident, aliases in (("900", ""), ("901", 'aliases = ["Alias one"]\n')):
        source = f'[source]\nid = "src-{ident}"\nfile = "{ident}_x.txt"\nlanguage = "en"\ntitle_en = "X"\n'
        (directory / f"{ident}_x.toml").write_text(f"{source}\n[[entities]]\n{ENTITY}{aliases}")
    seed = read_seed_graph(sorted(directory.glob("*.toml")))
    sources = [{"props": row, "publisher": None, "publisher_inferred_reason": None} for row in seed.sources]
    return CuratedGraph(sources=sources, entities=list(seed.entities.values()))


def _entity(path: Path) -> dict[str, Any]:
    entity: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))["entities"][0]
    return entity


def test_a_further_file_keeps_the_alias_it_gave(tmp_path: Path) -> None:
    graph = _two_documents(tmp_path / "seeds")
    write_graph(graph, tmp_path / "seeds")
    assert "aliases" not in _entity(tmp_path / "seeds" / "900_x.toml")
    assert _entity(tmp_path / "seeds" / "901_x.toml")["aliases"] == ["Alias one"]


def test_a_layout_that_would_not_load_back_the_same_falls_back_to_the_first_file(tmp_path: Path) -> None:
    graph = _two_documents(tmp_path / "seeds")
    entity = graph.entities[0]
    # A new alias before the one the second file gave: written there, it would load second.
    entity["aliases"] = ["Alias one", "Alias zero"]
    entity["search_names"] = list(dict.fromkeys(fold(n) for n in ["X", "X", *entity["aliases"]]))
    entity["search_key"] = " | ".join(entity["search_names"])
    write_graph(graph, tmp_path / "seeds")
    assert _entity(tmp_path / "seeds" / "900_x.toml")["aliases"] == ["Alias one", "Alias zero"]
    assert "aliases" not in _entity(tmp_path / "seeds" / "901_x.toml")
