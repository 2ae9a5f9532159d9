{#- Lower-case slug: runs of anything but a-z / 0-9 become one '-', no leading/trailing '-'. -#}
{% macro slugify(expr) -%}
    replace(trim(regexp_replace(lower(trim({{ expr }})), '[^a-z0-9]+', ' ', 'g')), ' ', '-')
{%- endmacro %}

{#- Title Case every space-separated word ('EL PASO SECTOR' -> 'El Paso Sector'). -#}
{% macro title_case(expr) -%}
    array_to_string(
        list_transform(
            string_split(lower(trim({{ expr }})), ' '),
            lambda w: upper(left(w, 1)) || substr(w, 2)
        ),
        ' '
    )
{%- endmacro %}

{#-
    Stable key of an area of responsibility, independent of the spelling a file
    uses: '<component code>-<slug of name>', e.g. ('Office of Field Operations',
    'BOSTON FIELD OFFICE') and ('Office of Field Operations', 'Boston Field Office')
    both give 'ofo-boston-field-office'. The component codes are the seed cbp_components
    (case-insensitive); a component the seed does not list falls back to its slug. The seed is
    read by uncorrelated subqueries (lists of its columns, in one order), so `component` names
    the caller's column.
-#}
{% macro component_code(component) -%}
    coalesce(
        (select list(component_code order by component) from {{ ref('cbp_components') }})[
            list_position(
                (select list(lower(component) order by component) from {{ ref('cbp_components') }}),
                lower(trim({{ component }}))
            )
        ],
        {{ slugify(component) }}
    )
{%- endmacro %}

{% macro aor_code(component, area_of_responsibility) -%}
    ({{ component_code(component) }} || '-' || {{ slugify(area_of_responsibility) }})
{%- endmacro %}

{#- 'Field Office', 'Sector', 'Branch' or 'Other', from the end of an AOR name. -#}
{% macro office_type(area_of_responsibility) -%}
    case
        when lower(trim({{ area_of_responsibility }})) like '%field office' then 'Field Office'
        when lower(trim({{ area_of_responsibility }})) like '%sector' then 'Sector'
        when lower(trim({{ area_of_responsibility }})) like '%branch' then 'Branch'
        else 'Other'
    end
{%- endmacro %}
