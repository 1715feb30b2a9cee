"""Reusable pieces of Cypher, assembled into the statements of the other modules at import time.

Nothing here is ever filled from input: the pieces are constants, and variable names are
chosen by the statement that uses them.
"""

from typing import Final

from graph.ontology import RETRACTED_TYPE


def valid(var: str, level: str = "") -> str:
    """The relationship or node `var` is valid at $asOf and overlaps [$from, $to].

    Undated things count as valid: most sources date only some of what they state. `level`
    suffixes the parameter names, for statements that filter several levels differently.
    """
    as_of, start, end = f"$asOf{level}", f"$from{level}", f"$to{level}"
    return (
        f"(({as_of} IS NULL OR (({var}.start_date IS NULL OR {var}.start_date <= {as_of}) "
        f"AND ({var}.end_date IS NULL OR {var}.end_date >= {as_of}))) "
        f"AND ({start} IS NULL OR {var}.end_date IS NULL OR {var}.end_date >= {start}) "
        f"AND ({end} IS NULL OR {var}.start_date IS NULL OR {var}.start_date <= {end}))"
    )


# What graph.records.RelationshipRecord reads of a relationship. Named rather than all of
# properties(): the indexed start_date/end_date are for filtering and ordering, and decoding two
# temporal values per relationship costs the driver more than the rest of the row.
_RELATIONSHIP_PROPERTIES: Final = (
    "id", "kind", "start", "end", "sources", "role", "amount", "currency", "workload", "title",
    "title_en", "note", "inferred", "inferred_reason", "revision",
)  # fmt: skip
# Only a RETRACTED relationship has these: read where a statement can meet one (includeRetracted).
_RETRACTION_PROPERTIES: Final = ("retracted_reason", "retracted_at")


def rel_map(var: str, retracted: bool = False) -> str:
    """A relationship as a map the records module understands; `retracted`: with what says why and
    when it was retracted, for statements that can meet a RETRACTED one."""
    names = _RELATIONSHIP_PROPERTIES + _RETRACTION_PROPERTIES if retracted else _RELATIONSHIP_PROPERTIES
    props = ", ".join(f"{p}: {var}.{p}" for p in names)
    return f"{{r: {{{props}}}, type: type({var}), from: startNode({var}).id, to: endNode({var}).id}}"


# Relationship types that never connect two things in the world: provenance, the explicit
# statement that two similar names are different entities, the search terms' links, what was
# retracted, and the change log's links to what each change touched (graph/cypher/history.py).
NOT_CONNECTING: Final = f"['PUBLISHED_BY', 'DISTINCT_FROM', 'NAMES', '{RETRACTED_TYPE}', 'CHANGED']"


def degree(var: str) -> str:
    """How many live relationships the entity `var` has (provenance and search links aside): kept
    on the node for network drawings, refreshed by every load and write. The subquery's variable
    has a name no statement uses: an `r` in scope would be the one relationship it counts."""
    return f"COUNT {{ MATCH ({var})-[counted]-(:Entity) WHERE NOT type(counted) IN {NOT_CONNECTING} }}"


def members(var: str) -> str:
    """How many actors take part in the group `var` (a project, council, event, agreement): kept
    on the node so that relationship questions can skip very large groups without expanding them."""
    return f"COUNT {{ MATCH ({var})-[counted]-(:Actor) WHERE NOT type(counted) IN {NOT_CONNECTING} }}"


# Nodes through which two actors are connected without a direct relationship, as a label
# expression: filtering by label while expanding prunes far earlier than by property after.
INTERMEDIARY_LABELS: Final = "Project|Council|Event|Agreement"

# How an actor takes part in a project or a network, for co-participation.
PARTICIPATION_TYPES: Final = "['PARTICIPATES_IN', 'IMPLEMENTS', 'SUBMITS', 'COORDINATES', 'MEMBER_OF']"


def stated(var: str) -> str:
    """The node or relationship `var` may take part: it is not inferred, or $includeInferred
    lets inferred ones in. A parameter, never text from the request; statements on hot paths
    also have a variant without the test for the default (`includeInferred: true`)."""
    return f"($includeInferred OR NOT coalesce({var}.inferred, false))"


def guessed(*variables: str) -> str:
    """True when any of the nodes or relationships named is inferred (an expression)."""
    return "(" + " OR ".join(f"coalesce({v}.inferred, false)" for v in variables) + ")"


def guessed_path(var: str) -> str:
    """True when any node or relationship of the path `var` is inferred."""
    return (
        f"(any(gnode IN nodes({var}) WHERE coalesce(gnode.inferred, false)) "
        f"OR any(grel IN relationships({var}) WHERE coalesce(grel.inferred, false)))"
    )


# A source's publisher (`p`, through `pb`) as columns, or as map entries in a collected map:
# whether the document does not show it (the link or the publisher is inferred; a link
# loaded with a reason is an inferred one), and why.
def source_publisher(pb: str, p: str, separator: str = " AS ") -> str:
    columns = {
        "publisher": f"{p}.id",
        "publisher_inferred": f"(coalesce({pb}.inferred, {pb}.inferred_reason IS NOT NULL) "
        f"OR coalesce({p}.inferred, false))",
        "publisher_inferred_reason": f"{pb}.inferred_reason",
    }
    if separator == ": ":
        return ", ".join(f"{name}: {value}" for name, value in columns.items())
    return ", ".join(f"{value} AS {name}" for name, value in columns.items())
