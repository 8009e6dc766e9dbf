-- Excel sheet 指标: the performance indicators with their typed annual targets.
select *
from marts_zh.指标
where ($fiscal_year is null or 财年 = $fiscal_year)
    and ($department_name is null or 部门 = $department_name)
order by 部门, 指标编号
