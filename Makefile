# make run   - the portal with demo data on http://127.0.0.1:$(PORT) (SQLite in instance/ by default)
#              and the background job worker beside it
# make test  - lint, tests on SQLite, on PostgreSQL when TEST_DATABASE_URL is set, browser tests
# make serve - the same app under gunicorn with $(WEB_CONCURRENCY) workers
# make fmt   - format and fix lint

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WEB_CONCURRENCY ?= 2
CHROMIUM ?= /usr/bin/chromium
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

.PHONY: install run serve prepare test lint test-sqlite test-postgres test-browser fmt clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

prepare: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty

# The job worker runs beside the server and stops with it.
run: prepare
	$(FLASK) jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; $(FLASK) run --host 127.0.0.1 --port $(PORT)

serve: prepare
	$(BIN)/gunicorn --workers $(WEB_CONCURRENCY) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: lint test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The SQLite suite and the browser tests share one run, spread over $(TEST_WORKERS) workers.
test-sqlite: install
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "== tests on SQLite and browser tests in $(CHROMIUM)"; \
		PORTAL_TEST_DATABASE_URL= CHROMIUM="$(CHROMIUM)" $(PYTEST); \
	else \
		echo "$(CHROMIUM) not found: browser tests not run (apt-get install chromium)."; \
		echo "== tests on SQLite"; \
		PORTAL_TEST_DATABASE_URL= $(PYTEST) --ignore=tests/e2e; \
	fi

test-postgres: install
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
		echo "== tests on PostgreSQL"; \
		PORTAL_TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PYTEST) --ignore=tests/e2e; \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL tests not run (.ci/run sets it)."; \
	fi

test-browser: install
	PORTAL_TEST_DATABASE_URL= CHROMIUM="$(CHROMIUM)" $(PYTEST) tests/e2e

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# make bench [SCALE=large|huge] - the benchmark against the floor and integrity under load (bench/)
SCALE ?= small

bench: install
	$(BIN)/python -m bench.run --scale $(SCALE)
