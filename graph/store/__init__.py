"""The embedded store's process and the choice between it and an external Neo4j server."""
