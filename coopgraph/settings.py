"""The service's settings: the web server's own, plus where the graph lives (graph.store.settings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from coopgraph.limits import Limits, read_limits
from graph.environment import ConfigError, env_flag, env_port, env_whole
from graph.store.settings import GraphSettings, read_graph_settings


@dataclass(frozen=True)
class Settings:
    graph: GraphSettings
    host: str
    port: int
    workers: int
    access_log: bool = False
    limits: Limits = field(default_factory=Limits)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting, reporting all problems at once."""
    env = os.environ if env is None else env
    problems: list[str] = []
    graph = read_graph_settings(env, problems)
    host = env.get("COOPGRAPH_HOST", "").strip() or "127.0.0.1"
    port = env_port(env, "COOPGRAPH_PORT", 8000, problems)
    workers = env_whole(env, "COOPGRAPH_WORKERS", 1, problems, minimum=1)
    access_log = env_flag(env, "COOPGRAPH_ACCESS_LOG", problems)
    limits = read_limits(env, problems)
    if problems:
        raise ConfigError(*problems)
    return Settings(graph=graph, host=host, port=port, workers=workers, access_log=access_log, limits=limits)
