# ownergate: `make run` sets up and serves; `make test` runs the whole suite (in parallel, slowest ten shown).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED := $(abspath ../shared/data)

# Offline list data (used when the publishers cannot be reached): the real snapshots beside the
# project when they are there.
ifneq ($(wildcard $(SHARED)/README.md),)
export OWNERGATE_LISTS_FROM ?= $(SHARED)
endif

.PHONY: run test test-fast lint format bench install install-dev clean tools lock

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

# Lists: downloaded from the publishers when online, else loaded from OWNERGATE_LISTS_FROM, else
# the labelled sample (into an empty store only); `lists update` prints which. Exit 2 means it
# refused to add the sample beside real lists: the store keeps the lists it has, and serving goes
# on. `serve` binds OWNERGATE_HOST:OWNERGATE_PORT (default 127.0.0.1:8080).
run: install
	$(BIN)/ownergate store migrate
	@$(BIN)/ownergate lists update; rc=$$?; \
	  if [ $$rc -eq 2 ]; then echo "make run: lists not updated; serving the lists already in the store"; \
	  elif [ $$rc -ne 0 ]; then exit $$rc; fi
	$(BIN)/ownergate serve

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

# The suite runs on every core (pytest-xdist); tests that share a fixed resource (nginx, Chromium,
# Spark) carry an xdist_group mark and run in one worker. PYTEST_ARGS adds options, e.g.
# `make test PYTEST_ARGS="tests/lists -x"`; `make test-fast` leaves out the tests marked slow.
PYTEST_WORKERS ?= auto
PYTEST = $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=10
test: install-dev tools
	$(PYTEST) $(PYTEST_ARGS)

test-fast: install-dev
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

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
