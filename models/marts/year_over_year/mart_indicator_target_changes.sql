-- For projects matched across years: indicators (matched by level-2 code and name, in printed order when
-- a project repeats one) whose targets changed.

with

matches as (

    select * from {{ ref('int_project_matches') }}

),

indicators as (

    select
        *,
        row_number() over (partition by project_id, level2_code, indicator_name order by indicator_seq)
            as name_occurrence

    from {{ ref('fct_performance_indicator') }}

),

projects as (

    select * from {{ ref('int_projects_comparable') }}

),

paired as (

    select
        current.indicator_id,
        prior.indicator_id as prior_indicator_id,
        current.project_id,
        prior.project_id as prior_project_id,
        current.fiscal_year,
        prior.fiscal_year as prior_fiscal_year,
        current.level2_code,
        current.level2_name,
        current.indicator_name,
        prior.period_target as prior_period_target,
        current.period_target,
        prior.annual_target as prior_annual_target,
        current.annual_target,
        prior.annual_target_value as prior_annual_target_value,
        current.annual_target_value,
        current.annual_target_unit

    from matches
    inner join indicators as current on matches.project_id = current.project_id
    inner join indicators as prior
        on matches.prior_project_id = prior.project_id
        and current.level2_code = prior.level2_code
        and current.indicator_name = prior.indicator_name
        and current.name_occurrence = prior.name_occurrence

),

final as (

    select
        paired.indicator_id,
        paired.prior_indicator_id,
        paired.project_id,
        paired.prior_project_id,
        paired.fiscal_year,
        paired.prior_fiscal_year,
        projects.department_name,
        projects.unit_name,
        projects.project_name,
        paired.level2_code,
        paired.level2_name,
        paired.indicator_name,
        paired.prior_period_target,
        paired.period_target,
        paired.prior_annual_target,
        paired.annual_target,
        paired.prior_annual_target_value,
        paired.annual_target_value,
        paired.annual_target_unit

    from paired
    inner join projects on paired.project_id = projects.project_id
    where paired.period_target is distinct from paired.prior_period_target
        or paired.annual_target is distinct from paired.prior_annual_target

)

select * from final
