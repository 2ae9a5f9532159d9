with

source as (

    select * from {{ source('cbp', 'encounters') }}

),

renamed as (

    select
        -- release provenance
        'encounters' as dataset,
        trim(series) as series,
        trim(release_id) as release_id,
        trim(release_folder) as release_folder,
        cast(release_published as date) as release_published,
        cast(release_first_fy as integer) as release_first_fy,
        cast(release_last_fy as integer) as release_last_fy,
        nullif(lower(trim(release_month)), '') as release_month,
        source_url,
        raw_sha256,
        cast(source_row as bigint) as source_row,

        -- period
        cast(fiscal_year as integer) as fiscal_year,
        fiscal_year_label,
        upper(trim(month_abbv)) as month_abbv,
        month_grouping,
        {{ fiscal_month('month_abbv') }} as fiscal_month,
        {{ fiscal_month_start('fiscal_year', 'month_abbv') }} as month_start,

        -- dimensions
        component,
        land_border_region,
        area_of_responsibility,
        {{ aor_code('component', 'area_of_responsibility') }} as aor_code,
        aor_abbv,
        demographic,
        citizenship,
        title_of_authority,
        encounter_type,

        -- measure
        cast(encounter_count as bigint) as encounter_count

    from source

)

select * from renamed
