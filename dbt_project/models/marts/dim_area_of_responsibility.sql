-- One row per area of responsibility (aor_code), reconciling the spellings of the
-- encounters file (`Boston Field Office`) and the drug seizures file (`BOSTON FIELD OFFICE`).

with

spellings as (

    select * from {{ ref('int_cbp__areas_of_responsibility') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by aor_code
            order by
                case dataset when 'encounters' then 0 else 1 end,
                row_count desc,
                area_of_responsibility asc
        ) as preference
    from spellings

),

preferred as (

    select
        aor_code,
        component,
        case
            when area_of_responsibility = upper(area_of_responsibility)
                then {{ title_case('area_of_responsibility') }}
            else area_of_responsibility
        end as area_of_responsibility
    from ranked
    where preference = 1

),

rolled_up as (

    select
        aor_code,
        arg_max(aor_abbv, row_count) filter (where aor_abbv is not null) as aor_abbv,
        list(distinct area_of_responsibility order by area_of_responsibility) as spellings,
        list(distinct dataset order by dataset) as datasets
    from spellings
    group by aor_code

),

final as (

    select
        preferred.aor_code,
        preferred.component,
        preferred.area_of_responsibility,
        rolled_up.aor_abbv,
        {{ office_type('preferred.area_of_responsibility') }} as office_type,
        rolled_up.spellings,
        rolled_up.datasets
    from preferred
    inner join rolled_up
        on preferred.aor_code = rolled_up.aor_code

)

select * from final
