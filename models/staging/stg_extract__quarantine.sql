with

source as (

    select * from {{ ref('raw_quarantine') }}

),

renamed as (

    select
        source_file,
        reason,
        cast(nullif(trim(page), '') as integer) as page_number

    from source

)

select * from renamed
