-- Projects of published documents (int_documents_published) with what cross-year matching compares: the
-- canonical department (a renamed or merged department follows seeds/reference/department_mapping.csv), the
-- funding unit under that department's canonical name, the name's occurrence within the unit (names repeat), a
-- normalised name, and the goal and indicator names as evidence.

with

projects as (

    select * from {{ ref('int_projects') }}
    where
        document_id in (select document_id from {{ ref('int_documents_published') }})
    {{ where_touched_departments(keyword='and') }}

),

indicators as (

    select * from {{ ref('int_indicators') }}

),

department_years as (

    select * from {{ ref('int_department_years') }}

),

indicator_names as (

    select
        project_id,
        string_agg(indicator_name, '；' order by indicator_seq) as indicator_names

    from indicators
    group by project_id

),

named as (

    select
        projects.project_id,
        projects.department_name,
        department_years.canonical_department_name,
        projects.fiscal_year,
        projects.unit_name,
        -- a unit named after its department (the 办事处 itself) is renamed with it
        replace(projects.unit_name, projects.department_name, department_years.canonical_department_name)
            as comparable_unit_name,
        projects.document_id,
        projects.project_seq,
        projects.project_name,
        -- normalised: full-width brackets as ASCII, a trailing bracket (a region such as (荔湾区)) dropped,
        -- then the funding word at the end (经费/资金/补助经费/工作经费/专项经费) dropped
        regexp_replace(
            regexp_replace(
                regexp_replace(translate(projects.project_name, '（）　', '() '), '\s+', '', 'g'),
                '\([^()]*\)$', ''
            ),
            '(补助经费|补助资金|工作经费|专项经费|专项资金|经费|资金)$', ''
        ) as normalized_name,
        projects.total_amount,
        projects.goal_text,
        indicator_names.indicator_names

    from projects
    inner join department_years
        on
            projects.department_name = department_years.department_name
            and projects.fiscal_year = department_years.fiscal_year
    left join indicator_names on projects.project_id = indicator_names.project_id

),

final as (

    select
        *,
        row_number() over (
            partition by canonical_department_name, fiscal_year, comparable_unit_name, project_name
            order by document_id, project_seq
        ) as name_occurrence,
        row_number() over (
            partition by canonical_department_name, fiscal_year, comparable_unit_name, normalized_name
            order by document_id, project_seq
        ) as normalized_occurrence

    from named

)

select * from final
