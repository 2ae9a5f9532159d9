{#- Fails with one row per value later than the build's clock (plus an optional tolerance). Nulls pass. -#}
{% test not_in_future(model, column_name, tolerance='0 seconds') %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} > cast(now() at time zone 'UTC' as timestamp) + interval '{{ tolerance }}'

{% endtest %}
