with

source as (

    select * from {{ ref('indicator_categories') }}

),

renamed as (

    select
        level2_code,
        level2_name,
        level2_name_en,
        level1_code,
        level1_name,
        level1_name_en

    from source

)

select * from renamed
