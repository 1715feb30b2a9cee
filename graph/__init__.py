"""Everything that talks to the database: connection, Cypher, ingestion, the embedded store."""
