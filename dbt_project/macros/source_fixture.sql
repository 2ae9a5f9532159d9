{#-
    Unit-test fixture for a records source (a `format: sql` unit-test input).

    dbt's dict fixtures look an input's columns up in the database, but a dbt-duckdb
    `external_location` source is no relation there ("relation doesn't exist"), so unit
    tests on the staging models give their source input as

        - input: source('cbp', 'encounters')
          format: sql
          rows: |
            {% raw %}{{ source_fixture('cbp', 'encounters', [{'fiscal_year': 2024, ...}, ...]) }}{% endraw %}

    ({% raw %} keeps dbt's YAML rendering from evaluating the call at parse time.)
    It selects every column of var('record_columns')[source][table] (the same types the
    source's read_json declares), cast to its type; columns a row leaves out are null. It reads
    no file, so unit tests run whether or not records files exist.
-#}
{% macro source_fixture(source_name, table_name, rows) -%}
    {%- set all_columns = var('record_columns').get(source_name, {}) -%}
    {%- if table_name not in all_columns -%}
        {{ exceptions.raise_compiler_error("source_fixture: no columns declared for " ~ source_name ~ "." ~ table_name ~ " in var record_columns") }}
    {%- endif -%}
    {%- set columns = all_columns[table_name] -%}
    {%- for row in rows -%}
        {%- for key in row -%}
            {%- if key not in columns -%}
                {{ exceptions.raise_compiler_error("source_fixture: " ~ source_name ~ "." ~ table_name ~ " has no column " ~ key) }}
            {%- endif -%}
        {%- endfor %}
    select
        {%- for name, data_type in columns.items() %}
        cast({{ fixture_literal(row.get(name)) }} as {{ data_type }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
    {{ "union all" if not loop.last }}
    {%- endfor -%}
    {%- if rows | length == 0 %}
    select
        {%- for name, data_type in columns.items() %}
        cast(null as {{ data_type }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
    limit 0
    {%- endif -%}
{%- endmacro %}

{% macro fixture_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string) | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}
