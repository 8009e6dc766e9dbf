with

projects as (

    select * from {{ ref('int_projects') }}

),

funding_units as (

    select * from {{ ref('int_funding_units') }}

),

documents as (

    select * from {{ ref('stg_extract__documents') }}

),

indicator_counts as (

    select
        project_id,
        count(*) as indicator_count

    from {{ ref('int_indicators_split') }}
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.document_id,
        projects.funding_unit_id,
        documents.fiscal_year,
        documents.department_name,
        funding_units.unit_name,
        projects.project_seq,
        projects.project_name,
        projects.total_amount,
        projects.fiscal_appropriation,
        projects.special_account_funds,
        projects.other_funds,
        projects.goal_text,
        coalesce(indicator_counts.indicator_count, 0) as indicator_count,
        projects.indicator_text,
        projects.source_page,
        projects.page_end as source_page_end

    from projects
    inner join funding_units on projects.funding_unit_id = funding_units.funding_unit_id
    inner join documents on projects.document_id = documents.document_id
    left join indicator_counts on projects.project_id = indicator_counts.project_id

)

select * from final
