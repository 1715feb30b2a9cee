"""Every Cypher statement the project sends passes Neo4j's own linter (parser + semantic analysis).

The tests run on the embedded store; this check keeps the statements on Cypher that Neo4j 5
accepts too. It needs Node.js and `npm ci` (both part of `make install`) and never skips.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import graph.cypher

ROOT = Path(__file__).resolve().parent.parent
UNDECLARED_PARAMETER = re.compile(r"^Parameter \$\w+ is not defined\.$")


def all_statements() -> dict[str, str]:
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(graph.cypher.__path__):
        if info.name == "fragments":  # pieces of statements, checked inside the statements
            continue
        module = importlib.import_module(f"graph.cypher.{info.name}")
        # Statements are the module's own public Final constants (imports carry no annotation).
        for name in getattr(module, "__annotations__", {}):
            value = getattr(module, name)
            if not name.isupper() or name.startswith("_"):
                continue
            if isinstance(value, str):
                found[f"{info.name}.{name}"] = value
            elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
                found.update({f"{info.name}.{name}[{i}]": v for i, v in enumerate(value)})
            elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
                found.update({f"{info.name}.{name}[{k}]": v for k, v in value.items()})
    return found


def lint(statements: dict[str, str]) -> dict[str, list[str]]:
    node = shutil.which("node")
    assert node, "Node.js is required for the Cypher linter (make install)"
    done = subprocess.run(
        [node, str(ROOT / "tools" / "cypher_lint.mjs")],
        input=json.dumps([{"name": k, "query": v} for k, v in statements.items()]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {
        item["name"]: [
            d["message"] for d in item["diagnostics"] if not UNDECLARED_PARAMETER.match(d["message"])
        ]
        for item in json.loads(done.stdout)
    }


def test_the_linter_catches_what_neo4j_rejects() -> None:
    # ArcadeDB accepts SHORTEST k (it does not) and other forms Neo4j 5 rejects; the linter must see them.
    verdicts = lint({"broken": "MATCH (n RETURN n", "fine": "MATCH (n:Entity {id: $id}) RETURN n.id AS id"})
    assert verdicts["broken"]
    assert verdicts["fine"] == []


def test_every_statement_is_valid_neo4j_5_cypher() -> None:
    statements = all_statements()
    assert len(statements) >= 5
    problems = {name: messages for name, messages in lint(statements).items() if messages}
    assert problems == {}
