# reference-as: `make install`, then `make run`; `make test` for the tests.
VENV   := .venv
PYTHON := $(VENV)/bin/python
BIN    := $(VENV)/bin
PEER_OIDC := conformance/peers/oidc_provider
OPENID_CLIENT := spec_tests/serve/openid_client

.PHONY: install system-packages run test lint bench clean

install: system-packages $(VENV)/.installed $(PEER_OIDC)/node_modules/.package-lock.json \
	$(OPENID_CLIENT)/node_modules/.package-lock.json

# Debian's Chromium and its WebDriver, which the browser tests (spec_tests/browser) drive, and
# Debian's PostgreSQL, whose initdb the tests run for a throwaway cluster (spec_tests/postgres_cluster.py).
# Installed with apt only when missing; no browser or database is ever downloaded any other way.
CHROMIUM     := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
system-packages:
	@if [ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ]; then \
		echo "chromium and chromedriver: already installed"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "postgresql: already installed"; \
	else \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi

# oidc-provider (npm), the independent server `make test` runs the conformance suite against:
# `npm ci` (the versions of its package-lock.json) into conformance/peers/oidc_provider/node_modules
# (git-ignored); run again only when the lock file changes.
$(PEER_OIDC)/node_modules/.package-lock.json: $(PEER_OIDC)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the conformance peer (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	cd $(PEER_OIDC) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# openid-client (npm), the independent client library of the device grant interop test
# (spec_tests/serve/test_interop_openid_client_device.py), the same way.
$(OPENID_CLIENT)/node_modules/.package-lock.json: $(OPENID_CLIENT)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the interop test (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	cd $(OPENID_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A virtual environment in the repository, with the package (editable) and its test extras.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

# Creates the demo clients on first run (their credentials are printed once), then serves.
run: install
	$(BIN)/reference-as demo
	$(BIN)/reference-as serve

test: install
	$(BIN)/pytest

# docs/*.md for each grant, written from a real run of the playground against the
# reference server (in-process), and the README's settings table, from config.py;
# spec_tests/docs (part of `make test`) fails when either is stale.
.PHONY: docs
docs: $(VENV)/.installed
	$(PYTHON) -m reference_as.playground.docs docs
	$(PYTHON) -m reference_as.settings_doc README.md

lint: install
	$(BIN)/ruff check reference_as oauth_client spec_tests conformance bench
	$(BIN)/ruff format --check reference_as oauth_client spec_tests conformance bench

# The benchmark suite (bench/run.py): one table, bench/results/latest.json.
# wrk (Debian) is the load generator: a separate, non-Python process. The peers:
# Authlib, installed into the venv from PyPI for the bench only (not a dependency of
# the project); oidc-provider, the copy `make install` puts in $(PEER_OIDC).
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(PYTHON) -c "import authlib" 2>/dev/null || $(PYTHON) -m pip install --quiet "authlib>=1.9,<2"
	$(PYTHON) bench/run.py
	$(PYTHON) bench/purge.py

clean:
	rm -rf $(VENV) var *.egg-info .pytest_cache
