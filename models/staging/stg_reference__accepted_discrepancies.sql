with

source as (

    select * from {{ ref('accepted_discrepancies') }}

),

renamed as (

    select
        trim(document_id) as document_id,
        trim(check_name) as check_name,
        reason as accepted_reason

    from source

)

select * from renamed
