-- One row per enforcement measure a country narrative gives a number for (value null when ambiguous).

with

source as (

    select * from {{ source('tip', 'enforcement_figures') }}

),

final as (

    select
        report_year,
        page_url,
        measure,
        value,
        evidence_sentence,
        section,
        note as null_reason
    from source

)

select * from final
