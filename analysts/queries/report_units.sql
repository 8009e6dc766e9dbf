-- Report: the budget of a department-year by funding unit (资金使用单位), largest first.
-- Like every report query it begins with the department-year a row belongs to, and NULL parameters mean all.
select
    fiscal_year,
    department_name,
    unit_name,
    total_amount,
    fiscal_appropriation,
    special_account_funds,
    other_funds,
    project_count
from marts.dim_funding_unit
where ($fiscal_year is null or fiscal_year = $fiscal_year)
    and ($department_name is null or department_name = $department_name)
order by fiscal_year, department_name, total_amount desc nulls last, unit_seq
