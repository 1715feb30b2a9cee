# Two commands a new user needs: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test install lint bench soak clean

run: install
	$(VENV)/bin/coopgraph serve

test: install
	$(PY) -m pytest

# Not part of `make test`: minutes long, and it measures speed rather than checking behaviour.
bench: install
	$(PY) -m bench

# Not part of `make test`: 8 clients (7 reading, 1 reloading the seed graph) for SOAK_MINUTES,
# reporting errors, latency over time and memory of the service and the store.
SOAK_MINUTES ?= 10
soak: install
	$(PY) -m bench.soak --minutes $(SOAK_MINUTES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coopgraph needs Python >= 3.11 (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The playground's assets and Neo4j's Cypher linter, from the npm registry (package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules
