# The whole set-up is these two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test workers (pytest-xdist): 2 for the 2-core machine; .ci/run gives each database one.
PYTEST_WORKERS ?= 2

.PHONY: run test lint install browser clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Convenor needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/convenor migrate
	$(BIN)/convenor demo --host $(HOST) --port $(PORT)
	$(BIN)/convenor serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Tests hand out one at a time, slowest first (tests/conftest.py), to the workers; their
# temporary files (SQLite databases, data directories) go to memory where there is a
# tmpfs with 2 GiB free (a container's small /dev/shm is left alone): SQLite's syncs to
# disk made the migration and CLI tests a fifth slower or more (issue 19).
# The browser tests' Chromium (tests/browser.py): Debian's headless build, installed here
# when it is missing and this runs as root with apt-get; otherwise the tests use
# /usr/bin/chromium or CONVENOR_CHROMIUM, and fail, saying how to install one, if none is.
browser:
	@if [ -z "$${CONVENOR_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium-headless-shell ] \
	  && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium's headless shell for the browser tests (apt-get)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq chromium-headless-shell fonts-dejavu-core >/dev/null 2>&1 \
	  || { apt-get update -qq && apt-get install -y -qq chromium-headless-shell fonts-dejavu-core >/dev/null; }; \
	fi

# Python's default of caching compiled modules is kept for the run even where the
# machine turns it off (PYTHONDONTWRITEBYTECODE): every worker otherwise compiles and
# rewrites the asserts of all ~230 test modules again (10 s a worker, 4.5 s cached), and
# every `convenor` process the tests start compiles Convenor again.
test: lint browser
	env -u PYTHONDONTWRITEBYTECODE TMPDIR="$$( [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR==2 {print $$4}')" -gt 2097152 ] \
	  && echo /dev/shm || echo "$${TMPDIR:-/tmp}" )" \
	  $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
