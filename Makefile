# Two commands on a fresh clone: `make run` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test quick e2e deploy bench bench-browser lint demo clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	touch $@

## Serve the app; the first start creates data/kamdash.db and seeds the demo portfolio.
## Local mode (no [auth] in .streamlit/secrets.toml: nobody signs in, every right) listens on
## 127.0.0.1 only; with sign-in configured it listens on every interface (TLS: a reverse proxy).
run: $(VENV)/.runtime
	$(PY) -m streamlit run streamlit_app.py --server.address \
	  $$(grep -qsE '^[[:space:]]*\[auth[].]' .streamlit/secrets.toml && echo 0.0.0.0 || echo 127.0.0.1)

## The whole suite (browser tests skip with a reason when Chromium is missing).
test: $(VENV)/.dev
	$(PY) -m pytest

## The pure tests only (domain logic, file parsing): no database, no page, no browser.
quick: $(VENV)/.dev
	$(PY) -m pytest -m "not store and not apptest and not e2e"

## Only the browser tests.
e2e: $(VENV)/.dev
	$(PY) -m pytest tests/e2e -m e2e

## Only the deployment tests: nginx in front of two app processes on PostgreSQL.
deploy: $(VENV)/.dev
	$(PY) -m pytest tests/deploy -m deploy

## Benchmarks (figures, not pass/fail tests): the hot paths, then what Chromium waits for.
bench: $(VENV)/.dev
	$(PY) -m kamdash bench
	$(PY) -m kamdash bench --browser

## Only the browser bench (slider moves, page visits, sessions at once, memory; --gc adds
## the post-run garbage collection comparison: make bench-browser ARGS=--gc).
bench-browser: $(VENV)/.dev
	$(PY) -m kamdash bench --browser $(ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

## Re-seed the default database with the demo portfolio.
demo: $(VENV)/.runtime
	$(PY) -m kamdash demo --force

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
