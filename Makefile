# The two set-up commands of README.md. Each installs what it needs into .venv/ first.
.PHONY: warehouse test lint live clean

# Build data/warehouse.duckdb from the bundled demo mirror (offline; sample data).
warehouse:
	scripts/bootstrap
	.venv/bin/crossborder run --demo

# Build from the live sources (needs internet).
live:
	scripts/bootstrap
	.venv/bin/crossborder run

# The linters, in order: ruff (lint, then format), the import contracts (.importlinter), sqlfluff
# on the dbt project (.sqlfluff, dbt templater), mypy on the core and the sources ([tool.mypy]).
# sqlfluff's dbt templater compiles the project, so profiles.yml's variables point into a scratch
# folder of this run (never data/), and so do dbt's compile artifacts.
lint:
	scripts/bootstrap test airflow lint
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	  CROSSBORDER_WAREHOUSE_PATH="$$scratch/warehouse.duckdb" CROSSBORDER_DATA_DIR="$$scratch/data" \
	  DBT_TARGET_PATH="$$scratch/target" .venv/bin/sqlfluff lint dbt_project
	.venv/bin/mypy

# Run the linters, then the whole test suite.
test: lint
	scripts/bootstrap test airflow lint
	.venv/bin/python -m pytest -n 2 --dist loadfile --durations=15 $(PYTEST_ARGS)

clean:
	rm -rf data/ .pytest_cache
