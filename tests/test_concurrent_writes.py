"""Curators writing at once (issue #13, item 7): `coopgraph serve` with two workers and many HTTP
clients against the real embedded store, whose optimistic commits make some writes lose a race
and run again. No update is lost, nothing is duplicated, and every change has its own number."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port
from tests.services import Service, clean_env

WRITERS = 12
MINISTRY = "ee-ministry-of-education-and-research"


class Curated:
    """A running service and a curator's token for it."""

    def __init__(self, data_dir: Path) -> None:
        bolt, http = free_port(), free_port()
        self.service = Service(data_dir, bolt_port=bolt, http_port=http, workers=2)
        self.service.wait_ready()
        env = clean_env(
            COOPGRAPH_DATA_DIR=str(data_dir),
            COOPGRAPH_STORE_BOLT_PORT=str(bolt),
            COOPGRAPH_STORE_HTTP_PORT=str(http),
        )
        created = subprocess.run(
            [sys.executable, "-m", "coopgraph", "token", "create", "--role", "curator", "--name", "racer"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        self.secret = created.stdout.splitlines()[0].strip()

    def post(self, query: str, **variables: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            self.service.base + "/graphql",
            data=json.dumps({"query": query, "variables": variables}).encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {self.secret}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = json.loads(error.read())
        return body


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Curated]:
    running = Curated(tmp_path_factory.mktemp("concurrent") / "data")
    try:
        yield running
    finally:
        running.service.stop()


def at_once(count: int, write: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(write, range(count)))


def codes(results: list[dict[str, Any]]) -> list[str]:
    return sorted(r["errors"][0]["extensions"]["code"] if r.get("errors") else "OK" for r in results)


ADD_SOURCE_N = """mutation($key: String!, $url: String!) {
  addSource(input: {key: $key, url: $url, language: "en", titleEn: "Race report"}) { change { seq } } }"""
CREATE = """mutation($key: String!) { createEntity(input: {key: $key, kind: SCHOOL, subtype: "general",
  name: "Võidujooksu kool", lang: "et", nameEn: "Race School", country: EE, sources: ["src-race-0"]}) {
  entity { key revision } change { seq } } }"""
ASSERT = """mutation($source: String!, $to: String!) { assertRelationship(input: {kind: COOPERATES_WITH,
  from: "ee-race-school", to: $to, start: "2024", sources: [$source]}) {
  relationship { key sources { key } } change { seq } } }"""
UPDATE = """mutation($note: String!, $rev: Int!) { updateEntity(key: "ee-race-school", expectedRevision: $rev,
  set: {note: $note}) { entity { revision note } } }"""
RELATIONSHIPS = """{ entity(key: "ee-race-school") { revision note relationships(kinds: [COOPERATES_WITH]) {
  edges { node { key sources { key } } } } } }"""


def test_concurrent_writers_lose_nothing_and_duplicate_nothing(curated: Curated) -> None:
    # Sources: twelve different ones at once, all written, each change numbered once.
    added = at_once(
        WRITERS,
        lambda i: curated.post(ADD_SOURCE_N, key=f"src-race-{i}", url=f"https://example.org/race/{i}"),
    )
    assert codes(added) == ["OK"] * WRITERS, added
    seqs = [r["data"]["addSource"]["change"]["seq"] for r in added]
    assert len(set(seqs)) == WRITERS

    # One entity created by twelve curators at once: one creates it, the others are told it exists.
    created = at_once(WRITERS, lambda _: curated.post(CREATE, key="ee-race-school"))
    assert codes(created) == ["CONFLICT"] * (WRITERS - 1) + ["OK"], created

    # The same claim from twelve sources at once: one relationship citing all twelve.
    asserted = at_once(WRITERS, lambda i: curated.post(ASSERT, source=f"src-race-{i}", to=MINISTRY))
    assert codes(asserted) == ["OK"] * WRITERS, asserted
    state = curated.post(RELATIONSHIPS)["data"]["entity"]
    edges = state["relationships"]["edges"]
    assert len(edges) == 1
    assert sorted(s["key"] for s in edges[0]["node"]["sources"]) == sorted(
        f"src-race-{i}" for i in range(WRITERS)
    )

    # Twelve updates based on the same revision: one wins, the others get CONFLICT, none is lost
    # silently.
    revision = state["revision"]
    updated = at_once(WRITERS, lambda i: curated.post(UPDATE, note=f"note {i}", rev=revision))
    assert codes(updated) == ["CONFLICT"] * (WRITERS - 1) + ["OK"], updated
    winner = next(r for r in updated if not r.get("errors"))["data"]["updateEntity"]["entity"]
    after = curated.post(RELATIONSHIPS)["data"]["entity"]
    assert (after["revision"], after["note"]) == (revision + 1, winner["note"])

    # Every change is in the history once, numbered without gaps.
    changes = curated.post("{ changes(first: 100) { edges { node { seq } } } }")["data"]["changes"]["edges"]
    numbers = [edge["node"]["seq"] for edge in changes]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == WRITERS + 1 + WRITERS + 1
