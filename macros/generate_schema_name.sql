{#- Build into schemas named exactly as configured (staging, marts, ...), not <target>_<name>:
    analysts query `marts.fct_project_budget` whatever profile built it. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
