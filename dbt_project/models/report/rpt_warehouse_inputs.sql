-- What the warehouse made of each input the report's provenance table lists: for a CBP release,
-- the fiscal years it is the current source of (or that newer releases supersede it); for a
-- TIP edition, how many countries it places. Keyed like the landing manifests: source name and
-- release id / edition year.

with

releases as (

    select * from {{ ref('dim_cbp_release') }}

),

editions as (

    select * from {{ ref('rpt_tip_editions') }}

),

cbp as (

    select
        'cbp' as source_name,
        release_id as input_key,
        case
            when len(is_current_for_fiscal_years) > 0
                then
                    'current source of '
                    || array_to_string(list_transform(is_current_for_fiscal_years, lambda y: 'FY' || y), ', ')
            else 'superseded (revisions tables)'
        end as note
    from releases

),

tip as (

    select
        'tip' as source_name,
        cast(report_year as varchar) as input_key,
        countries_placed || ' countries placed' as note
    from editions

),

final as (

    select * from cbp
    union all
    select * from tip

)

select * from final
