-- One row per project per fiscal year, compared with its match in the department's previous loaded
-- year, plus one row for each project that ended, in the year it is missing. The department is followed
-- through renames and merges (canonical_department_name); the printed names are kept.

with

projects as (

    select * from {{ ref('int_projects_comparable') }}

),

matches as (

    select * from {{ ref('int_project_matches') }}

),

department_years as (

    select * from {{ ref('int_department_years') }}

),

printed_department as (

    -- the department's printed name in a year, for the rows of projects that ended (merged offices: the first)
    select
        canonical_department_name,
        fiscal_year,
        min(department_name) as department_name
    from department_years
    group by canonical_department_name, fiscal_year

),

continuing as (

    select
        projects.project_id,
        prior_project.project_id as prior_project_id,
        projects.fiscal_year,
        department_years.prior_fiscal_year,
        projects.department_name,
        prior_project.department_name as prior_department_name,
        projects.canonical_department_name,
        projects.unit_name,
        projects.project_name,
        prior_project.project_name as prior_project_name,
        projects.total_amount,
        prior_project.total_amount as prior_total_amount,
        matches.match_method,
        matches.similarity as match_similarity

    from projects
    inner join department_years
        on
            projects.department_name = department_years.department_name
            and projects.fiscal_year = department_years.fiscal_year
    left join matches on projects.project_id = matches.project_id
    left join projects as prior_project on matches.prior_project_id = prior_project.project_id

),

discontinued as (

    select
        cast(null as varchar) as project_id,
        prior_project.project_id as prior_project_id,
        department_years.next_fiscal_year as fiscal_year,
        prior_project.fiscal_year as prior_fiscal_year,
        printed_department.department_name,
        prior_project.department_name as prior_department_name,
        prior_project.canonical_department_name,
        prior_project.unit_name,
        cast(null as varchar) as project_name,
        prior_project.project_name as prior_project_name,
        cast(null as decimal(20, 6)) as total_amount,
        prior_project.total_amount as prior_total_amount,
        cast(null as varchar) as match_method,
        cast(null as decimal(5, 4)) as match_similarity

    from projects as prior_project
    inner join department_years
        on
            prior_project.department_name = department_years.department_name
            and prior_project.fiscal_year = department_years.fiscal_year
    inner join printed_department
        on
            prior_project.canonical_department_name = printed_department.canonical_department_name
            and department_years.next_fiscal_year = printed_department.fiscal_year
    where prior_project.project_id not in (select prior_project_id from matches)

),

unioned as (

    select * from continuing
    union all by name
    select * from discontinued

),

with_status as (

    select
        *,
        -- the one definition of the status; mart_department_year_summary counts it
        case
            when prior_fiscal_year is null then null
            when prior_project_id is null then 'new'
            when project_id is null then 'discontinued'
            when total_amount = prior_total_amount then 'unchanged'
            else 'changed'
        end as change_status

    from unioned

),

final as (

    select
        coalesce(project_id, prior_project_id || '-discontinued-' || cast(fiscal_year as varchar)) as yoy_id,
        project_id,
        prior_project_id,
        fiscal_year,
        prior_fiscal_year,
        department_name,
        prior_department_name,
        canonical_department_name,
        unit_name,
        project_name,
        prior_project_name,
        cast(total_amount as decimal(20, 6)) as total_amount,
        cast(prior_total_amount as decimal(20, 6)) as prior_total_amount,
        cast(
            case
                when change_status is not null
                    then coalesce(total_amount, 0) - coalesce(prior_total_amount, 0)
            end
            as decimal(21, 6)
        ) as change_amount,
        case when change_status is not null then {{ percent_change('total_amount', 'prior_total_amount') }} end
            as change_pct,
        change_status,
        case
            when change_status is null then null
            else coalesce(project_name != prior_project_name, false)
        end as is_renamed,
        match_method,
        match_similarity

    from with_status

)

select * from final
