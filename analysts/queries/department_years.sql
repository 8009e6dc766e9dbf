-- Every department-year with a current edition in the warehouse: one workbook and one report page each.
select distinct
    department_name,
    fiscal_year
from marts.dim_document
where is_current_edition
order by fiscal_year, department_name
