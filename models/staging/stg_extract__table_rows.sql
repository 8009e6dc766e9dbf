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

        -- amounts are printed in 万元 with thousands separators; an empty cell is NULL
        cast(nullif(replace(trim(total_amount), ',', ''), '') as decimal(18, 2)) as total_amount,
        cast(nullif(replace(trim(fiscal_appropriation), ',', ''), '') as decimal(18, 2)) as fiscal_appropriation,
        cast(nullif(replace(trim(special_account_funds), ',', ''), '') as decimal(18, 2)) as special_account_funds,
        cast(nullif(replace(trim(other_funds), ',', ''), '') as decimal(18, 2)) as other_funds,

        nullif(trim(goal_text), '') as goal_text,
        nullif(trim(indicator_text), '') as indicator_text,
        cast(page_start as integer) as page_start,
        cast(page_end as integer) as page_end

    from source

)

select * from renamed
