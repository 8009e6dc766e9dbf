-- Every printed row of every document with the curated corrections (seeds/reference/corrections.csv) applied,
-- before any check runs, and its amounts scaled once from the printed unit to 万元 (docs/architecture.md,
-- Amount scale). The rounding tolerance of each amount is half of its last printed digit, in 万元. The period's
-- amounts and goal (printed beside the year's by the two-period forms) are carried and scaled, never corrected.

{%- set text_columns = {'name': 'row_name', 'goal_text': 'goal_text', 'indicator_text': 'indicator_text'} %}
{%- set amount_columns = var('amount_columns') %}

with

table_rows as (

    select * from {{ ref('stg_extract__table_rows') }}

),

corrections as (

    select * from {{ ref('stg_reference__corrections') }}

),

documents as (

    select * from {{ ref('int_document_editions') }}

),

row_corrections as (

    select
        document_id,
        row_number,
        {%- for column in text_columns.keys() | list + amount_columns %}
            bool_or(column_name = '{{ column }}') as is_{{ column }}_corrected,
            max(corrected_value) filter (where column_name = '{{ column }}') as corrected_{{ column }},
        {%- endfor %}
        string_agg(column_name, ';' order by column_name) as corrected_columns

    from corrections
    group by document_id, row_number

),

corrected as (

    select
        table_rows.document_id,
        table_rows.row_number,
        table_rows.row_kind,
        {%- for raw_column, column in text_columns.items() %}
            case
                when row_corrections.is_{{ raw_column }}_corrected
                    then nullif(trim(row_corrections.corrected_{{ raw_column }}), '')
                else table_rows.{{ column }}
            end as {{ column }},
        {%- endfor %}
        {%- for column in amount_columns %}
            case
                when row_corrections.is_{{ column }}_corrected
                    then {{ printed_amount('row_corrections.corrected_' ~ column) }}
                else table_rows.{{ column }}
            end as printed_{{ column }},
        {%- endfor %}
        {%- for column in var('period_amount_columns') %}
            table_rows.{{ column }} as printed_{{ column }},
        {%- endfor %}
        table_rows.period_goal_text,
        coalesce(table_rows.amount_decimals, 2) as amount_decimals,
        table_rows.page_start,
        table_rows.page_end,
        table_rows.text_source,
        table_rows.ocr_confidence,
        table_rows.ocr_cell_confidences,
        row_corrections.corrected_columns,
        row_corrections.document_id is not null as is_corrected

    from table_rows
    left join row_corrections
        on
            table_rows.document_id = row_corrections.document_id
            and table_rows.row_number = row_corrections.row_number

),

final as (

    select
        corrected.*,
        documents.amount_unit,
        documents.to_wan_yuan,
        {%- for column in amount_columns + var('period_amount_columns') %}
            {{ to_wan_yuan('corrected.printed_' ~ column, 'documents.to_wan_yuan') }} as {{ column }},
        {%- endfor %}
        cast(
            cast('0.' || repeat('0', corrected.amount_decimals) || '5' as decimal(20, 10)) * documents.to_wan_yuan
            as decimal(20, 10)
        ) as rounding_tolerance

    from corrected
    inner join documents on corrected.document_id = documents.document_id

)

select * from final
