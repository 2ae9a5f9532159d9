{%- set grain = ['month_start', 'component', 'region', 'land_filter', 'aor_code', 'drug_type'] -%}
-- Every release of every drug seizures grain key: one row per grain key x release of the
-- same series that covers the key's fiscal year, from the first release that has the key on.
-- Compare each release with the previous release covering that fiscal year:
--   where change_type in ('revised', 'added', 'removed')
-- Quantities count as unchanged when equal to 6 decimal places (pounds), so that
-- re-rounding between releases is not reported as a revision.

with

drug_seizures as (

    select * from {{ ref('stg_cbp__drug_seizures') }}

),

releases as (

    select * from {{ ref('int_cbp__releases') }}

),

fiscal_year_sources as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}
    where dataset = 'drug_seizures'

),

-- the values of each grain key in each release
release_values as (

    select
        series,
        fiscal_year,
        fiscal_month,
        release_id,
        {{ grain | join(', ') }},
        sum(event_count) as event_count,
        sum(quantity_lbs) as quantity_lbs
    from drug_seizures
    group by all

),

-- the releases that cover each fiscal year
release_fiscal_years as (

    select distinct series, fiscal_year, release_id
    from drug_seizures

),

grain_keys as (

    select distinct series, fiscal_year, fiscal_month, {{ grain | join(', ') }}
    from release_values

),

spine as (

    select
        grain_keys.*,
        release_fiscal_years.release_id,
        releases.release_published,
        releases.release_order
    from grain_keys
    inner join release_fiscal_years
        on  grain_keys.series = release_fiscal_years.series
        and grain_keys.fiscal_year = release_fiscal_years.fiscal_year
    inner join releases
        on release_fiscal_years.release_id = releases.release_id

),

joined as (

    select
        spine.*,
        release_values.release_id is not null as is_present,
        release_values.event_count,
        release_values.quantity_lbs
    from spine
    left join release_values
        on  spine.release_id = release_values.release_id
        {%- for column in grain %}
        and spine.{{ column }} is not distinct from release_values.{{ column }}
        {%- endfor %}

),

compared as (

    select
        *,
        lag(release_id) over key_history as previous_release_id,
        lag(is_present) over key_history as previous_is_present,
        lag(event_count) over key_history as previous_event_count,
        lag(quantity_lbs) over key_history as previous_quantity_lbs,
        count(*) filter (where is_present) over (
            partition by series, {{ grain | join(', ') }}
            order by release_order
            rows between unbounded preceding and current row
        ) as releases_with_key_so_far
    from joined
    window key_history as (partition by series, {{ grain | join(', ') }} order by release_order)

),

final as (

    select
        {%- for column in grain %}
        compared.{{ column }},
        {%- endfor %}
        compared.series,
        compared.fiscal_year,
        compared.fiscal_month,
        compared.release_id,
        compared.release_published,
        cast(compared.event_count as bigint) as event_count,
        cast(compared.quantity_lbs as double) as quantity_lbs,
        compared.previous_release_id,
        cast(compared.previous_event_count as bigint) as previous_event_count,
        cast(compared.previous_quantity_lbs as double) as previous_quantity_lbs,
        case
            when compared.previous_release_id is null then 'first'
            when compared.is_present and not compared.previous_is_present then 'added'
            when not compared.is_present and compared.previous_is_present then 'removed'
            when compared.event_count is not distinct from compared.previous_event_count
                and round(compared.quantity_lbs, 6) is not distinct from round(compared.previous_quantity_lbs, 6)
                then 'unchanged'
            else 'revised'
        end as change_type,
        coalesce(compared.release_id = fiscal_year_sources.release_id, false) as is_current
    from compared
    left join fiscal_year_sources
        on  compared.series = fiscal_year_sources.series
        and compared.fiscal_year = fiscal_year_sources.fiscal_year
    -- no rows for releases older than the first one that has the key
    where compared.releases_with_key_so_far > 0

)

select * from final
