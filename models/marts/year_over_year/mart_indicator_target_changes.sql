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

-- the prior year's indicators under the id of the project they were matched to, so that every join below is
-- keyed by project: joined by code and name alone, indicators printed alike in every book would multiply
-- (materialized: DuckDB would otherwise reorder the joins and pair every book's indicators first)
prior_indicators as materialized (

    select
        matches.project_id as matched_project_id,
        indicators.*

    from matches
    inner join indicators on matches.prior_project_id = indicators.project_id

),

paired as (

    select
        this_indicator.indicator_id,
        prior_indicator.indicator_id as prior_indicator_id,
        this_indicator.project_id,
        prior_indicator.project_id as prior_project_id,
        this_indicator.fiscal_year,
        prior_indicator.fiscal_year as prior_fiscal_year,
        this_indicator.level2_code,
        this_indicator.level2_name,
        this_indicator.indicator_name,
        prior_indicator.period_target as prior_period_target,
        this_indicator.period_target,
        prior_indicator.annual_target as prior_annual_target,
        this_indicator.annual_target,
        prior_indicator.annual_target_value as prior_annual_target_value,
        this_indicator.annual_target_value,
        this_indicator.annual_target_unit

    from indicators as this_indicator
    inner join prior_indicators as prior_indicator
        on
            this_indicator.project_id = prior_indicator.matched_project_id
            and this_indicator.level2_code = prior_indicator.level2_code
            and this_indicator.indicator_name = prior_indicator.indicator_name
            and this_indicator.name_occurrence = prior_indicator.name_occurrence

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
    where
        paired.period_target is distinct from paired.prior_period_target
        or paired.annual_target is distinct from paired.prior_annual_target

)

select * from final
