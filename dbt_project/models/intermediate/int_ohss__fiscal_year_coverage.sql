-- Months of each fiscal year the current OHSS workbook covers: the last fiscal year of a workbook
-- is partial (a workbook ending in November holds two months of it).

with

monthly as (

    select * from {{ ref('stg_ohss__monthly_encounters') }}

),

current_workbook as (

    select raw_sha256 from {{ ref('int_ohss__workbooks') }}
    where is_current

),

coverage as (

    select
        monthly.fiscal_year,
        count(distinct monthly.fiscal_month) as months_covered
    from monthly
    inner join current_workbook on monthly.raw_sha256 = current_workbook.raw_sha256
    where monthly.sheet = 'Monthly Count'
    group by monthly.fiscal_year

)

select * from coverage
