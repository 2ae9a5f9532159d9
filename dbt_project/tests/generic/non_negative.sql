{#-
    Rows where the column is negative (nulls pass). Severity warn: a negative count comes from a
    source file, and the quality gate is what stops it (exit 3, the published warehouse kept),
    not the build.
-#}
{% test non_negative(model, column_name) %}
{{ config(severity='warn') }}
select * from {{ model }} where {{ column_name }} < 0
{% endtest %}
