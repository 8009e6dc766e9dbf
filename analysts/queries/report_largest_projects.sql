-- Report: the ten largest projects of a department-year.
select
    fiscal_year,
    department_name,
    project_name,
    unit_name,
    total_amount,
    indicator_count
from marts.fct_project_budget
where ($fiscal_year is null or fiscal_year = $fiscal_year)
    and ($department_name is null or department_name = $department_name)
qualify row_number() over (
    partition by fiscal_year, department_name order by total_amount desc nulls last, project_id
) <= 10
order by fiscal_year, department_name, total_amount desc nulls last, project_id
