-- The departments an incremental night compares again across years (macros/incremental.sql): every printed
-- department name under the canonical department (seeds/reference/department_mapping.csv) of a touched
-- document (int_documents_touched). The whole canonical department, because a year added or removed changes
-- which years are compared (int_department_years: the previous and next loaded year).

with

touched_documents as (

    select * from {{ ref('int_documents_touched') }}

),

department_years as (

    select * from {{ ref('int_department_years') }}

),

mapping as (

    select * from {{ ref('stg_reference__department_mapping') }}

),

touched_names as (

    select distinct department_name from touched_documents
    where department_name is not null

),

touched_canonical as (

    select department_name as canonical_department_name from touched_names

    union

    select mapping.canonical_department_name
    from mapping
    inner join touched_names on mapping.department_name = touched_names.department_name

    union

    select department_years.canonical_department_name
    from department_years
    inner join touched_names on department_years.department_name = touched_names.department_name

),

final as (

    select department_name from touched_names

    union

    select mapping.department_name
    from mapping
    inner join touched_canonical on mapping.canonical_department_name = touched_canonical.canonical_department_name

    union

    select department_years.department_name
    from department_years
    inner join touched_canonical
        on department_years.canonical_department_name = touched_canonical.canonical_department_name

)

select * from final
