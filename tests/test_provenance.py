"""Provenance you can cite (issue #12, items 6 and 7): a relationship's sources carry the document's
file, title, language, publication date and publisher, so one query gives a citation.

The expected values are read from the seed files themselves (TOML), not written down here: the
curation may change which document says what.
"""

from __future__ import annotations

import tomllib
from typing import Any

from starlette.testclient import TestClient

from graph.ingest.seed_files import SEED_DIR
from tests.conftest import gql

SOURCE_FIELDS = """
  key file language title titleEn published { text }
  publisherInferred publisherInferredReason publisher { key name nameEn }
"""

CITE = f"""
query($key: String!) {{
  entity(key: $key) {{
    relationships(first: 100) {{
      edges {{ node {{ key kind from {{ key }} to {{ key }} sources {{ {SOURCE_FIELDS} }} }} }}
    }}
  }}
}}
"""


def _seed_files() -> list[dict[str, Any]]:
    return [tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(SEED_DIR.glob("*.toml"))]


def _names() -> dict[str, tuple[str, str]]:
    return {e["id"]: (e["name"], e["name_en"]) for doc in _seed_files() for e in doc.get("entities", [])}


def citation(source: dict[str, Any]) -> str:
    """What a researcher writes from a source: publisher (date). Title [language]. File."""
    who = source["publisher"]["name"] if source["publisher"] else "n.p."
    if source["publisherInferred"]:
        who += " (publisher inferred)"
    when = source["published"]["text"] if source["published"] else "n.d."
    return f"{who} ({when}). {source['title'] or source['titleEn']} [{source['language']}]. {source['file']}."


def expected_citation(document: dict[str, Any], names: dict[str, tuple[str, str]]) -> str:
    source = document["source"]
    who = names[source["publisher"]][0] if "publisher" in source else "n.p."
    if "publisher_inferred_reason" in source:
        who += " (publisher inferred)"
    title = source.get("title") or source["title_en"]
    return f"{who} ({source.get('published', 'n.d.')}). {title} [{source['language']}]. {source['file']}."


def _richest(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The document whose source says most about itself (title, date, publisher), with relations."""
    with_relations = [d for d in documents if d.get("relations")]
    return max(
        with_relations, key=lambda d: sum(k in d["source"] for k in ("title", "published", "publisher"))
    )


def test_a_relationship_can_be_cited_from_one_query(client: TestClient) -> None:
    documents, names = _seed_files(), _names()
    document = _richest(documents)
    stated = document["relations"][0]
    edges = gql(client, CITE, key=stated["from"])["entity"]["relationships"]["edges"]
    relationship = next(
        e["node"]
        for e in edges
        if e["node"]["kind"] == stated["type"].upper()
        and (e["node"]["from"]["key"], e["node"]["to"]["key"]) == (stated["from"], stated["to"])
        and document["source"]["id"] in {s["key"] for s in e["node"]["sources"]}
    )
    [source] = [s for s in relationship["sources"] if s["key"] == document["source"]["id"]]
    seed = document["source"]
    assert source["file"] == seed["file"]
    assert source["language"] == seed["language"]
    assert source["title"] == seed.get("title")
    assert source["titleEn"] == seed["title_en"]
    assert (source["published"] or {}).get("text") == seed.get("published")
    if "publisher" in seed:
        assert source["publisher"] == {
            "key": seed["publisher"],
            "name": names[seed["publisher"]][0],
            "nameEn": names[seed["publisher"]][1],
        }
    assert source["publisherInferred"] == ("publisher_inferred_reason" in seed)
    assert source["publisherInferredReason"] == seed.get("publisher_inferred_reason")
    assert citation(source) == expected_citation(document, names)


def test_every_source_can_be_cited(client: TestClient) -> None:
    """Every document behind the graph, as the seeds describe it."""
    names = _names()
    found = {s["key"]: s for s in gql(client, f"{{ sources {{ {SOURCE_FIELDS} }} }}")["sources"]}
    for document in _seed_files():
        source = found[document["source"]["id"]]
        assert citation(source) == expected_citation(document, names)
        assert source["publisherInferredReason"] == document["source"].get("publisher_inferred_reason")
