-- Report: the projects new, discontinued or changed in amount since the department's prior loaded year.
select
    yoy.fiscal_year,
    yoy.department_name,
    yoy.change_status,
    labels.label_zh as change_status_label,
    yoy.unit_name,
    coalesce(yoy.project_name, yoy.prior_project_name) as project_name,
    yoy.prior_total_amount,
    yoy.total_amount,
    yoy.change_amount
from marts.mart_project_yoy as yoy
left join marts.dim_code_label as labels
    on labels.code_set = 'change_status' and yoy.change_status = labels.code
where ($fiscal_year is null or yoy.fiscal_year = $fiscal_year)
    and ($department_name is null or yoy.department_name = $department_name)
    and yoy.change_status in ('new', 'discontinued', 'changed')
order by
    yoy.fiscal_year,
    yoy.department_name,
    abs(yoy.change_amount) desc,
    yoy.change_status,
    coalesce(yoy.project_id, yoy.prior_project_id)
