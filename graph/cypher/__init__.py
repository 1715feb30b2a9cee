"""Every Cypher statement the project sends, as named constants (checked by Neo4j's linter in tests).

Statements must be accepted by both Neo4j 5 and the embedded ArcadeDB store; where the
engines differ, the comment beside the constant says which form was chosen and why.
"""
