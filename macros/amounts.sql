{#- Amounts (docs/architecture.md, Amount scale): DECIMAL(20,6), so an amount printed in 元 keeps every digit
    once scaled to 万元. -#}
{% macro amount_type() -%}
    decimal(20, 6)
{%- endmacro %}

{#- A printed amount cell as a number in the printed unit: thousands separators dropped, an empty cell NULL. -#}
{% macro printed_amount(column) -%}
    cast(nullif(replace(trim({{ column }}), ',', ''), '') as {{ amount_type() }})
{%- endmacro %}

{#- Digits printed after the decimal point of an amount cell (0 without a point); NULL for an empty cell. -#}
{% macro printed_decimals(column) -%}
    case
        when nullif(trim({{ column }}), '') is null then null
        when strpos(trim({{ column }}), '.') = 0 then 0
        else length(trim({{ column }})) - strpos(trim({{ column }}), '.')
    end
{%- endmacro %}

{#- An amount in the printed unit converted to 万元 by the unit's factor (seeds/reference/amount_units.csv). -#}
{% macro to_wan_yuan(column, factor) -%}
    cast({{ column }} * {{ factor }} as {{ amount_type() }})
{%- endmacro %}

{#- An amount as text for a reason line: at least two decimals, trailing zeros beyond them dropped
    (3473.700000 → 3473.70). -#}
{% macro amount_text(expression) -%}
    regexp_replace(cast(cast({{ expression }} as {{ amount_type() }}) as varchar), '(\.\d\d\d*?)0+$', '\1')
{%- endmacro %}
