-- Report: the projects new, discontinued or changed in amount since the department's prior loaded year.
select
    fiscal_year,
    department_name,
    change_status,
    unit_name,
    coalesce(project_name, prior_project_name) as project_name,
    prior_total_amount,
    total_amount,
    change_amount
from marts.mart_project_yoy
where ($fiscal_year is null or fiscal_year = $fiscal_year)
    and ($department_name is null or department_name = $department_name)
    and change_status in ('new', 'discontinued', 'changed')
order by
    fiscal_year, department_name, abs(change_amount) desc, change_status, coalesce(project_id, prior_project_id)
