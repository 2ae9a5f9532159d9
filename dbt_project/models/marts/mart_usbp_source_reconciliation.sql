-- Border Patrol encounters per month and border region from both publishers, side by side: OHSS's
-- workbook (rounded to tens, sectors summed) and CBP's nationwide files (component U.S. Border
-- Patrol, every title and type summed). A month one of them lacks has null there.

with

ohss as (

    select
        month_start,
        fiscal_year,
        fiscal_month,
        border_region,
        cast(sum(encounter_count) as bigint) as ohss_encounter_count,
        count(*) as ohss_cells
    from {{ ref('fct_usbp_encounters_monthly') }}
    group by all

),

cbp as (

    select
        month_start,
        fiscal_year,
        fiscal_month,
        border_region,
        cast(sum(encounter_count) as bigint) as cbp_encounter_count
    from {{ ref('fct_border_encounters') }}
    where component = 'U.S. Border Patrol'
    group by all

),

compared as (

    select
        coalesce(ohss.month_start, cbp.month_start) as month_start,
        coalesce(ohss.fiscal_year, cbp.fiscal_year) as fiscal_year,
        coalesce(ohss.fiscal_month, cbp.fiscal_month) as fiscal_month,
        coalesce(ohss.border_region, cbp.border_region) as border_region,
        ohss.ohss_encounter_count,
        cbp.cbp_encounter_count,
        cbp.cbp_encounter_count - ohss.ohss_encounter_count as cbp_minus_ohss,
        -- OHSS rounds each sector's cell to tens: its sum is within 5 per sector of the true count
        5 * ohss.ohss_cells as ohss_rounding_bound
    from ohss
    full outer join cbp
        on ohss.month_start = cbp.month_start and ohss.border_region = cbp.border_region

)

select * from compared
