{#-
    The grain of a model: the columns that identify one row, declared once in the model's YAML
    as `config: {meta: {grain: [...]}}`. A model whose rows are those of another model's grain
    times more columns says so with `grain_extends` (the revisions facts: the fact's grain x
    release_id) and lists only the added columns in `grain`.

    Read by the generic test unique_grain, by the revisions models (macro release_revisions's
    grain), and, outside dbt, by the quality gate (expectations/dbt_models.py reads the same YAML).
    The graph is only filled when dbt executes; while parsing, a placeholder is returned.
-#}
{% macro grain_of(model_name) -%}
    {%- if not execute -%}
        {{ return(['__grain_of_' ~ model_name ~ '__']) }}
    {%- endif -%}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == model_name -%}
            {%- do found.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found | length != 1 -%}
        {{ exceptions.raise_compiler_error("grain_of: no model named '" ~ model_name ~ "'") }}
    {%- endif -%}
    {%- set meta = found[0].config.meta or {} -%}
    {%- set own = meta.get('grain') or [] -%}
    {%- if not own -%}
        {{ exceptions.raise_compiler_error("grain_of: model '" ~ model_name ~ "' declares no config.meta.grain") }}
    {%- endif -%}
    {%- if meta.get('grain_extends') -%}
        {{ return(grain_of(meta.get('grain_extends')) + own) }}
    {%- endif -%}
    {{ return(own) }}
{%- endmacro %}
