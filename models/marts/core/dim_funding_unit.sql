with

funding_units as (

    select * from {{ ref('int_funding_units') }}

),

published as (

    select * from {{ ref('int_documents_published') }}

),

projects as (

    select * from {{ ref('int_projects') }}

),

project_counts as (

    select
        funding_unit_id,
        count(*) as project_count

    from projects
    group by funding_unit_id

),

final as (

    select
        funding_units.funding_unit_id,
        funding_units.document_id,
        funding_units.fiscal_year,
        funding_units.department_name,
        funding_units.unit_seq,
        funding_units.unit_name,
        funding_units.total_amount,
        funding_units.fiscal_appropriation,
        funding_units.special_account_funds,
        funding_units.other_funds,
        funding_units.carryover_funds,
        funding_units.own_funds,
        funding_units.is_total_printed,
        coalesce(project_counts.project_count, 0) as project_count,
        funding_units.source_page,
        funding_units.is_corrected

    from funding_units
    inner join published on funding_units.document_id = published.document_id
    left join project_counts on funding_units.funding_unit_id = project_counts.funding_unit_id

)

select * from final
