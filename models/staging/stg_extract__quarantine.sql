with

source as (

    select * from {{ ref('raw_quarantine') }}

),

renamed as (

    select
        source_file,
        reason,
        cast(nullif(trim(page), '') as integer) as page_number,
        stage,
        reason_code,
        nullif(document_id, '') as document_id,
        cast(nullif(trim(row_number), '') as integer) as row_number,
        nullif(subject, '') as subject,
        nullif(printed_value, '') as printed_value,
        nullif(computed_value, '') as computed_value,
        disposition

    from source

)

select * from renamed
