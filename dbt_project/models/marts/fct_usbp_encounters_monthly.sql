-- Border Patrol encounters per month and sector since FY2000, from OHSS's current workbook
-- (sheet 'Monthly Rgn and Sector'), as published: rounded to tens, cells that round to zero absent.

with

monthly as (

    select * from {{ ref('stg_ohss__monthly_encounters') }}
    where sheet = 'Monthly Rgn and Sector'

),

current_workbook as (

    select raw_sha256 from {{ ref('int_ohss__workbooks') }}
    where is_current

),

sectors as (

    select * from {{ ref('int_ohss__sectors') }}

),

final as (

    select
        monthly.month_start,
        monthly.fiscal_year,
        monthly.fiscal_month,
        sectors.border_region,
        monthly.region as region_name,
        monthly.sector,
        sectors.aor_code,
        monthly.encounter_count,
        true as is_rounded,
        monthly.workbook,
        monthly.source_url,
        monthly.raw_sha256,
        monthly.sheet,
        monthly.source_row
    from monthly
    inner join current_workbook on monthly.raw_sha256 = current_workbook.raw_sha256
    left join sectors on monthly.region = sectors.region_name and monthly.sector = sectors.sector

)

select * from final
