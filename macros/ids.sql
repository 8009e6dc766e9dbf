{#- One part of an id: the prefix and the number zero-padded to `width` digits. A longer number is written in
    full (`-u150`, `-p1200`), never truncated as DuckDB's lpad would, so ids at today's widths stay unchanged
    and no count can make two ids collide (docs/architecture.md, Id formats). -#}
{% macro id_part(prefix, number, width) -%}
    ('{{ prefix }}' || case
        when length(cast({{ number }} as varchar)) >= {{ width }} then cast({{ number }} as varchar)
        else lpad(cast({{ number }} as varchar), {{ width }}, '0')
    end)
{%- endmacro %}
