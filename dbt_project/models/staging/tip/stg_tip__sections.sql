-- One row per section of a country narrative.

with

source as (

    select * from {{ source('tip', 'sections') }}

),

final as (

    select
        report_year,
        page_url,
        section,
        section_title,
        section_order,
        text,
        length(text) as text_chars
    from source

)

select * from final
