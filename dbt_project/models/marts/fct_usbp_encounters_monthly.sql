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

regions as (

    select * from {{ ref('cbp_border_regions') }}
    where dataset = 'ohss_usbp'

),

final as (

    select
        monthly.month_start,
        monthly.fiscal_year,
        monthly.fiscal_month,
        regions.border as border_region,
        monthly.region as region_name,
        monthly.sector,
        -- CBP's key for the sector: 'Blaine, WA' is CBP's 'Blaine Sector' (usbp-blaine-sector)
        {{ aor_code("'U.S. Border Patrol'", "regexp_replace(monthly.sector, ',[ ]*[A-Z][A-Z]$', '') || ' Sector'") }}
            as aor_code,
        monthly.encounter_count,
        true as is_rounded,
        monthly.workbook,
        monthly.source_url,
        monthly.raw_sha256,
        monthly.sheet,
        monthly.source_row
    from monthly
    inner join current_workbook on monthly.raw_sha256 = current_workbook.raw_sha256
    left join regions on monthly.region = regions.region

)

select * from final
