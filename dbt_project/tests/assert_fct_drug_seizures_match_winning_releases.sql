-- fct_drug_seizures must hold exactly the winning releases' rows: per release and month,
-- the same event and pound totals, and one release per month within each series.
with

winners as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}
    where dataset = 'drug_seizures'

),

expected as (

    select
        stg.release_id,
        stg.month_start,
        sum(stg.event_count) as event_count,
        sum(stg.quantity_lbs) as quantity_lbs
    from {{ ref('stg_cbp__drug_seizures') }} as stg
    inner join winners
        on  stg.series = winners.series
        and stg.fiscal_year = winners.fiscal_year
        and stg.release_id = winners.release_id
    group by all

),

actual as (

    select release_id, month_start, sum(event_count) as event_count, sum(quantity_lbs) as quantity_lbs
    from {{ ref('fct_drug_seizures') }}
    group by all

),

mismatched_totals as (

    select
        coalesce(expected.release_id, actual.release_id) as release_id,
        coalesce(expected.month_start, actual.month_start) as month_start,
        'totals differ' as problem
    from expected
    full outer join actual
        on  expected.release_id = actual.release_id
        and expected.month_start = actual.month_start
    where expected.event_count is distinct from actual.event_count
        or abs(coalesce(expected.quantity_lbs, -1) - coalesce(actual.quantity_lbs, -1)) > 1e-6

),

months_from_several_releases as (

    select
        null as release_id,
        fct.month_start,
        'month from several releases of ' || releases.series as problem
    from {{ ref('fct_drug_seizures') }} as fct
    inner join {{ ref('dim_cbp_release') }} as releases
        on fct.release_id = releases.release_id
    group by fct.month_start, releases.series
    having count(distinct fct.release_id) > 1

)

select * from mismatched_totals
union all
select * from months_from_several_releases
