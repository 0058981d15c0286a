# Every target that CI runs is here; .ci/run calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= data/raw/000_c2cdb5c9962ffc8f.txt

.PHONY: install demo test lint typecheck unit eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the extractor on a sample article from data/raw.
demo: $(STAMP)
	$(BIN)/extract $(SAMPLE)

## Everything CI checks: lint, types, tests.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

## Precision/recall/F1 per field on the dev set.
eval: $(STAMP)
	$(BIN)/xiangmu-extract evaluate data/gold --raw data/raw

## Throughput and cold-start timing.
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
