# ownergate: `make run` sets up and serves; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED := $(abspath ../shared/data)

# Offline list data: the real snapshots beside the project when they are there.
ifneq ($(wildcard $(SHARED)/README.md),)
export OWNERGATE_LISTS_FROM ?= $(SHARED)
endif

.PHONY: run test lint format bench install install-dev clean tools lock

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Dependencies come from the lock files (exact versions with hashes), so any day installs the set the
# code was tested with; `make lock` refreshes them from pyproject.toml's ranges.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/run.lock
	$(BIN)/pip install -q --require-hashes -r requirements/run.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements/dev.lock
	$(BIN)/pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

LOCK = $(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --no-header
lock: $(BIN)/python
	$(BIN)/pip install -q uv
	$(LOCK) -o requirements/run.lock
	$(LOCK) --extra dev -o requirements/dev.lock

install: $(VENV)/.installed

install-dev: $(VENV)/.dev-installed

run: install
	$(BIN)/ownergate store migrate
	$(BIN)/ownergate lists update
	$(BIN)/ownergate serve --host 127.0.0.1 --port 8080

# Debian tools some tests and benchmarks run for real (nginx for auth_request, wrk for load, Chromium
# for the review desk's browser tests, Graphviz for its ownership pictures);
# installed when missing and apt-get is there (tests skip, outside CI, when they cannot be).
APT_TOOLS = nginx:nginx-light wrk:wrk chromium:chromium dot:graphviz
tools:
	@for pair in $(APT_TOOLS); do bin=$${pair%%:*}; pkg=$${pair##*:}; \
	  if ! command -v $$bin >/dev/null 2>&1 && ! [ -x /usr/sbin/$$bin ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null) \
	      || echo "could not install $$pkg"; \
	  fi; done

test: install-dev tools
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install-dev tools
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
