"""Adding a source document: the evidence every other write cites."""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from graph.curation.edit import Edit
from graph.curation.errors import Conflict, Invalid
from graph.curation.lookup import live_entity
from graph.curation.transaction import Written, rows, write
from graph.cypher import curation as cypher
from graph.database import Database
from graph.validation import validate_source

Row = dict[str, Any]


async def add_source(
    db: Database, author: str, data: Row, *, reason: str | None = None, client_id: str | None = None
) -> Written:
    """A new source (`data`: a seed file's [source] fields). The same source again changes nothing;
    another one under a taken id is a Conflict."""

    async def work(tx: AsyncManagedTransaction, edit: Edit) -> None:
        row, problems = validate_source(data)
        if row is None or problems:
            raise Invalid(problems)
        edit.subject = row["id"]
        publisher = data.get("publisher")
        if publisher is not None:
            publisher = (await live_entity(tx, publisher, "publisher"))["id"]
        existing = await rows(tx, cypher.SOURCE, id=row["id"])
        if existing:
            stated = {**existing[0]["props"], "publisher": existing[0]["publisher"]}
            wanted = {**row, "publisher": publisher}
            if any(stated.get(name) != value for name, value in wanted.items() if not name.endswith("_date")):
                raise Conflict(f"a different source has the id {row['id']!r}", "id")
            return
        await rows(tx, cypher.CREATE_SOURCE, props=row, publisher=publisher)
        edit.compare("source", row["id"], None, {**row, "publisher": publisher})

    return await write(db, author=author, action="add_source", reason=reason, client_id=client_id, work=work)
