# The two set-up commands of README.md. Each installs what it needs into .venv/ first.
.PHONY: warehouse test live clean

# Build data/warehouse.duckdb from the bundled demo mirror (offline; sample data).
warehouse:
	scripts/bootstrap
	.venv/bin/crossborder run --demo

# Build from the live sources (needs internet).
live:
	scripts/bootstrap
	.venv/bin/crossborder run

# Run the whole test suite.
test:
	scripts/bootstrap test airflow
	.venv/bin/python -m pytest --durations=10 $(PYTEST_ARGS)

clean:
	rm -rf data/ .pytest_cache
