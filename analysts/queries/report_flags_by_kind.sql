-- Report: target quality problems of a department-year, counted by kind (flag_code).
select
    documents.fiscal_year,
    documents.department_name,
    flags.flag_code,
    flags.flag_description_zh,
    count(*) as flag_count
from marts.fct_indicator_quality_flag as flags
inner join marts.dim_document as documents on flags.document_id = documents.document_id
where documents.is_current_edition
    and ($fiscal_year is null or documents.fiscal_year = $fiscal_year)
    and ($department_name is null or documents.department_name = $department_name)
group by documents.fiscal_year, documents.department_name, flags.flag_code, flags.flag_description_zh
order by documents.fiscal_year, documents.department_name, flag_count desc, flags.flag_code
