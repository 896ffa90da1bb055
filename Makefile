# One command for the main job (`make run`) and one for the tests (`make test`);
# each creates .venv and installs the project first when needed.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run stop demo test test-fast lint setup clean

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: Prefect server, work pool, deployments, worker, notification block, automations and a
# demo campaign's files, all on 127.0.0.1; prints the UI address. `make stop` stops what it started.
run: $(STAMP)
	bash scripts/up.sh

stop:
	bash scripts/down.sh

# Without a server: print the policy tables, then generate a demo county and run the intake flow once.
demo: $(STAMP)
	$(VENV)/bin/canbao overview
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/canbao demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	bash scripts/system-deps.sh --render --browser
	$(PY) -m pytest

test-fast: lint
	$(PY) -m pytest -m "not slow and not postgres and not prefect_server"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
