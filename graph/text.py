"""Text folding for search: case- and diacritic-insensitive keys."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter plus a mark.
_EXTRA = str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics and punctuation: 'Võru' -> 'voru', 'Työelämä' -> 'tyoelama'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Punctuation separates words, so "(VIAA)" and "8.3.5.0/16" match "viaa" and "8 3 5".
    spaced = "".join(ch if ch.isalnum() else " " for ch in stripped)
    return " ".join(spaced.split())


def search_terms(names: list[str]) -> list[str]:
    """The distinct words of folded names that search looks up by prefix (single letters excluded)."""
    return sorted({word for name in names for word in name.split() if len(word) > 1})


def lookup_term(folded_query: str) -> str | None:
    """The query word that narrows a search most: the longest one; None if all are single letters."""
    words = [w for w in folded_query.split() if len(w) > 1]
    return max(words, key=len) if words else None
