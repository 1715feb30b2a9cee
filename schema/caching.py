"""Parse and validate each distinct document once per process, in caches bounded in bytes.

Dashboards repeat the same documents, so parsing and validating each once pays; but a cache that
counts entries lets a client fill memory with a few hundred large documents (a 1 MB string
argument is one token). These caches count bytes instead: each entry is charged an estimate of
what it holds (the query text, plus about 600 bytes per token for the syntax tree and the token
list graphql-core keeps), the least recently used entries go first, and an entry larger than a
32nd of its cache is not kept at all, so one large document cannot push out the everyday ones.

Both caches are keyed by the query text (Python caches a string's hash; a parsed document's hash
walks its whole tree). Only public members of Strawberry's execution context are used:

* ParseOnce: a document that fails to parse is left to Strawberry's own parse, which reports the
  syntax error like any other. Raised from the cache, the error would end the operation as a
  failed extension hook: the other extensions' parse hooks would not see it, so the token limit's
  error would not be coded QUERY_TOO_COMPLEX (schema.limits.TokenLimit).
* ValidateOnce: on a miss, Strawberry validates as usual and the verdict is kept afterwards; on a
  hit, the kept verdict is put in place and Strawberry skips validation. The key holds the schema
  and the validation rules too, so one text's verdict is never another schema's or rule set's (the
  query limits' rule classes are built once per process: schema.limits).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

V = TypeVar("V")

PARSE_CACHE_BYTES = 32 * 1024 * 1024
VALIDATION_CACHE_BYTES = 16 * 1024 * 1024
BYTES_PER_TOKEN = 600  # measured with tracemalloc: 500-620 per token of fields and arguments
ENTRY_OVERHEAD = 512


class ByteBoundedCache(Generic[V]):
    """A least-recently-used mapping whose entries' estimated sizes add up to at most `max_bytes`.

    Used from the event loop only: there is no await between a lookup and an update."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 32
        self.used = 0
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: V, size: int) -> None:
        if size > self.max_entry:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.used -= old[1]
        self._entries[key] = (value, size)
        self.used += size
        while self.used > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.used -= evicted


def _text_bytes(text: str) -> int:
    # What CPython holds for a str: 1, 2 or 4 bytes a character, by its widest character.
    widest = max(map(ord, text), default=0)
    return len(text) * (1 if widest < 256 else 2 if widest < 65536 else 4)


def document_bytes(query: str, document: DocumentNode) -> int:
    """An estimate of what a parsed document holds: its text, ~600 bytes per token, and each
    token's own copy of its text (a string literal's value is kept in the token and the AST)."""
    tokens = copies = 0
    token = document.loc.start_token if document.loc is not None else None
    while token is not None:
        tokens += 1
        if token.value:
            copies += 2 * _text_bytes(token.value)
        token = token.next
    return ENTRY_OVERHEAD + _text_bytes(query) + copies + BYTES_PER_TOKEN * tokens


class ParseOnce(SchemaExtension):
    """Each distinct query text parsed once per process (while it stays in `cache`)."""

    def __init__(self, cache: ByteBoundedCache[DocumentNode]) -> None:
        self.cache = cache

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None and context.graphql_document is None:
            options = context.parse_options
            key = (query, *sorted(options.items()))
            document = self.cache.get(key)
            if document is None:
                try:
                    document = parse(query, **options)
                except GraphQLError:
                    document = None  # Strawberry's parse reports it (see the module's docstring)
                else:
                    self.cache.put(key, document, document_bytes(query, document))
            context.graphql_document = document
        yield


class ValidateOnce(SchemaExtension):
    """Each distinct query text validated once per process and schema (while its verdict stays in
    `cache`)."""

    def __init__(self, cache: ByteBoundedCache[list[GraphQLError]]) -> None:
        self.cache = cache

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.query is None or document is None or context.pre_execution_errors is not None:
            yield  # nothing to key on, or a verdict already: Strawberry does as usual
            return
        key = (context.schema, context.query, tuple(context.validation_rules))
        errors = self.cache.get(key)
        if errors is not None:
            context.pre_execution_errors = list(errors)
            yield
            return
        yield  # Strawberry validates
        verdict = context.pre_execution_errors
        if verdict is not None:
            # Errors point into the document (their nodes), so they keep its whole tree alive.
            query = context.query
            size = document_bytes(query, document) if verdict else ENTRY_OVERHEAD + _text_bytes(query)
            self.cache.put(key, list(verdict), size)


__all__ = ["ByteBoundedCache", "ParseOnce", "ValidateOnce"]
