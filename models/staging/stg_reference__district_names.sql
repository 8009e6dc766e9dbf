with

source as (

    select * from {{ ref('district_names') }}

),

renamed as (

    select
        district_name,
        full_name as district_full_name,
        city as city_name,
        province as province_name

    from source

)

select * from renamed
