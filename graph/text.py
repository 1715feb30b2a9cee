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
