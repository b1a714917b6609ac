# xcplite developer commands. Both main targets install what a fresh Debian machine lacks, then are fast.
#   make demo    build, then run a simulated pool + the CDN origin; prints the URL and the root password
#   make test    every test: pytest over tests/ (pure, sim, e2e, ...) and tests/pure under MicroPython
#   make schema  regenerate the simulator's schema (and the Python console's summary) from the XAPI datamodel
#   make errors  regenerate the simulator's error codes from XAPI's api_errors.ml (API_ERRORS=path)
#   make bench   cold-load figures of the login screen (JSON)
SHELL := /bin/bash
PYTHON := .venv/bin/python
# What is installed: the runtime (demo) or the runtime plus the test tools (test, bench).
RUNTIME_STAMP := .venv/.xcplite-runtime
DEV_STAMP := .venv/.xcplite-dev
NPM_RUNTIME := node_modules/.xcplite-runtime
NPM_DEV := node_modules/.xcplite-dev
DEMO_ARGS ?=
BENCH_ARGS ?=
API_ERRORS ?= ../xen-api/ocaml/xapi-consts/api_errors.ml

.PHONY: demo test schema errors bench setup setup-runtime debian-base debian-chromium debian-xvnc clean

# The demo needs only the runtime: no Playwright, pytest or test-only npm packages.
demo: setup-runtime
	$(PYTHON) build.py serve $(DEMO_ARGS)

test: setup debian-chromium debian-xvnc
	@status=0; \
	$(PYTHON) -m pytest tests -q || status=1; \
	node tests/mpy/run.mjs tests/pure tests/mpy/selftest || status=1; \
	exit $$status

schema: $(RUNTIME_STAMP)
	$(PYTHON) scripts/gen_schema.py
	$(PYTHON) scripts/gen_pyschema.py

errors: $(RUNTIME_STAMP)
	$(PYTHON) scripts/gen_errors.py --src $(API_ERRORS)

bench: setup debian-chromium
	$(PYTHON) bench/all.py $(BENCH_ARGS)

setup: debian-base $(DEV_STAMP) $(NPM_DEV)

setup-runtime: debian-base $(RUNTIME_STAMP) $(NPM_RUNTIME)

# Debian packages, installed only when missing and only as root (CI runs as root).
define apt_install
	if [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(1); \
	else \
	  echo "missing Debian packages: $(1) (run make as root to install them, or install them yourself)" >&2; \
	fi
endef

debian-base:
	@missing=""; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	python3 -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v git >/dev/null || missing="$$missing git"; \
	if [ -n "$$missing" ]; then $(call apt_install,$$missing); fi

debian-chromium:
	@if [ ! -x /usr/bin/chromium ]; then $(call apt_install,chromium); fi

# A real VNC server for the console proxy tests (xapi_sim --vnc-backend).
debian-xvnc:
	@if ! command -v Xvnc >/dev/null; then $(call apt_install,tigervnc-standalone-server); fi

$(RUNTIME_STAMP): pyproject.toml
	[ -x $(PYTHON) ] || python3 -m venv .venv
	$(PYTHON) -m pip install -q -e .
	touch $@

# The test tools come on top of the runtime (which they imply).
$(DEV_STAMP): pyproject.toml
	[ -x $(PYTHON) ] || python3 -m venv .venv
	$(PYTHON) -m pip install -q -e '.[dev]'
	touch $@ $(RUNTIME_STAMP)

# npm ci --omit=dev would remove the test packages of an earlier full install: keep that one when current.
$(NPM_RUNTIME): package.json package-lock.json
	if [ -f $(NPM_DEV) ] && [ $(NPM_DEV) -nt package-lock.json ] && [ $(NPM_DEV) -nt package.json ]; then \
	  touch $@; else npm ci --omit=dev --no-audit --no-fund && touch $@; fi

$(NPM_DEV): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@ $(NPM_RUNTIME)

clean:
	rm -rf dist build/stub test-results .pytest_cache
