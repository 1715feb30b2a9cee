"""Applies the graph's constraints and indexes; safe to run at every start."""

from __future__ import annotations

from graph.cypher.constraints import SETUP
from graph.database import Database


async def apply_constraints(db: Database) -> None:
    for statement in SETUP:
        await db.write(statement)
