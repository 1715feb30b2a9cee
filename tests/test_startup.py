"""Start-up fails fast and clearly: each bad setting or environment problem makes `coopgraph serve`
exit with status 2 and one line naming the setting, before anything is started."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from graph.database import Connection
from tests.conftest import free_port
from tests.services import clean_env

# Every check answers within a few seconds; a server that accepts connections and never
# answers takes the longest (graph/store/checks.py gives it 5 s), plus Python's start-up.
BOUND = 12.0


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something listens on and never answers: taken, and silent to a client."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def _unwritable(tmp_path: Path) -> str:
    if os.geteuid() != 0:
        read_only = tmp_path / "read-only"
        read_only.mkdir(mode=0o500)
        return str(read_only / "data")
    if not Path("/sys/kernel").is_dir():
        pytest.skip("running as root without sysfs: no directory root cannot write in")
    return "/sys/kernel/coopgraph-data"  # sysfs: not even root may create a directory there


def test_each_bad_setting_exits_2_with_one_line_naming_it(
    tmp_path: Path, store: Connection, listening: int
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    external = {"NEO4J_URI": store.uri, "NEO4J_USER": store.user, "NEO4J_PASSWORD": store.password}
    cases: dict[str, tuple[dict[str, str], str]] = {
        "invalid value": ({"COOPGRAPH_PORT": "not-a-port"}, "COOPGRAPH_PORT='not-a-port'"),
        "service port taken": ({"COOPGRAPH_PORT": str(listening)}, f"COOPGRAPH_PORT={listening}: "),
        "unknown host": ({"COOPGRAPH_HOST": "no-such-host.invalid"}, "COOPGRAPH_HOST="),
        "store port taken": ({"COOPGRAPH_STORE_BOLT_PORT": str(listening)}, "COOPGRAPH_STORE_BOLT_PORT"),
        "data dir is a file": ({"COOPGRAPH_DATA_DIR": str(a_file)}, "COOPGRAPH_DATA_DIR="),
        "data dir below a file": ({"COOPGRAPH_DATA_DIR": str(a_file / "data")}, "COOPGRAPH_DATA_DIR="),
        "data dir unwritable": ({"COOPGRAPH_DATA_DIR": _unwritable(tmp_path)}, "COOPGRAPH_DATA_DIR="),
        "database refuses": (
            {"NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "NEO4J_PASSWORD": "x"},
            "NEO4J_URI=",
        ),
        "database silent": (
            {"NEO4J_URI": f"bolt://127.0.0.1:{listening}", "NEO4J_PASSWORD": "x"},
            "NEO4J_URI=",
        ),
        "wrong password": ({**external, "NEO4J_PASSWORD": "wrong"}, "NEO4J_PASSWORD"),
        "unknown database": ({**external, "NEO4J_DATABASE": "nosuch"}, "NEO4J_DATABASE='nosuch'"),
    }

    def run(name: str) -> str | None:
        """What is wrong with how `coopgraph serve` failed in this case; None if nothing."""
        settings, expected = cases[name]
        data_dir = tmp_path / name.replace(" ", "-")
        defaults = {
            "COOPGRAPH_DATA_DIR": str(data_dir),
            "COOPGRAPH_PORT": str(free_port()),
            "COOPGRAPH_STORE_BOLT_PORT": str(free_port()),
            "COOPGRAPH_STORE_HTTP_PORT": str(free_port()),
        }
        began = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "coopgraph", "serve"],
                env=clean_env(**{**defaults, **settings}),
                capture_output=True,
                text=True,
                timeout=BOUND + 30,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"{name}: still running after {BOUND + 30:g} s"
        took = time.monotonic() - began
        lines = done.stderr.strip().splitlines()
        if (
            done.returncode == 2
            and len(lines) == 1
            and lines[0].startswith("coopgraph: ")
            and expected in lines[0]
            and took <= BOUND
            and not (data_dir / "arcadedb").exists()
        ):
            return None
        return (
            f"{name}: exit {done.returncode} after {took:.1f} s, store files: "
            f"{(data_dir / 'arcadedb').exists()}, output:\n{done.stdout}{done.stderr}"
        )

    # A few at a time: each is a Python start-up with the whole app imported.
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [problem for problem in pool.map(run, cases) if problem is not None]
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    ("args", "named"), [(["--port", "70000"], "--port"), (["--workers", "0"], "--workers")]
)
def test_bad_command_line_settings_exit_2_naming_them(tmp_path: Path, args: list[str], named: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "coopgraph", "serve", *args],
        env=clean_env(COOPGRAPH_DATA_DIR=str(tmp_path / "data")),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and lines[0].startswith("coopgraph: ") and named in lines[0], lines
    assert not (tmp_path / "data" / "arcadedb").exists(), "nothing may start"
