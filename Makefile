# Every target that CI runs is here; .ci/run calls `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= data/raw/000_c2cdb5c9962ffc8f.txt
# The wheel's modules as users get them: compiled by mypyc (hatch_build.py).
COMPILED := build/compiled

.PHONY: install demo test lint typecheck unit compile unit-compiled eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the extractor on a sample article from data/raw.
demo: $(STAMP)
	$(BIN)/extract $(SAMPLE)

## Everything CI checks: lint, types, tests (on the sources, then on the compiled wheel).
test: lint typecheck unit unit-compiled

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools hatch_build.py
	$(BIN)/ruff format --check src tests bench tools hatch_build.py

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy hatch_build.py

unit: $(STAMP)
	$(BIN)/pytest

## Build the wheel (mypyc-compiled hot path) and unpack it into build/compiled.
compile: $(STAMP)
	rm -rf build/wheel $(COMPILED)
	XIANGMU_EXTRACT_COMPILE=1 $(BIN)/pip wheel --quiet --no-deps -w build/wheel .
	$(BIN)/pip install --quiet --no-deps --target $(COMPILED) build/wheel/*.whl

## The tests again, importing the compiled modules.
unit-compiled: compile
	PYTHONPATH=$(COMPILED) XIANGMU_EXTRACT_EXPECT_COMPILED=1 $(BIN)/pytest

## Precision/recall/F1 per field on the dev set.
eval: $(STAMP)
	$(BIN)/xiangmu-extract evaluate data/gold --raw data/raw

## Throughput and cold-start timing, of the compiled wheel (as users install it).
bench: compile
	PYTHONPATH=$(COMPILED) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
