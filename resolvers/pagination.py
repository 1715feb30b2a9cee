"""Bounded pages and opaque cursors."""

from __future__ import annotations

import base64
import binascii
import functools

from resolvers.errors import BadInput

DEFAULT_PAGE = 20
MAX_PAGE = 100
# No list is this long; a larger offset can only be a forged cursor.
MAX_OFFSET = 10_000_000


@functools.lru_cache(maxsize=1024)  # a traversal's pages repeat the same offsets
def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, number = text.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadInput(f"`after` is not a cursor this API issued: {cursor!r}", argument="after") from None
    if prefix != "offset" or not 0 <= offset <= MAX_OFFSET:
        raise BadInput(f"`after` is not a cursor this API issued: {cursor!r}", argument="after")
    return offset


def window(first: int | None, after: str | None, maximum: int = MAX_PAGE) -> tuple[int, int]:
    """(skip, limit) for a page; `after` is the cursor of the last item already seen."""
    limit = DEFAULT_PAGE if first is None else first
    if not 1 <= limit <= maximum:
        raise BadInput(f"`first` must be between 1 and {maximum}, got {limit}", argument="first")
    skip = 0 if after is None else decode_cursor(after) + 1
    return skip, limit
