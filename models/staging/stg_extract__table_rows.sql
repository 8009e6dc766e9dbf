with

source as (

    select * from {{ ref('raw_table_rows') }}

),

renamed as (

    select
        document_id,
        cast(row_number as integer) as row_number,
        row_kind,
        trim(name) as row_name,

        -- amounts in the unit the book prints (dim_document.amount_unit; scaled to 万元 in intermediate),
        -- thousands separators dropped; an empty cell is NULL
        {{ printed_amount('total_amount') }} as total_amount,
        {{ printed_amount('fiscal_appropriation') }} as fiscal_appropriation,
        {{ printed_amount('special_account_funds') }} as special_account_funds,
        {{ printed_amount('other_funds') }} as other_funds,
        {{ printed_amount('carryover_funds') }} as carryover_funds,
        {{ printed_amount('own_funds') }} as own_funds,
        -- the last printed digit, for the rounding tolerance: 2 for 3,473.60
        greatest(
            {%- for column in var('amount_columns') %}
                {{ printed_decimals(column) }}{{ ',' if not loop.last }}
            {%- endfor %}
        ) as amount_decimals,
        -- the period's amounts (中期 / 项目期), printed beside the year's by the two-period forms
        {%- for column in var('period_amount_columns') %}
            {{ printed_amount(column) }} as {{ column }},
        {%- endfor %}

        nullif(trim(goal_text), '') as goal_text,
        nullif(trim(period_goal_text), '') as period_goal_text,
        nullif(trim(indicator_text), '') as indicator_text,
        cast(page_start as integer) as page_start,
        cast(page_end as integer) as page_end,
        text_source,
        cast(nullif(ocr_confidence, '') as double) as ocr_confidence,
        -- each cell's score (the gate checks their shape); an empty one, a cell with nothing OCR'd, is NULL
        try_cast(string_split(nullif(ocr_cell_confidences, ''), ';') as double []) as ocr_cell_confidences

    from source

)

select * from renamed
