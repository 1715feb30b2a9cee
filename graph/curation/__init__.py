"""Curation: changes to the curated graph through the API, each one transaction with its history.

Every write is validated by the seed files' own rules (graph/ingest/seed_files.py), runs in one
managed transaction that also records a Change node and a new data version (`transaction.py`),
and never deletes: retracting re-labels an entity and re-types a relationship (SPEC in
docs/curation.md, "Changes through the API").
"""
