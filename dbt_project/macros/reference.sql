{#- The regions a CBP dataset publishes for the given borders, read from
    seeds/cbp_border_regions.csv (the one place they are declared), as a subquery for `in (...)`:
        where land_border_region in ({{ cbp_regions('encounters', ['northern']) }})
    borders: any of 'northern', 'southwest', 'other'. -#}
{% macro cbp_regions(dataset, borders) -%}
    select cbp_region.region from {{ ref('cbp_border_regions') }} as cbp_region
    where cbp_region.dataset = '{{ dataset }}'
        and cbp_region.border in ({% for border in borders %}'{{ border }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
