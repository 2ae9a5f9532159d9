-- One row per calendar day from October 1 of the first fiscal year in either fact
-- to September 30 of the last.

with

fact_fiscal_years as (

    select fiscal_year from {{ ref('fct_border_encounters') }}
    union all
    select fiscal_year from {{ ref('fct_drug_seizures') }}

),

bounds as (

    select
        make_date(min(fiscal_year) - 1, 10, 1) as first_day,
        make_date(max(fiscal_year), 9, 30) as last_day
    from fact_fiscal_years
    having count(*) > 0

),

days as (

    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as date_day
    from bounds

),

final as (

    select
        date_day,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(quarter from date_day) as integer) as calendar_quarter,
        cast(extract(month from date_day) as integer) as calendar_month,
        strftime(date_day, '%B') as month_name,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(extract(isodow from date_day) as integer) as day_of_week,
        strftime(date_day, '%A') as day_name,
        cast({{ fiscal_year_of_date('date_day') }} as integer) as fiscal_year,
        cast(({{ fiscal_month_of_date('date_day') }} - 1) // 3 + 1 as integer) as fiscal_quarter,
        cast({{ fiscal_month_of_date('date_day') }} as integer) as fiscal_month,
        make_date(cast({{ fiscal_year_of_date('date_day') }} as integer) - 1, 10, 1) as fiscal_year_start
    from days

)

select * from final
