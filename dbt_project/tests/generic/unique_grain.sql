{#-
    Fails with one row per grain key that occurs more than once. The grain is the model's
    `config.meta.grain` in its YAML (macro grain_of): declared once, read by this test, by the
    models that need it (the revisions facts) and by the quality gate's reconciliation.
-#}
{% test unique_grain(model) %}
{%- set columns = grain_of(model.identifier) %}

select
    {{ columns | join(',\n    ') }},
    count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
