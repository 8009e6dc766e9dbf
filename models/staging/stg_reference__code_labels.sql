with

source as (

    select * from {{ ref('code_labels') }}

),

renamed as (

    select
        code_set,
        code,
        label_zh

    from source

)

select * from renamed
