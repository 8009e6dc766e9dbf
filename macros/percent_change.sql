{#- change_pct: (new − base) / base × 100, rounded half away from zero (half-up) to 0.01, as DECIMAL(38,2).
    Exact, never through DOUBLE (DuckDB divides decimals in floating point: 200.00 → 202.01 would give 1.00):
    both amounts become whole HUGEINT multiples of 10^-amount_exact_scale 万元, the percentage in hundredths is
    floor((2 × 10000 × |diff| + |base|) / (2 × |base|)) with its sign, and any amount a DECIMAL(20,6) can hold fits
    (10000 × 10^20 ≪ 1.7 × 10^38). A missing new amount counts as 0; a missing or zero base gives NULL. -#}
{% macro percent_change(new_amount, base_amount) -%}
    {%- set factor = 10 ** var('amount_exact_scale') -%}
    {%- set diff = "cast((coalesce(" ~ new_amount ~ ", 0) - " ~ base_amount ~ ") * " ~ factor ~ " as hugeint)" -%}
    {%- set base = "cast(" ~ base_amount ~ " * " ~ factor ~ " as hugeint)" -%}
    case
        when {{ base_amount }} != 0 then
            cast(
                sign({{ diff }}) * sign({{ base }})
                * ((20000 * abs({{ diff }}) + abs({{ base }})) // (2 * abs({{ base }})))
                as decimal(38, 0)
            ) * 0.01
    end
{%- endmacro %}
