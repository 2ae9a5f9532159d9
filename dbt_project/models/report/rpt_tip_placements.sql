-- Every TIP placement in the order the report lists them, with its ordinal rank: the
-- tip_placements seed (the one place the placements and their ranks are declared), renamed for
-- the report. The report's tier bars, tier axis and tier colours come from here, not from a
-- list in the Python code.

with

placements as (

    select * from {{ ref('tip_placements') }}

),

final as (

    select
        placement,
        tier_rank,
        cast(sort_order as integer) as placement_order
    from placements

)

select * from final
