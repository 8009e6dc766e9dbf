-- The fiscal years published for each department, compared as its canonical department (a curated rename or
-- merge, seeds/reference/department_mapping.csv), each with the canonical department's previous and next
-- loaded year. One row per printed department name and year: two merged offices share a canonical year.

with

projects as (

    select * from {{ ref('int_projects') }}
    where document_id in (select document_id from {{ ref('int_documents_published') }})

),

mapping as (

    select * from {{ ref('stg_reference__department_mapping') }}

),

printed_years as (

    select distinct
        department_name,
        fiscal_year
    from projects

),

mapped as (

    -- the mapping row that applies: the latest valid_from_year not after the book's year
    select
        printed_years.department_name,
        printed_years.fiscal_year,
        mapping.canonical_department_name,
        row_number() over (
            partition by printed_years.department_name, printed_years.fiscal_year
            order by mapping.valid_from_year desc nulls last
        ) as mapping_rank

    from printed_years
    left join mapping
        on
            printed_years.department_name = mapping.department_name
            and printed_years.fiscal_year >= coalesce(mapping.valid_from_year, printed_years.fiscal_year)

),

canonical as (

    select
        department_name,
        fiscal_year,
        coalesce(canonical_department_name, department_name) as canonical_department_name

    from mapped
    where mapping_rank = 1

),

distinct_years as (

    select distinct
        canonical_department_name,
        fiscal_year

    from canonical

),

canonical_years as (

    select
        canonical_department_name,
        fiscal_year,
        lag(fiscal_year) over (partition by canonical_department_name order by fiscal_year) as prior_fiscal_year,
        lead(fiscal_year) over (partition by canonical_department_name order by fiscal_year) as next_fiscal_year

    from distinct_years

),

final as (

    select
        canonical.department_name,
        canonical.canonical_department_name,
        canonical.fiscal_year,
        canonical_years.prior_fiscal_year,
        canonical_years.next_fiscal_year

    from canonical
    inner join canonical_years
        on
            canonical.canonical_department_name = canonical_years.canonical_department_name
            and canonical.fiscal_year = canonical_years.fiscal_year

)

select * from final
