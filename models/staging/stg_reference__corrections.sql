with

source as (

    select * from {{ ref('corrections') }}

),

renamed as (

    select
        trim(document_id) as document_id,
        cast(row_number as integer) as row_number,
        trim(column_name) as column_name,
        coalesce(corrected_value, '') as corrected_value,
        reason as correction_reason

    from source

)

select * from renamed
