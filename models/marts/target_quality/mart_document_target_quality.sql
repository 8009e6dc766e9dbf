-- Per document: the share of quantified targets and the flags, over all its projects.

with

projects as (

    select * from {{ ref('mart_project_target_quality') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

totals as (

    select
        document_id,
        count(*) as project_count,
        cast(sum(indicator_count) as bigint) as indicator_count,
        cast(sum(target_count) as bigint) as target_count,
        cast(sum(quantified_target_count) as bigint) as quantified_target_count,
        cast(sum(flag_count) as bigint) as flag_count,
        count(*) filter (where flag_count > 0) as flagged_project_count

    from projects
    group by document_id

),

final as (

    select
        documents.document_id,
        documents.fiscal_year,
        documents.department_name,
        totals.project_count,
        totals.indicator_count,
        totals.target_count,
        totals.quantified_target_count,
        cast(totals.quantified_target_count / nullif(totals.target_count, 0) as decimal(5, 4))
            as quantified_target_share,
        totals.flag_count,
        totals.flagged_project_count,
        cast(totals.flag_count / nullif(totals.project_count, 0) as decimal(8, 2)) as flags_per_project

    from documents
    inner join totals on documents.document_id = totals.document_id

)

select * from final
