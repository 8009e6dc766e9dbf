-- Excel sheet 质量: the target quality problems (flags), one row each.
select *
from marts_zh.质量问题
where ($fiscal_year is null or 财年 = $fiscal_year)
    and ($department_name is null or 部门 = $department_name)
order by 部门, 问题编号
