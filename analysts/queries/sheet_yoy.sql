-- Excel sheet 同比: each project compared with the department's prior loaded year (only where one exists), what
-- changed most first; 是否更名 shows a project matched under another name.
select *
from marts_zh.同比
where ($fiscal_year is null or 财年 = $fiscal_year)
    and ($department_name is null or 部门 = $department_name)
    and 上年财年 is not null
order by 部门, abs(coalesce(变动金额, 0)) desc, 变动类型, coalesce(项目编号, 上年项目编号)
