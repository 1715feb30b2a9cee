"""What a curation write refuses, as the project's own errors; nothing is written with any of them."""

from __future__ import annotations

from graph.errors import GraphError


class CurationError(GraphError):
    """A write was refused; the transaction was rolled back."""


class Invalid(CurationError):
    """The input breaks the seed files' rules: each problem names its field."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems))
        self.problems = problems


class Missing(CurationError):
    """An entity, relationship or source the write names does not exist (or is retracted)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class Conflict(CurationError):
    """The write is based on a state that is no longer true (a newer revision, an existing id)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Contended(GraphError):
    """Concurrent writes kept winning the race for longer than a write waits: nothing was
    written, and the client may try again (not the client's fault, so not a CurationError)."""
