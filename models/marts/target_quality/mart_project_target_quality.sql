-- Per project: how measurable its targets are (量化易评) and how many quality flags it carries.

with

projects as (

    select * from {{ ref('fct_project_budget') }}

),

indicators as (

    select * from {{ ref('fct_performance_indicator') }}

),

flags as (

    select * from {{ ref('fct_indicator_quality_flag') }}

),

target_counts as (

    select
        project_id,
        count(*) as indicator_count,
        -- only printed targets count: a card printing one value per indicator has one target per indicator
        count(period_target) + count(annual_target) as target_count,
        count(*) filter (where period_target_kind != 'qualitative')
        + count(*) filter (where annual_target_kind != 'qualitative') as quantified_target_count

    from indicators
    group by project_id

),

flag_counts as (

    select
        project_id,
        count(*) filter (where flag_scope = 'indicator') as indicator_flag_count,
        count(*) filter (where flag_scope = 'project') as project_flag_count,
        list(distinct flag_code order by flag_code) as flag_codes

    from flags
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.document_id,
        projects.fiscal_year,
        projects.department_name,
        projects.unit_name,
        projects.project_name,
        projects.total_amount,
        coalesce(target_counts.indicator_count, 0) as indicator_count,
        coalesce(target_counts.target_count, 0) as target_count,
        coalesce(target_counts.quantified_target_count, 0) as quantified_target_count,
        cast(target_counts.quantified_target_count / nullif(target_counts.target_count, 0) as decimal(5, 4))
            as quantified_target_share,
        coalesce(flag_counts.indicator_flag_count, 0) as indicator_flag_count,
        coalesce(flag_counts.project_flag_count, 0) as project_flag_count,
        coalesce(flag_counts.indicator_flag_count, 0) + coalesce(flag_counts.project_flag_count, 0) as flag_count,
        coalesce(flag_counts.flag_codes, []) as flag_codes

    from projects
    left join target_counts on projects.project_id = target_counts.project_id
    left join flag_counts on projects.project_id = flag_counts.project_id

)

select * from final
