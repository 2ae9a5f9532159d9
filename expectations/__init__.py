"""crossborder's quality gate: Great Expectations suites over the DuckDB warehouse.

Kept light on purpose: importing this package (or ``expectations.gate``) does not import
Great Expectations, which takes seconds; GX is imported only when the gate runs.

    from expectations.gate import run_gate
    result = run_gate(warehouse_path, data_docs_dir, result_path, checks=all_checks(sources, settings))
"""
