-- The fiscal years published for each department, each with the department's previous and next loaded year.

with

projects as (

    select * from {{ ref('int_projects') }}
    where document_id in (select document_id from {{ ref('int_documents_published') }})

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
