with

source as (

    select * from {{ ref('indicator_category_synonyms') }}

),

renamed as (

    select
        trim(printed_name) as printed_name,
        level1_code,
        nullif(trim(level2_code), '') as level2_code,
        note

    from source

)

select * from renamed
