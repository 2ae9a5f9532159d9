-- One row per OHSS workbook content landed: the months it covers, and which one the marts use
-- (is_current: the one reaching the latest month, the newest landed among equals).

with

monthly as (

    select * from {{ ref('stg_ohss__monthly_encounters') }}

),

workbooks as (

    select
        workbook,
        source_url,
        raw_sha256,
        fetched_at,
        min(month_start) as first_month_start,
        max(month_start) as last_month_start,
        count(distinct month_start) as months_covered
    from monthly
    where sheet = 'Monthly Count'
    group by all

),

ranked as (

    select
        *,
        row_number() over (order by last_month_start desc, fetched_at desc, raw_sha256 asc) = 1 as is_current
    from workbooks

)

select * from ranked
