from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coopgraph.settings import load_settings
from graph.environment import ConfigError


def test_defaults_use_the_embedded_store() -> None:
    settings = load_settings({})
    assert settings.graph.embedded
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.graph.database == "coopgraph"
    assert settings.graph.store.heap == "1g"
    assert not settings.access_log
    assert load_settings({"COOPGRAPH_ACCESS_LOG": "yes"}).access_log


def test_neo4j_uri_selects_an_external_server() -> None:
    settings = load_settings({"NEO4J_URI": "neo4j+s://abc.databases.neo4j.io", "NEO4J_PASSWORD": "x"})
    assert not settings.graph.embedded
    assert settings.graph.database == "neo4j"
    assert settings.graph.neo4j_user == "neo4j"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {
                "NEO4J_URI": "http://localhost:7474",
                "COOPGRAPH_PORT": "80000",
                "COOPGRAPH_STORE_BOLT_PORT": "7²",
                "COOPGRAPH_STORE_HEAP": "lots",
                "COOPGRAPH_STORE_TIMEOUT": "nan",
                "COOPGRAPH_ACCESS_LOG": "maybe",
                "COOPGRAPH_WORKERS": "0",
            }
        )
    message = str(caught.value)
    for name in (
        "NEO4J_URI",
        "NEO4J_PASSWORD",
        "COOPGRAPH_PORT",
        "COOPGRAPH_STORE_BOLT_PORT",
        "COOPGRAPH_STORE_HEAP",
        "COOPGRAPH_STORE_TIMEOUT",
        "COOPGRAPH_ACCESS_LOG",
        "COOPGRAPH_WORKERS",
    ):
        assert name in message


def test_cli_reports_configuration_errors_and_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COOPGRAPH_"))}
    env.update(COOPGRAPH_PORT="not-a-port", COOPGRAPH_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "coopgraph", "serve"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "COOPGRAPH_PORT='not-a-port' is not a TCP port" in done.stderr
    assert not (tmp_path / "arcadedb").exists()


def test_credentials_in_a_bad_uri_are_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"NEO4J_URI": "http://alice:s3cret@db.example:7474", "NEO4J_PASSWORD": "x"})
    assert "s3cret" not in str(caught.value)
    assert "NEO4J_URI" in str(caught.value)
