-- Every Border Patrol sector OHSS's workbooks name under a region, with the keys the CBP facts use:
-- the border region of its OHSS region (seed cbp_border_regions, dataset ohss_usbp) and CBP's
-- aor_code ('Blaine, WA' is CBP's 'Blaine Sector': usbp-blaine-sector).

with

sectors as (

    select distinct
        region,
        sector
    from {{ ref('stg_ohss__monthly_encounters') }}
    where region is not null and sector is not null

    union

    select distinct
        region,
        sector
    from {{ ref('stg_ohss__annual_encounters') }}
    where region is not null and sector is not null

),

regions as (

    select * from {{ ref('cbp_border_regions') }}
    where dataset = 'ohss_usbp'

),

final as (

    select
        sectors.region as region_name,
        sectors.sector,
        regions.border as border_region,
        {{ aor_code("'U.S. Border Patrol'", "regexp_replace(sectors.sector, ',[ ]*[A-Z][A-Z]$', '') || ' Sector'") }}
            as aor_code
    from sectors
    left join regions on sectors.region = regions.region

)

select * from final
