{#- The select list of a marts_zh view: each column under its Chinese name from var('zh_column_labels'),
    so a view, the Excel headers and the report all say 总计 for total_amount. `relation` qualifies the
    columns (e.g. 'projects'). -#}
{% macro zh_columns(columns, relation=none) -%}
    {%- set labels = var('zh_column_labels') -%}
    {%- for column in columns %}
        {% if relation %}{{ relation }}.{% endif %}{{ column }} as "{{ labels[column] }}"{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
