# Regiograaf: `make run` sets up, builds and serves; `make test` sets up and runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup build run test lint validate clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

build: setup
	$(BIN)/regiograaf build

run: build
	$(BIN)/regiograaf serve

validate: setup
	$(BIN)/regiograaf validate $$(find data -name '*.ttl' | sort)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint
	$(BIN)/pytest

clean:
	rm -rf var build
