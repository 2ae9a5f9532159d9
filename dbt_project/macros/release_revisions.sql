{#-
    Every release of every grain key of a CBP dataset: one row per grain key x release of the
    same series that covers the key's fiscal year, from the first release that has the key on,
    compared with the previous release covering that fiscal year.

    staging_model: the staging model name (e.g. 'stg_cbp__encounters')
    dataset:       'encounters' or 'drug_seizures' (as in int_cbp__fiscal_year_sources)
    grain:         the grain columns
    measures:      {name: sql type}; each gets previous_<name> beside it
    unchanged_when: {name: sql comparing compared.<name> and compared.previous_<name>};
                   a measure without an entry is unchanged when not distinct
-#}
{% macro release_revisions(staging_model, dataset, grain, measures, unchanged_when={}) -%}

with

staged as (

    select * from {{ ref(staging_model) }}

),

releases as (

    select * from {{ ref('int_cbp__releases') }}

),

fiscal_year_sources as (

    select * from {{ ref('int_cbp__fiscal_year_sources') }}
    where dataset = '{{ dataset }}'

),

-- each row with its key (series, fiscal year and month, grain) as one 128-bit id: two 64-bit
-- hashes of the key's columns, in two orders. The joins and windows below run on the id rather
-- than on the grain's text columns, which keeps them fast and within DuckDB's memory limit on
-- files of millions of rows (two keys sharing an id: odds of about 1 in 10^25 at 10^7 keys).
keyed as (

    select
        *,
        (hash(series, fiscal_year, fiscal_month, {{ grain | join(', ') }})::uhugeint << 64)
        + hash({{ grain | reverse | join(', ') }}, fiscal_month, fiscal_year, series) as key_id
    from staged

),

-- the values of each grain key in each release
release_values as (

    select
        key_id,
        release_id,
        {%- for name in measures %}
        sum({{ name }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from keyed
    group by key_id, release_id

),

-- the columns of each key
grain_keys as (

    select distinct
        key_id,
        series,
        fiscal_year,
        fiscal_month,
        {{ grain | join(', ') }}
    from keyed

),

-- the releases that cover each fiscal year
release_fiscal_years as (

    select distinct series, fiscal_year, release_id
    from staged

),

spine as (

    select
        grain_keys.key_id,
        release_fiscal_years.release_id,
        releases.release_published,
        releases.release_order
    from grain_keys
    inner join release_fiscal_years
        on
            grain_keys.series = release_fiscal_years.series
            and grain_keys.fiscal_year = release_fiscal_years.fiscal_year
    inner join releases
        on release_fiscal_years.release_id = releases.release_id

),

joined as (

    select
        spine.*,
        release_values.release_id is not null as is_present,
        {%- for name in measures %}
        release_values.{{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from spine
    left join release_values
        on
            spine.release_id = release_values.release_id
            and spine.key_id = release_values.key_id

),

compared as (

    select
        *,
        lag(release_id) over key_history as previous_release_id,
        lag(is_present) over key_history as previous_is_present,
        {%- for name in measures %}
        lag({{ name }}) over key_history as previous_{{ name }},
        {%- endfor %}
        count(*) filter (where is_present) over (
            partition by key_id
            order by release_order
            rows between unbounded preceding and current row
        ) as releases_with_key_so_far
    from joined
    window key_history as (partition by key_id order by release_order)

),

final as (

    select
        {%- for column in grain %}
        grain_keys.{{ column }},
        {%- endfor %}
        grain_keys.series,
        grain_keys.fiscal_year,
        grain_keys.fiscal_month,
        compared.release_id,
        compared.release_published,
        {%- for name, type in measures.items() %}
        cast(compared.{{ name }} as {{ type }}) as {{ name }},
        {%- endfor %}
        compared.previous_release_id,
        {%- for name, type in measures.items() %}
        cast(compared.previous_{{ name }} as {{ type }}) as previous_{{ name }},
        {%- endfor %}
        case
            when compared.previous_release_id is null then 'first'
            when compared.is_present and not compared.previous_is_present then 'added'
            when not compared.is_present and compared.previous_is_present then 'removed'
            when
                {%- for name in measures %}
                {#- in brackets: sqlfluff cannot parse `is [not] distinct from` in a select list
                    otherwise (sqlfluff/sqlfluff#3284) #}
                ({{ unchanged_when.get(name, 'compared.' ~ name ~ ' is not distinct from compared.previous_' ~ name) }})
                {{- " and" if not loop.last }}
                {%- endfor %}
                then 'unchanged'
            else 'revised'
        end as change_type,
        coalesce(compared.release_id = fiscal_year_sources.release_id, false) as is_current
    from compared
    inner join grain_keys
        on compared.key_id = grain_keys.key_id
    left join fiscal_year_sources
        on
            grain_keys.series = fiscal_year_sources.series
            and grain_keys.fiscal_year = fiscal_year_sources.fiscal_year
    -- no rows for releases older than the first one that has the key
    where compared.releases_with_key_so_far > 0

)

select * from final

{%- endmacro %}
