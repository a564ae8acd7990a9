# The two commands: `make run` serves the portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.PHONY: run test lint install chromium clean

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Serving the portal at http://$(HOST):$(PORT); a notifications worker sends its email alongside"
	@export SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"; \
	$(FLASK) notifications work & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host "$(HOST)" --port "$(PORT)"

test: $(VENV)/.installed-test chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium; install it when we may, otherwise say how.
chromium:
	@if [ -n "$(CHROMIUM)" ]; then \
		echo "Browser tests will use $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "NOTE: Chromium is not installed, so the browser tests in tests/browser/ will be skipped."; \
		echo "      Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH to a Chromium binary)."; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

# The benchmark (issue 7): seeds 1,000 / 10,000 / 100,000 ideas on SQLite and PostgreSQL (cached in bench/data/
# and as PostgreSQL template databases), serves them with gunicorn as production does, drives them with wrk and
# writes bench/results/. BENCH_PG_URL is the PostgreSQL database it may drop and recreate (default portal_bench).
# bench-instructions counts the CPU instructions a request costs in process, under valgrind: repeatable within a
# fraction of a percent, for comparing commits where req/s moves with the machine (bench/instructions.py).
.PHONY: bench bench-quick bench-instructions

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick: $(VENV)/.installed
	$(BIN)/python -m bench.run --quick $(BENCH_ARGS)

bench-instructions: $(VENV)/.installed
	$(BIN)/python -m bench.instructions $(BENCH_ARGS)
