# Two commands on a fresh clone: `make demo` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.installed
MATURITY_HOME ?= $(CURDIR)/var
export MATURITY_HOME

.DEFAULT_GOAL := help
.PHONY: help install demo demo-file airflow test coverage test-fast soak validate lint namespace typecheck format bench docs clean

help:  ## show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

$(STAMP): pyproject.toml | $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with its dev tools

demo: $(STAMP)  ## run the assessment DAG once through real Airflow against the emulator; print the phases
	$(BIN)/python -m maturity.sandbox.airflow.demo_run

demo-file: $(STAMP)  ## score the demo metrics-and-facts file (no collection) and print the phases
	$(BIN)/maturity demo

airflow: $(STAMP)  ## local Airflow (standalone) on localhost: ./dags, the plugin, var/airflow; Ctrl-C stops it
	exec scripts/airflow-standalone.sh

test: $(STAMP)  ## run the whole test suite (two processes: pytest-xdist, a module per process)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

coverage: $(STAMP)  ## the whole test suite with a coverage summary and coverage.xml (about 40 % slower than make test)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope $(COV_ARGS)

test-fast: $(STAMP)  ## unit tests only
	$(BIN)/python -m pytest -m "not slow and not postgres"

COV_ARGS := --cov=maturity --cov-report=term:skip-covered --cov-report=xml

TEST_WORKERS ?= 2

SOAK_RUNS ?= 100
SOAK_SEED ?= 1
soak: $(STAMP)  ## seeded pipeline runs with random API faults; 0 rows lost or duplicated (not in make test)
	$(BIN)/python -m maturity.sandbox.soak $(SOAK_RUNS) --seed $(SOAK_SEED)

VALIDATE_SEEDS ?= 1 2 3
validate: $(STAMP)  ## archetypes from the model's words, assessed by the pipeline; writes VALIDITY.md
	$(BIN)/python -m maturity.sandbox.validation --seeds $(VALIDATE_SEEDS)

lint: $(STAMP) namespace  ## ruff lint and format check; the layer contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=var/typecheck $(BIN)/lint-imports

# mypy and import-linter cannot follow setuptools' editable package-dir mapping, so the one
# `maturity` namespace is laid out under var/typecheck as symlinks.
namespace:
	@rm -rf var/typecheck && mkdir -p var/typecheck/maturity
	@for f in plugins/maturity/*; do ln -s "$(CURDIR)/$$f" var/typecheck/maturity/; done
	@ln -s "$(CURDIR)/connectors" var/typecheck/maturity/connectors
	@ln -s "$(CURDIR)/sql" var/typecheck/maturity/sql

typecheck: $(STAMP) namespace  ## mypy --strict over the whole maturity namespace
	$(BIN)/mypy

format: $(STAMP)  ## apply ruff formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)  ## run the benchmarks; write bench/results/*.json and BENCHMARKS.md (BENCH_ARGS=--quick)
	$(BIN)/python -m maturity.sandbox.bench $(BENCH_ARGS)

docs: $(STAMP)  ## regenerate the generated docs
	$(BIN)/python -m maturity.metrics.docs docs/metrics.md

clean:  ## remove .venv and local state under var/
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
