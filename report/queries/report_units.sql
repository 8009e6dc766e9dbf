-- Report: the budget of a department-year by funding unit (资金使用单位), largest first.
select
    unit_name,
    total_amount,
    fiscal_appropriation,
    special_account_funds,
    other_funds,
    project_count
from marts.dim_funding_unit
where fiscal_year = $fiscal_year
    and department_name = $department_name
order by total_amount desc nulls last, unit_seq
