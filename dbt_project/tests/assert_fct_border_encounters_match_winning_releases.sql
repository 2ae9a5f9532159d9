-- fct_border_encounters must hold exactly the winning releases' rows: per release and
-- month, the same total and the same number of source records, and one release per month.
with

winners as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}
    where dataset = 'encounters'

),

expected as (

    select stg.release_id, stg.month_start, sum(stg.encounter_count) as encounter_count
    from {{ ref('stg_cbp__encounters') }} as stg
    inner join winners
        on  stg.series = winners.series
        and stg.fiscal_year = winners.fiscal_year
        and stg.release_id = winners.release_id
    group by all

),

actual as (

    select release_id, month_start, sum(encounter_count) as encounter_count
    from {{ ref('fct_border_encounters') }}
    group by all

),

mismatched_totals as (

    select
        coalesce(expected.release_id, actual.release_id) as release_id,
        coalesce(expected.month_start, actual.month_start) as month_start,
        expected.encounter_count as expected_count,
        actual.encounter_count as actual_count,
        'total differs' as problem
    from expected
    full outer join actual
        on  expected.release_id = actual.release_id
        and expected.month_start = actual.month_start
    where expected.encounter_count is distinct from actual.encounter_count

),

months_from_several_releases as (

    select
        null as release_id,
        month_start,
        null as expected_count,
        count(distinct release_id) as actual_count,
        'month from several releases' as problem
    from {{ ref('fct_border_encounters') }}
    group by month_start
    having count(distinct release_id) > 1

)

select * from mismatched_totals
union all
select * from months_from_several_releases
