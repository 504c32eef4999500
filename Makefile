# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
APT_NEEDS := $(if $(wildcard /usr/bin/chromium),,chromium) \
             $(if $(wildcard /usr/lib/postgresql/*/bin/pg_ctl),,postgresql) \
             $(if $(wildcard /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf),,fonts-dejavu-core) \
             $(if $(shell command -v npm),,npm) \
             $(if $(shell command -v pdftotext),,poppler-utils) \
             $(if $(wildcard /usr/lib/*/libpangoft2-1.0.so.0),,libpangoft2-1.0-0)

.PHONY: run test lint typecheck unit system-deps browser-deps bench bench-deps clean

$(VENV)/.run-stamp: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[motion]'
	touch $@

$(VENV)/.test-stamp: pyproject.toml $(VENV)/.run-stamp
	$(PY) -m pip install -q -e '.[test,motion]'
	touch $@

run: $(VENV)/.run-stamp
	$(VENV)/bin/sciatica serve --host $(HOST) --port $(PORT)

system-deps:
	@if [ -n "$(strip $(APT_NEEDS))" ]; then \
	  echo "Installing Debian packages: $(strip $(APT_NEEDS))"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_NEEDS); \
	fi

# axe-core (accessibility checks in the browser tests) from the npm registry, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser-deps: system-deps node_modules/.installed

lint: $(VENV)/.test-stamp
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: $(VENV)/.test-stamp
	$(VENV)/bin/mypy

unit: $(VENV)/.test-stamp browser-deps
	$(PY) -m pytest -n 2 -p no:cacheprovider

test: browser-deps lint typecheck unit

# wrk (Debian) drives the load benchmark (benchmarks/load.py). `make bench BENCH=load` runs only it.
BENCH_APT_NEEDS := $(if $(shell command -v wrk),,wrk)

bench-deps:
	@if [ -n "$(strip $(BENCH_APT_NEEDS))" ]; then \
	  echo "Installing Debian packages: $(strip $(BENCH_APT_NEEDS))"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(BENCH_APT_NEEDS); \
	fi

bench: $(VENV)/.test-stamp bench-deps
	$(PY) -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
