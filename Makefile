# One command for the main job (`make run`) and one for the tests (`make test`);
# each creates .venv and installs the project first when needed.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint setup clean

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/canbao overview
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(VENV)/bin/canbao demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: lint
	bash scripts/system-deps.sh --render --browser
	$(PY) -m pytest

test-fast: lint
	$(PY) -m pytest -m "not slow and not postgres and not prefect_server"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
