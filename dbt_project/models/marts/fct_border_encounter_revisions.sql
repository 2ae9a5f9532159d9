-- Every release of every encounters grain key, compared with the previous release covering
-- its fiscal year (see macros/release_revisions.sql); the grain is fct_border_encounters' (its
-- config.meta.grain, macros/grain.sql). What changed:
--   where change_type in ('revised', 'added', 'removed')
-- Built after fct_border_encounters, never beside it: the two largest CBP models share the
-- warehouse's DuckDB memory limit when dbt runs them at once, and on files of millions of rows
-- neither then fits (both fail out of memory at 10M rows in 2 GB), where one after the other
-- each does, in less time in all (docs/performance.md).
-- depends_on: {{ ref('fct_border_encounters') }}
{{ release_revisions(
    staging_model='stg_cbp__encounters',
    dataset='encounters',
    grain=grain_of('fct_border_encounters'),
    measures={'encounter_count': 'bigint'},
) }}
