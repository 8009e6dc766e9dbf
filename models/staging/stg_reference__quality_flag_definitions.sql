with

source as (

    select * from {{ ref('quality_flag_definitions') }}

),

renamed as (

    select
        flag_code,
        flag_scope,
        description as flag_description,
        description_zh as flag_description_zh

    from source

)

select * from renamed
