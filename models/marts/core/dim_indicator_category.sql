with

categories as (

    select * from {{ ref('stg_reference__indicator_categories') }}

)

select * from categories
