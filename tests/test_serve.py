"""`coopgraph serve` as a user runs it: a real process, the embedded store as its child."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_and_leaves_no_store_behind(tmp_path: Path, stop_signal: signal.Signals) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COOPGRAPH_"))}
    env.update(
        COOPGRAPH_DATA_DIR=str(tmp_path),
        COOPGRAPH_PORT=str(port),
        COOPGRAPH_STORE_BOLT_PORT=str(free_port()),
        COOPGRAPH_STORE_HTTP_PORT=str(free_port()),
    )
    service = subprocess.Popen(
        [sys.executable, "-m", "coopgraph", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert service.poll() is None, service.stderr.read().decode() if service.stderr else ""
            try:
                if _get(f"{base}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail("service did not become ready")
        query = urllib.parse.quote("{ graphStats { nodeCount } }")
        status, body = _get(f"{base}/graphql?query={query}")
        assert status == 200
        assert "nodeCount" in json.loads(body)["data"]["graphStats"]
        store_pid = json.loads((tmp_path / "store.json").read_text())["pid"]
        assert _alive(store_pid)
    finally:
        service.send_signal(stop_signal)
        code = service.wait(timeout=60)
    assert code in (0, 128 + stop_signal, -stop_signal)
    deadline = time.monotonic() + 10
    while _alive(store_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(store_pid), "the store's JVM outlived the service"
