with

source as (

    select * from {{ ref('raw_row_fields') }}

),

renamed as (

    select
        document_id,
        cast(row_number as integer) as row_number,
        label as field_label,
        value as field_value

    from source

)

select * from renamed
