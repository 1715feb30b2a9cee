from __future__ import annotations

import strawberry

from graph.records import GraphStats as GraphStatsRecord


@strawberry.type(description="How many nodes carry a label.")
class LabelCount:
    label: str
    count: int


@strawberry.type(description="How many relationships have a type.")
class TypeCount:
    type: str
    count: int


@strawberry.type(description="Size of the whole graph, by node label and relationship type.")
class GraphStats:
    node_count: int
    relationship_count: int
    labels: list[LabelCount]
    relationship_types: list[TypeCount]

    @classmethod
    def from_record(cls, record: GraphStatsRecord) -> GraphStats:
        return cls(
            node_count=record.node_count,
            relationship_count=record.relationship_count,
            labels=[LabelCount(label=label, count=count) for label, count in record.labels],
            relationship_types=[TypeCount(type=t, count=count) for t, count in record.relationship_types],
        )
