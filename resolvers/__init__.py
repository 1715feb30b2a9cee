"""Query logic: async functions from (database, arguments) to graph's typed records or plain
dataclasses. No Strawberry or Starlette here; the schema calls these and nothing else."""

from graph.database import Database

# The handle every resolver takes: the schema passes it through from the app without using it.
__all__ = ["Database"]
