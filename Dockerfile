# crossborder on Airflow: the official Airflow image with crossborder (and its pinned dbt, Great
# Expectations, DuckDB, cosmos) installed. Built by docker-compose.yml; see docs/airflow.md.
FROM apache/airflow:3.3.0-python3.11

ENV CROSSBORDER_HOME=/opt/crossborder \
    CROSSBORDER_DATA_DIR=/opt/crossborder/data \
    CROSSBORDER_DBT_MANIFEST=/opt/crossborder/dbt-manifest/manifest.json \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/crossborder/app/dags \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    DO_NOT_TRACK=1 \
    SCARF_ANALYTICS=false

USER root
# The data directory exists in the image owned by the airflow user, so a new named volume mounted
# there starts with the right owner; with another AIRFLOW_UID, compose's airflow-init re-owns it.
RUN mkdir -p /opt/crossborder/app /opt/crossborder/data /opt/crossborder/dbt-manifest \
 && chown -R airflow:0 /opt/crossborder
USER airflow

# The repo (minus .dockerignore), installed editable so dbt_project/, config/ and expectations/
# are found where crossborder.core.config expects them (next to the package).
COPY --chown=airflow:0 . /opt/crossborder/app/
WORKDIR /opt/crossborder/app
# The repo's exact pins (pyproject.toml) plus the image's own Airflow, so pip never moves it.
RUN pip install --no-cache-dir -e ".[airflow]" "apache-airflow==${AIRFLOW_VERSION}"

# The dbt graph for cosmos, made once here from the project baked into this image: the DAG
# processor renders the warehouse DAG from it without running `dbt ls`.
RUN CROSSBORDER_WAREHOUSE_PATH=/tmp/dbt-parse.duckdb \
    dbt parse --project-dir dbt_project --profiles-dir dbt_project \
      --target-path /opt/crossborder/dbt-manifest --log-path /tmp/dbt-parse-logs \
 && rm -rf /tmp/dbt-parse-logs /tmp/dbt-parse.duckdb

WORKDIR /opt/airflow
