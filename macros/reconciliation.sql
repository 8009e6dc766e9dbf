{#- One reconciliation check of a parent row against its children (int_reconciliation_checks): each amount column of
    every `parent_kind` row against the sum of that column over the `child_kind` rows sharing its `key`, with the
    tolerance given (a SQL expression over the children, `children.*`). -#}
{% macro parent_equals_sum_of_children(check_name, parent_kind, child_kind, key, tolerance) -%}
    select
        parents.document_id,
        '{{ check_name }}' as check_name,
        parents.row_kind as subject_kind,
        parents.row_number as table_row_number,
        parents.page_start as page_number,
        parents.row_name as subject_name,
        parents.amount_column,
        parents.amount as printed_amount,
        coalesce(sum(children.amount), 0) as sum_of_parts,
        count(children.amount) as addend_count,
        {{ tolerance }} as tolerance

    from amount_cells as parents
    left join amount_cells as children
        on
            parents.{{ key }} = children.{{ key }}
            and parents.amount_column = children.amount_column
            and children.row_kind = '{{ child_kind }}'
    where parents.row_kind = '{{ parent_kind }}'
    group by all
{%- endmacro %}
