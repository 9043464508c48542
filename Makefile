# Liaison: `make run` sets up and starts the app; `make test` sets up and runs every test.
SHELL := /bin/bash
PORT ?= 8000
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=
# pytest-xdist: one worker per CPU, tests sent by file (liaison.core.tests.scheduling).
PYTEST_WORKERS ?= auto

.PHONY: setup run test lint format bench bench-matching bench-planner bench-import clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv) node_modules/.installed
	$(UV) sync --frozen --quiet
	$(UV) run python -m liaison.core.localenv

run: setup
	$(UV) run liaison migrate --noinput -v0
	$(UV) run liaison demo
	@echo "Liaison is starting on http://127.0.0.1:$(PORT)/ with its background worker (Ctrl-C stops both)"
	trap 'kill 0' EXIT; \
	LIAISON_DEBUG=1 $(UV) run liaison db_worker --no-reload -v0 & \
	LIAISON_DEBUG=1 $(UV) run liaison runserver 127.0.0.1:$(PORT)

test: setup
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	$(UV) run lint-imports

format: setup
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

bench: bench-matching bench-import

bench-matching: setup
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-matching.sqlite3 $(UV) run liaison bench_matching --people 300000 --roster 30

bench-import: setup
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-import.sqlite3} $(UV) run liaison migrate --noinput -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-import.sqlite3} $(UV) run liaison bench_import --rows 10000

bench-planner: setup
	$(UV) run python -m liaison.bench.planner

clean:
	rm -rf .venv .tools node_modules var/static
