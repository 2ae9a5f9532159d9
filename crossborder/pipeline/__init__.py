"""The pipeline layer: the one list of steps the CLI iterates and the DAGs map onto tasks."""
