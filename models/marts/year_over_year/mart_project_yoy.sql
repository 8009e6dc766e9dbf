-- One row per project per fiscal year, compared with its match in the department's previous loaded
-- year, plus one row for each project that ended, in the year it is missing.

with

projects as (

    select * from {{ ref('int_projects_comparable') }}

),

matches as (

    select * from {{ ref('int_project_matches') }}

),

prior_years as (

    select * from {{ ref('int_department_years') }}

),

continuing as (

    select
        projects.project_id,
        prior.project_id as prior_project_id,
        projects.fiscal_year,
        prior_years.prior_fiscal_year,
        projects.department_name,
        projects.unit_name,
        projects.project_name,
        prior.project_name as prior_project_name,
        projects.total_amount,
        prior.total_amount as prior_total_amount,
        case
            when prior_years.prior_fiscal_year is null then null
            when prior.project_id is null then 'new'
            when projects.total_amount = prior.total_amount then 'unchanged'
            else 'changed'
        end as change_status,
        matches.match_method,
        matches.similarity as match_similarity

    from projects
    inner join prior_years
        on projects.department_name = prior_years.department_name
        and projects.fiscal_year = prior_years.fiscal_year
    left join matches on projects.project_id = matches.project_id
    left join projects as prior on matches.prior_project_id = prior.project_id

),

discontinued as (

    select
        cast(null as varchar) as project_id,
        prior.project_id as prior_project_id,
        prior_years.fiscal_year,
        prior_years.prior_fiscal_year,
        prior.department_name,
        prior.unit_name,
        cast(null as varchar) as project_name,
        prior.project_name as prior_project_name,
        cast(null as {{ amount_type() }}) as total_amount,
        prior.total_amount as prior_total_amount,
        'discontinued' as change_status,
        cast(null as varchar) as match_method,
        cast(null as decimal(5, 4)) as match_similarity

    from projects as prior
    inner join prior_years
        on prior.department_name = prior_years.department_name
        and prior.fiscal_year = prior_years.prior_fiscal_year
    where prior.project_id not in (select prior_project_id from matches)

),

unioned as (

    select * from continuing
    union all by name
    select * from discontinued

),

final as (

    select
        coalesce(project_id, prior_project_id || '-discontinued-' || cast(fiscal_year as varchar)) as yoy_id,
        project_id,
        prior_project_id,
        fiscal_year,
        prior_fiscal_year,
        department_name,
        unit_name,
        project_name,
        prior_project_name,
        total_amount,
        prior_total_amount,
        cast(
            case
                when change_status is not null
                    then coalesce(total_amount, 0) - coalesce(prior_total_amount, 0)
            end as {{ amount_type() }}
        ) as change_amount,
        cast(
            round(100.0 * (coalesce(total_amount, 0) - prior_total_amount) / nullif(prior_total_amount, 0), 2)
            as decimal(9, 2)
        ) as change_pct,
        change_status,
        match_method,
        match_similarity

    from unioned

)

select * from final
