"""A deterministic synthetic cooperation network, for load and query testing at scale.

`generate(db, actors, seed)` writes a country -> region -> municipality -> school hierarchy with
career counsellors, ministries, agencies and their units, councils and networks, projects with
their funding, partners and pilot schools, events and targets, and cooperation links, for EE, LV
and FI. Partners, members and participants are drawn with weights from a heavy-tailed
distribution (a static fitness model), so a few hubs (national agencies, big networks, large
city schools) collect thousands of links while most actors have a few.

Everything synthetic is marked: `synthetic = true`, ids starting with `syn-`, and
`sources = ["src-synthetic"]`, the dedicated Source node. It never touches curated data and
`remove(db)` deletes it again. The same (actors, seed) always gives the same graph: every part
draws from its own `random.Random` seeded from (seed, part name), and rows are produced lazily
in a fixed order, one UNWIND batch per transaction.

The modules, in the order the data flows: `names` (the words), `draws` (seeded generators,
weighted choice), `country` and `plan` (how many nodes of each kind, before any row), `dates`
and `rows` (the row shapes), `nodes` and `relationships` (the rows), `writer` (the database).
"""

from graph.ingest.synth.nodes import NODE_ORDER
from graph.ingest.synth.plan import COUNTRIES, actor_count, plan_summary
from graph.ingest.synth.relationships import relationship_summary
from graph.ingest.synth.writer import DELETE_BATCH, MIN_ACTORS, Progress, SynthReport, generate, remove

__all__ = [
    "COUNTRIES",
    "DELETE_BATCH",
    "MIN_ACTORS",
    "NODE_ORDER",
    "Progress",
    "SynthReport",
    "actor_count",
    "generate",
    "plan_summary",
    "relationship_summary",
    "remove",
]
