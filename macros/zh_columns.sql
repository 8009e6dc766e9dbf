{#- The select list of a marts_zh view: each column under its Chinese name from var('zh_column_labels'),
    so a view, the Excel headers and the report all say 总计 for total_amount. -#}
{% macro zh_columns(columns) -%}
    {%- set labels = var('zh_column_labels') -%}
    {%- for column in columns %}
        {{ column }} as "{{ labels[column] }}"{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
