{#-
    Order releases of one series from oldest to newest (direction='asc') or newest
    first ('desc'). A release is newer when:
      1. its upload month (release_published) is later; then
      2. its last fiscal year (release_last_fy) is later; then
      3. its in-year month suffix is later in fiscal order (oct first ... sep last),
         a full-year release (no suffix) counting after every month of that year; then
      4. release_id, as a deterministic tie-break.
    The upload date decides first: `fy21-fy24` published 2024-10 is older than
    `fy22-fy25-feb` published 2025-03.
-#}
{% macro release_precedence_order_by(direction='asc', prefix='') -%}
    {%- set d = direction | lower -%}
    {%- if d not in ('asc', 'desc') -%}
        {{ exceptions.raise_compiler_error("release_precedence_order_by: direction must be asc or desc, got " ~ direction) }}
    {%- endif -%}
    {{ prefix }}release_published {{ d }},
    {{ prefix }}release_last_fy {{ d }},
    {{ fiscal_month(prefix ~ 'release_month') }} {{ d }} nulls {{ 'last' if d == 'asc' else 'first' }},
    {{ prefix }}release_id {{ d }}
{%- endmacro %}
