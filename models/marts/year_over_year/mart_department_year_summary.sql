-- Per department and fiscal year: totals, project counts and how the projects moved from the prior year.
-- Counts come from mart_project_yoy.change_status, so both marts say the same: in a department's first loaded
-- year there is no prior year and every count of movement is NULL (unknown), not 0.

with

yoy as (

    select * from {{ ref('mart_project_yoy') }}

),

totals as (

    select
        canonical_department_name,
        fiscal_year,
        string_agg(distinct department_name, '、' order by department_name) as department_name,
        any_value(prior_fiscal_year) as prior_fiscal_year,
        sum(total_amount) as total_amount,
        sum(prior_total_amount) as prior_total_amount,
        count(project_id) as project_count,
        count(*) filter (where change_status = 'new') as new_project_count,
        count(*) filter (where change_status = 'discontinued') as discontinued_project_count,
        count(*) filter (where change_status = 'changed') as changed_project_count,
        count(*) filter (where change_status = 'unchanged') as unchanged_project_count,
        count(*) filter (where is_renamed) as renamed_project_count

    from yoy
    group by canonical_department_name, fiscal_year

),

final as (

    select
        department_name,
        canonical_department_name,
        fiscal_year,
        prior_fiscal_year,
        cast(total_amount as {{ amount_type() }}) as total_amount,
        cast(case when prior_fiscal_year is not null then prior_total_amount end as {{ amount_type() }})
            as prior_total_amount,
        case when prior_fiscal_year is not null then {{ percent_change('total_amount', 'prior_total_amount') }} end
            as change_pct,
        project_count,
        case when prior_fiscal_year is not null then new_project_count end as new_project_count,
        case when prior_fiscal_year is not null then discontinued_project_count end as discontinued_project_count,
        case when prior_fiscal_year is not null then changed_project_count end as changed_project_count,
        case when prior_fiscal_year is not null then unchanged_project_count end as unchanged_project_count,
        case when prior_fiscal_year is not null then renamed_project_count end as renamed_project_count

    from totals

)

select * from final
