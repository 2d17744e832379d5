# Regiograaf: `make run` sets up, builds and serves; `make test` sets up and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser assets (YASGUI, NL Design System CSS) from package-lock.json, served under /assets.
NPM_STAMP := node_modules/.installed

.PHONY: setup browser build run test lint validate clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefer-offline
	touch $(NPM_STAMP)

# Debian's Chromium for the browser tests (playwright drives /usr/bin/chromium; no download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && apt-get install -y --no-install-recommends chromium; \
		else \
			echo "Chromium missing: run 'sudo apt-get install chromium' for the browser tests"; \
		fi; \
	fi

build: setup
	$(BIN)/regiograaf build

run: build
	$(BIN)/regiograaf serve

validate: setup
	$(BIN)/regiograaf validate $$(find data -name '*.ttl' | sort)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: setup browser lint
	$(BIN)/pytest

clean:
	rm -rf var build
