"""The composition root: the web app (coopgraph.app) and the command line (coopgraph.cli) wire
schema, resolvers and graph together; nothing below imports from here."""
