{#-
    US federal fiscal year: FY N runs from October 1 of N-1 to September 30 of N.
    Fiscal month 1 = October ... 12 = September.
-#}

{#- Fiscal month (1..12) of a three-letter month abbreviation; null when it is not one. -#}
{% macro fiscal_month(month_abbv) -%}
    case upper(trim({{ month_abbv }}))
        when 'OCT' then 1
        when 'NOV' then 2
        when 'DEC' then 3
        when 'JAN' then 4
        when 'FEB' then 5
        when 'MAR' then 6
        when 'APR' then 7
        when 'MAY' then 8
        when 'JUN' then 9
        when 'JUL' then 10
        when 'AUG' then 11
        when 'SEP' then 12
    end
{%- endmacro %}

{#- Calendar month (1..12) of a fiscal month (1 = October). -#}
{% macro calendar_month_of_fiscal_month(fiscal_month) -%}
    ((({{ fiscal_month }}) + 8) % 12 + 1)
{%- endmacro %}

{#-
    First calendar day of the month named by (fiscal_year, month_abbv):
    FY2024 OCT -> 2023-10-01, FY2024 SEP -> 2024-09-01.
    Unknown month abbreviations (or a null fiscal year) give null.
-#}
{% macro fiscal_month_start(fiscal_year, month_abbv) -%}
    {{ fiscal_month_number_start(fiscal_year, fiscal_month(month_abbv)) }}
{%- endmacro %}

{#- First calendar day of fiscal month number fiscal_month (1 = October) of fiscal_year. -#}
{% macro fiscal_month_number_start(fiscal_year, fiscal_month) -%}
    cast(make_date(
        cast({{ fiscal_year }} as bigint)
            - case when ({{ fiscal_month }}) <= 3 then 1 else 0 end,
        {{ calendar_month_of_fiscal_month(fiscal_month) }},
        1
    ) as date)
{%- endmacro %}

{#- Fiscal year of a calendar date (October onwards belongs to the next year). -#}
{% macro fiscal_year_of_date(date_expr) -%}
    (extract(year from {{ date_expr }}) + case when extract(month from {{ date_expr }}) >= 10 then 1 else 0 end)
{%- endmacro %}

{#- Fiscal month (1 = October) of a calendar date. -#}
{% macro fiscal_month_of_date(date_expr) -%}
    ((extract(month from {{ date_expr }}) + 2) % 12 + 1)
{%- endmacro %}
