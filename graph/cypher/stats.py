"""Whole-graph counts."""

from typing import Final

NODE_COUNT: Final = "MATCH (n) RETURN count(n) AS count"
RELATIONSHIP_COUNT: Final = "MATCH ()-[r]->() RETURN count(r) AS count"
LABEL_COUNTS: Final = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count ORDER BY label"
TYPE_COUNTS: Final = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type"
