-- Report: the ten largest projects of a department-year.
select
    project_name,
    unit_name,
    total_amount,
    indicator_count
from marts.fct_project_budget
where fiscal_year = $fiscal_year
    and department_name = $department_name
order by total_amount desc nulls last, project_id
limit 10
