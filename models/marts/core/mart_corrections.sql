-- Every curated correction (seeds/reference/corrections.csv) beside the value the book prints, so that no
-- corrected value is silent.

with

corrections as (

    select * from {{ ref('stg_reference__corrections') }}

),

table_rows as (

    select * from {{ ref('stg_extract__table_rows') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

final as (

    select
        corrections.document_id || {{ id_part('-r', 'corrections.row_number', 3) }} || '-' || corrections.column_name
            as correction_id,
        corrections.document_id,
        documents.source_file,
        documents.fiscal_year,
        corrections.row_number as table_row_number,
        table_rows.row_kind,
        table_rows.row_name,
        table_rows.page_start as page_number,
        corrections.column_name,
        case corrections.column_name
            when 'name' then table_rows.row_name
            when 'goal_text' then table_rows.goal_text
            when 'indicator_text' then table_rows.indicator_text
            {%- for column in var('amount_columns') %}
                when '{{ column }}' then {{ amount_text('table_rows.' ~ column) }}
            {%- endfor %}
        end as printed_value,
        corrections.corrected_value,
        corrections.correction_reason

    from corrections
    inner join documents on corrections.document_id = documents.document_id
    left join table_rows
        on
            corrections.document_id = table_rows.document_id
            and corrections.row_number = table_rows.row_number

)

select * from final
