{#- The select list of a marts_zh view: each column under its Chinese name from var('zh_column_labels'),
    so a view, the Excel headers and the report all say 总计 for total_amount. A coded column
    (var('zh_coded_columns')) shows its Chinese label from marts.dim_code_label instead of the code. -#}
{% macro zh_columns(columns) -%}
    {%- set labels = var('zh_column_labels') -%}
    {%- set coded = var('zh_coded_columns') -%}
    {%- for column in columns %}
        {%- if column in coded %}
        (
            select code_labels.label_zh from {{ ref('dim_code_label') }} as code_labels
            where code_labels.code_set = '{{ coded[column] }}' and code_labels.code = {{ column }}
        ) as "{{ labels[column] }}"{{ "," if not loop.last }}
        {%- else %}
        {{ column }} as "{{ labels[column] }}"{{ "," if not loop.last }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- A post-hook of every marts_zh view: each column's DuckDB comment says which mart column it shows and its unit
    (var('zh_column_units')), so 总计 keeps its name and still says 万元 (select comment from duckdb_columns()). -#}
{% macro comment_zh_columns() -%}
    {%- set english = {} -%}
    {%- for column, label in var('zh_column_labels').items() -%}
        {%- do english.update({label: column}) -%}
    {%- endfor -%}
    {%- set units = var('zh_column_units') -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- set name = english.get(column.name, column.name) %}
        comment on column {{ this }}."{{ column.name }}" is '{{ name }}{{ "（" ~ units[name] ~ "）" if name in units else "" }}{{ "，中文标签" if name in var("zh_coded_columns") else "" }}';
    {%- endfor -%}
{%- endmacro %}
