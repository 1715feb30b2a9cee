"""One seed file's text, laid out as the curated seeds/ are (graph/ingest/export.py writes them).

tomli-w formats every value (Python's tomllib only reads TOML); the layout around the values is
the seeds': a header comment, `[source]`, section comments, one `[[entities]]` or `[[relations]]`
table per entry, and arrays and identifier tables inline on one line.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import tomli_w

Row = dict[str, Any]

LANGUAGE_NAMES = {"et": "Estonian", "lv": "Latvian", "fi": "Finnish", "en": "English", "ru": "Russian"}
SECTION = "# ----------------------------------------------------------------"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _value(value: Any) -> str:
    """A TOML value on one line, as the curated seeds write them (tomli-w formats the scalars)."""
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    return tomli_w.dumps({"v": value}).removeprefix("v = ").removesuffix("\n")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _value(name)


def _table(header: str, data: Row) -> list[str]:
    return [header, *(f"{_key(name)} = {_value(value)}" for name, value in data.items()), ""]


def render(document: Row, header: list[str] | None = None) -> str:
    """One seed file's text: header comment, [source], then the entities and relations sections.

    `header`: the comment lines to open the file with (a file being replaced keeps its own).
    """
    source = document["source"]
    language = LANGUAGE_NAMES.get(source.get("language", ""), source.get("language", ""))
    header = header or [
        f"# Curated facts from {source.get('file') or source.get('url')} ({language}).",
        "# All notes are the curator's own English wording.",
    ]
    lines = [*header, "", *_table("[source]", source)]
    for section in ("entities", "relations"):
        if document.get(section):
            lines += [f"{SECTION} {section}", ""]
            for entry in document[section]:
                lines += _table(f"[[{section}]]", entry)
    text = "\n".join(lines[:-1]) + "\n"
    if tomllib.loads(text) != document:  # the one-line layout must say exactly what was meant
        raise ValueError(f"{source.get('id')!r}: the written TOML does not read back as the data")
    return text
