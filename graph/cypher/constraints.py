"""Constraints and indexes, created at start-up; every statement is idempotent."""

from typing import Final, LiteralString

# Created on empty labels at first start: ArcadeDB fixes a property's type when an
# index is added to a label that already holds data (seen on the embedded store).
SETUP: Final[tuple[LiteralString, ...]] = (
    "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT term_text IF NOT EXISTS FOR (t:Term) REQUIRE t.text IS UNIQUE",
    # One Meta node (the data version and the maintenance marker), even when two processes
    # claim a run on an empty graph at once.
    "CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (m:Meta) REQUIRE m.id IS UNIQUE",
    # API tokens (graph/tokens.py): one per name, and a hash finds exactly one.
    "CREATE CONSTRAINT api_token_name IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.name IS UNIQUE",
    "CREATE CONSTRAINT api_token_hash IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE",
    # A retracted entity keeps its id (graph/ontology.py RETRACTED_LABEL): looked up by it when a
    # relation to it is loaded or a merged key is followed.
    "CREATE CONSTRAINT retracted_id IF NOT EXISTS FOR (n:Retracted) REQUIRE n.id IS UNIQUE",
    # The change log (API writes): one node per id; listed in order of seq, filtered by time.
    "CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE",
    "CREATE INDEX change_seq IF NOT EXISTS FOR (c:Change) ON (c.seq)",
    "CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at)",
    # `changes(author:)`: an equality seek, not a scan of the log (graph/cypher/history.py).
    "CREATE INDEX change_author IF NOT EXISTS FOR (c:Change) ON (c.author)",
    # A write with a clientMutationId first looks for the change it may have made already.
    "CREATE INDEX change_request IF NOT EXISTS FOR (c:Change) ON (c.request)",
    "CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)",
    "CREATE INDEX entity_country IF NOT EXISTS FOR (n:Entity) ON (n.country)",
)
