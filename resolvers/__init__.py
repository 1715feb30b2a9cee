"""Query logic: async functions from (database, arguments) to plain data. No Strawberry or Starlette here."""
