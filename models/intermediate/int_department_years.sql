-- The fiscal years loaded for each department, each with the department's previous and next loaded year.

with

projects as (

    select * from {{ ref('int_projects') }}

),

department_years as (

    select distinct department_name, fiscal_year from projects

),

final as (

    select
        department_name,
        fiscal_year,
        lag(fiscal_year) over (partition by department_name order by fiscal_year) as prior_fiscal_year,
        lead(fiscal_year) over (partition by department_name order by fiscal_year) as next_fiscal_year

    from department_years

)

select * from final
