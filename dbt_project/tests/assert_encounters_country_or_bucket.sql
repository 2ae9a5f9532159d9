-- Every row of fct_border_encounters names exactly one of: a country (iso3) or a non-country
-- bucket (citizenship_bucket, e.g. OTHER). A citizenship that is neither (or both) fails,
-- naming it: map it in seeds/country_aliases.csv (alias_kind `cbp`) or seeds/country_buckets.csv.
with

unresolved as (

    select distinct citizenship
    from {{ ref('fct_border_encounters') }}
    where (iso3 is null) = (citizenship_bucket is null)

)

-- error() sits in the filter, not the select list: dbt wraps a test in `select count(*) from
-- (...)`, and DuckDB drops a select-list column nobody reads, error() with it.
select citizenship
from unresolved
where error(
    'fct_border_encounters citizenship(s) with no country (iso3) and no bucket, or both: '
    || (
        select string_agg(coalesce(listed.citizenship, '(null)'), ', ' order by listed.citizenship) as listing
        from unresolved as listed
    )
) is null
