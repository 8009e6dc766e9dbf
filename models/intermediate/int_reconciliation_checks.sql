-- Every printed total of a current edition checked against the sum of its parts, in 万元:
--   row_total_equals_sources     总计 = 财政拨款 + 财政专户拨款 + 其他资金 + 上年结转资金 + 自有资金 on every row, exactly
--   unit_equals_sum_of_projects  each funding unit's amount = the sum of its projects', exactly
--   total_equals_sum_of_units    合计 = the sum of the units, within rounding: half of the last printed digit
--                                per addend (0.005 × the number of units for a 万元 book printed to 0.01)
-- Empty amount cells count as 0. A check outside tolerance is a document check failure (int_document_checks).
-- Only what is printed is checked: an amount column no row of the document prints (the period card prints 年度本级
-- 预算金额 only, the indicator table 预算数 only) is no part of a check, a row that prints no amount (the unit row a
-- card format's reader writes; int_funding_units sums its projects) is checked against nothing, and 总计 is
-- checked against its sources only where the document prints one of them (a card's 年度资金总额 = 财政拨款 +
-- 其他资金). A card's row check (not the packed table's, where it is a misread) also says whether one part alone is
-- above the total (is_part_above_total: a real Shanghai card prints 当年财政拨款 11,419,043.00 under a total of
-- 10,903,043.00): such a row is published with the quality flag part_above_total instead of holding the book back.

{%- set amounts = var('amount_columns') %}
{%- set parts = amounts[1:] %}

with

all_rows as (

    select * from {{ ref('int_table_rows_in_units') }}

),

documents as (

    select * from {{ ref('int_document_editions') }}

),

printed_columns as (

    select
        {%- for column in amounts %}
            bool_or({{ column }} is not null) as prints_{{ column }},
        {%- endfor %}
        document_id

    from all_rows
    group by document_id

),

table_rows as (

    select
        all_rows.*,
        {%- for column in amounts %}
            printed_columns.prints_{{ column }},
        {%- endfor %}
        documents.table_format != '{{ var("packed_table_format") }}' as is_card

    from all_rows
    inner join printed_columns on all_rows.document_id = printed_columns.document_id
    inner join documents on all_rows.document_id = documents.document_id
    where coalesce(all_rows.{{ amounts | join(', all_rows.') }}) is not null

),

amount_cells as (

    unpivot (
        select
            {%- for column in amounts %}
                case when prints_{{ column }} then coalesce({{ column }}, 0) end as {{ column }},
            {%- endfor %}
            document_id,
            row_number,
            row_kind,
            row_name,
            funding_unit_id,
            page_start,
            rounding_tolerance

        from table_rows
    )
    on {{ amounts | join(', ') }}
    into name amount_column value amount

),

row_checks as (

    select
        document_id,
        'row_total_equals_sources' as check_name,
        row_kind as subject_kind,
        row_number as table_row_number,
        page_start as page_number,
        row_name as subject_name,
        'total_amount' as amount_column,
        coalesce(total_amount, 0) as printed_amount,
        {%- for column in parts %}
            coalesce({{ column }}, 0){{ ' +' if not loop.last }}
        {%- endfor %} as sum_of_parts,
        greatest(
            {%- for column in parts %}
                coalesce({{ column }}, 0){{ ',' if not loop.last }}
            {%- endfor %}
        ) as largest_part,
        is_card,
        {%- for column in parts %}
            cast(prints_{{ column }} as integer){{ ' +' if not loop.last }}
        {%- endfor %} as addend_count,
        0 as tolerance

    from table_rows
    where prints_total_amount and (prints_{{ parts | join(' or prints_') }})

),

unit_checks as (

    {{ parent_equals_sum_of_children(
        'unit_equals_sum_of_projects', 'funding_unit', 'project', 'funding_unit_id', '0'
    ) }}

),

document_checks as (

    {{ parent_equals_sum_of_children(
        'total_equals_sum_of_units', 'total', 'funding_unit', 'document_id',
        'coalesce(sum(children.rounding_tolerance), 0)'
    ) }}

),

checks as (

    select * from row_checks
    union all by name
    select * from unit_checks
    union all by name
    select * from document_checks

),

final as (

    select
        document_id || '-' || check_name || {{ id_part('-r', 'table_row_number', 3) }} || '-' || amount_column
            as check_id,
        document_id,
        check_name,
        subject_kind,
        table_row_number,
        page_number,
        subject_name,
        amount_column,
        cast(printed_amount as {{ amount_type() }}) as printed_amount,
        cast(sum_of_parts as {{ amount_type() }}) as sum_of_parts,
        cast(printed_amount - sum_of_parts as {{ amount_type() }}) as difference,
        addend_count,
        cast(tolerance as decimal(20, 10)) as tolerance,
        abs(printed_amount - sum_of_parts) <= tolerance as is_within_tolerance,
        cast(largest_part as {{ amount_type() }}) as largest_part,
        coalesce(largest_part > printed_amount and is_card, false) as is_part_above_total

    from checks

)

select * from final
