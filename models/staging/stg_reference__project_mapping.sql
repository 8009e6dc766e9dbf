with

source as (

    select * from {{ ref('project_mapping') }}

),

renamed as (

    select
        department_name,
        unit_name,
        cast(fiscal_year as integer) as fiscal_year,
        project_name,
        cast(coalesce(nullif(project_occurrence, ''), '1') as integer) as project_occurrence,
        cast(next_fiscal_year as integer) as next_fiscal_year,
        next_project_name,
        cast(coalesce(nullif(next_project_occurrence, ''), '1') as integer) as next_project_occurrence

    from source

)

select * from renamed
