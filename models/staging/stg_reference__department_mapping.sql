with

source as (

    select * from {{ ref('department_mapping') }}

),

renamed as (

    select
        department_name,
        canonical_department_name,
        cast(nullif(valid_from_year, '') as integer) as valid_from_year,
        reason as mapping_reason

    from source

)

select * from renamed
