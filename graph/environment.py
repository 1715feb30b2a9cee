"""Settings from environment variables, and the error that reports every bad one at once.

Each reader gives the default for a blank or missing variable; for a bad one it adds one line
naming the variable to `problems` and gives the default, so that start-up (coopgraph.settings,
graph.store.settings) can raise one ConfigError listing them all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping


class ConfigError(Exception):
    """The environment does not describe a usable configuration: one line per problem, each
    naming the setting to change."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def env_whole(
    env: Mapping[str, str],
    name: str,
    default: int,
    problems: list[str],
    *,
    minimum: int = 0,
    maximum: int | None = None,
    expected: str | None = None,
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    # isdigit alone takes digits that int() refuses (superscripts): ASCII digits only.
    if (
        not (raw.isascii() and raw.isdigit())
        or int(raw) < minimum
        or (maximum is not None and int(raw) > maximum)
    ):
        problems.append(f"{name}={raw!r} {expected or f'must be a whole number of at least {minimum}'}")
        return default
    return int(raw)


def env_port(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    return env_whole(
        env, name, default, problems, minimum=1, maximum=65535, expected="is not a TCP port (1-65535)"
    )


def env_positive(
    env: Mapping[str, str],
    name: str,
    default: float,
    problems: list[str],
    *,
    maximum: float = math.inf,
    expected: str = "must be a positive number",
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0 < value <= maximum:  # NaN fails too
        problems.append(f"{name}={raw!r} {expected}")
        return default
    return value


def env_flag(env: Mapping[str, str], name: str, problems: list[str]) -> bool:
    raw = env.get(name, "").strip()
    if raw.lower() in ("", "0", "false", "no", "off"):
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    problems.append(f"{name}={raw!r} must be 1 or 0 (true/false, yes/no, on/off)")
    return False
