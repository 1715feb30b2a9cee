"""The schema is a contract: the committed SDL, enums in step with the ontology, bounded round trips."""

from __future__ import annotations

from pathlib import Path

from graphql.error import GraphQLError
from starlette.testclient import TestClient

from graph.ontology import KIND_LABELS, RELATION_TYPES
from graph.records import EntityRecord
from schema import schema
from schema.errors import classify
from schema.types.entities import ENTITY_TYPES, to_entity
from schema.types.enums import Kind, RelationKind
from tests.conftest import gql

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_sdl_matches_the_code() -> None:
    assert SDL.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `coopgraph export-schema` and review the diff"
    )


def test_enums_follow_the_ontology() -> None:
    assert {k.value for k in Kind} == set(KIND_LABELS)
    assert {k.value for k in RelationKind} == set(RELATION_TYPES)


def test_every_kind_of_the_ontology_has_its_graphql_type() -> None:
    seen = set()
    for kind in KIND_LABELS:
        entity = to_entity(EntityRecord.from_props({"id": f"x-{kind}", "kind": kind, "name": "x"}))
        assert type(entity) in ENTITY_TYPES
        assert entity.kind == Kind(kind)
        seen.add(type(entity))
    assert len(seen) == len(KIND_LABELS)  # one type per kind


def test_every_field_the_playground_shows_is_described() -> None:
    sdl = schema.as_str()
    for root_field in ("partners(", "paths(", "commonPartners(", "network(", "coParticipation(", "brokers("):
        position = sdl.index(f"  {root_field}")
        assert sdl[:position].rstrip().endswith('"""'), f"{root_field} has no description"


def test_unexpected_errors_are_masked() -> None:
    error = classify(GraphQLError("secret detail", original_error=RuntimeError("password=hunter2")))
    assert error.message == "Internal server error."
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}


LIST_WITH_NESTING = """
query($first: Int!) {
  entities(first: $first) {
    edges { node {
      key sources { key publisher { key } }
      relationships(first: 3) { totalCount edges { other { key sources { key } } node { sources { key } } } }
    } }
  }
}
"""


def test_a_list_query_makes_the_same_round_trips_for_5_or_40_results(client: TestClient) -> None:
    db = client.app.state.db  # type: ignore[attr-defined]

    def trips(first: int) -> int:
        before = db.round_trips
        data = gql(client, LIST_WITH_NESTING, first=first)
        assert len(data["entities"]["edges"]) == first
        return int(db.round_trips - before)

    # One statement per level of the query (list, sources, relationships, counts, the other
    # ends, their sources): how DataLoaders share a batch across levels can vary by one.
    for first in (5, 40):
        assert trips(first) <= 7, f"{trips(first)} database round trips for {first} results"
