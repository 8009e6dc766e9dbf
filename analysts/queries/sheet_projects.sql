-- Excel sheet 项目: the projects of a department-year ($department_name NULL: all departments), with amounts.
select *
from marts_zh.项目
where ($fiscal_year is null or 财年 = $fiscal_year)
    and ($department_name is null or 部门 = $department_name)
order by 部门, 单位编号, 项目序号
