{#- Ordinal rank of a TIP placement: Tier 1 = 1, Tier 2 = 2, Tier 2 Watch List = 3, Tier 3 = 4;
    Special Case (and anything else) null: it is kept apart, not ranked. -#}
{% macro tip_tier_rank(placement) -%}
    case {{ placement }}
        when 'Tier 1' then 1
        when 'Tier 2' then 2
        when 'Tier 2 Watch List' then 3
        when 'Tier 3' then 4
    end
{%- endmacro %}
