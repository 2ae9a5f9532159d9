{#-
    Every citizenship value of a resolved model (macro resolve_citizenships) is a country of
    dim_country or a declared non-country bucket. An unresolved value fails with an error naming
    it: add it to seeds/country_aliases.csv (alias_kind: the source) or seeds/country_buckets.csv.
-#}
{% test citizenship_resolved(model, column_name) %}

with

unresolved as (

    select {{ column_name }} as citizenship
    from {{ model }}
    where iso3 is null and bucket is null

)

-- error() sits in the filter, not the select list: dbt wraps a test in `select count(*) from
-- (...)`, and DuckDB drops a select-list column nobody reads, error() with it.
select citizenship
from unresolved
where error(
    'citizenship value(s) of {{ model.identifier }} not in dim_country aliases nor country_buckets: '
    || (
        select string_agg(coalesce(listed.citizenship, '(null)'), ', ' order by listed.citizenship) as listing
        from unresolved as listed
    )
) is null

{% endtest %}
