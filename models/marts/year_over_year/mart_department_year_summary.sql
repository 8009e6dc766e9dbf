-- Per department and fiscal year: totals, project counts and how the projects moved from the prior year.

with

yoy as (

    select * from {{ ref('mart_project_yoy') }}

),

final as (

    select
        department_name,
        fiscal_year,
        any_value(prior_fiscal_year) as prior_fiscal_year,
        cast(sum(total_amount) as {{ amount_type() }}) as total_amount,
        cast(sum(prior_total_amount) filter (where prior_fiscal_year is not null) as {{ amount_type() }})
            as prior_total_amount,
        count(project_id) as project_count,
        count(*) filter (where change_status = 'new') as new_project_count,
        count(*) filter (where change_status = 'discontinued') as discontinued_project_count,
        count(*) filter (where change_status = 'changed') as changed_project_count,
        count(*) filter (where change_status = 'unchanged') as unchanged_project_count

    from yoy
    group by department_name, fiscal_year

)

select * from final
