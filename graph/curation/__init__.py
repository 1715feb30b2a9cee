"""Curation: changes to the curated graph through the API, each one transaction with its history.

Every write is validated by the seed files' own rules (graph/validation.py), runs in one
managed transaction that also records a Change node and a new data version (`transaction.py`),
and never deletes: retracting re-labels an entity (`Retracted`) and re-types a relationship
(`RETRACTED`), keeping every property and adding the reason. Curators read about it in the
README, "Curating through the API".
"""
