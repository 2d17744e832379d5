# Regiograaf: `make run` sets up, builds and serves; `make test` sets up and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser assets (YASGUI, NL Design System CSS) from package-lock.json, served under /assets.
NPM_STAMP := node_modules/.installed

.PHONY: setup runtime system build run test lint validate clean

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefer-offline
	touch $(NPM_STAMP)

# Debian packages. To serve: libseccomp2, which seals the server's query processes off the
# network (pyseccomp); Pango and a font for WeasyPrint (the scan as PDF). For the tests also:
# Chromium for the browser tests (playwright drives /usr/bin/chromium; no download), a JDK and
# the OWL API for the OWL 2 RL profile check, and poppler's pdftotext to test the PDF.
RUNTIME_PACKAGES := libseccomp2 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
SYSTEM_PACKAGES := $(RUNTIME_PACKAGES) chromium default-jdk-headless libowlapi-java poppler-utils virtuoso-opensource
runtime: PACKAGES = $(RUNTIME_PACKAGES)
system: PACKAGES = $(SYSTEM_PACKAGES)
runtime system:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && apt-get install -y --no-install-recommends $$missing; \
		else \
			echo "Missing Debian packages: sudo apt-get install $$missing"; exit 1; \
		fi; \
	fi

build: setup
	$(BIN)/regiograaf build

run: runtime build
	$(BIN)/regiograaf serve

validate: setup
	$(BIN)/regiograaf validate $$(find data -name '*.ttl' | sort)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: setup system lint
	$(BIN)/pytest

clean:
	rm -rf var build
