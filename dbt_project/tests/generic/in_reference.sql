{#-
    Accepted values read from reference data (a seed) instead of a list written in YAML: fails
    with one row per value of the column that is not in `field` of `to` (only the reference
    rows matching `reference_where` when given; `where` is dbt's own filter of the tested
    model). Nulls pass (not_null says whether they may occur).

        - in_reference:
            arguments:
              to: ref('cbp_border_regions')
              field: region
              reference_where: "dataset = 'encounters'"
-#}
{% test in_reference(model, column_name, to, field, reference_where=none) %}

select distinct {{ column_name }} as value_not_in_reference
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select {{ field }} from {{ to }}
        where {{ field }} is not null{% if reference_where %} and ({{ reference_where }}){% endif %}
    )

{% endtest %}
