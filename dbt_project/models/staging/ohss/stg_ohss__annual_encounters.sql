-- One row per cell of an OHSS "Annual ..." sheet, per workbook landed, as published
-- (rounded to tens); the breakdowns a sheet lacks are null.

with

source as (

    select * from {{ source('ohss', 'annual') }}

),

renamed as (

    select
        -- workbook provenance
        workbook,
        source_url,
        raw_sha256,
        cast(fetched_at as timestamptz) as fetched_at,
        sheet,
        source_row,

        -- period
        fiscal_year,

        -- breakdowns
        region,
        sector,
        citizenship,
        family_status,

        -- measure
        quantity as encounter_count

    from source

)

select * from renamed
