# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: run test lint contracts lock bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python scripts/run.py

test: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

contracts: $(STAMP)
	$(BIN)/python scripts/contracts.py

# Re-pin every dependency to what the current environment resolved.
lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable | grep -v '^ars-platform' > constraints.txt

bench: $(STAMP)
	$(BIN)/python bench/gateway.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
