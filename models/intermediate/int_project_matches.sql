-- Each project matched to its successor in the department's next available fiscal year, within the same
-- funding unit, one-to-one. The department and unit are compared under their canonical names
-- (int_department_years, seeds/reference/department_mapping.csv), so a renamed or merged department is
-- followed. Methods, in order (a project matched by one is not offered to the next):
--   curated          seeds/reference/project_mapping.csv says so (its department and unit: the earlier
--                    project's, as printed)
--   exact_name       same name and same occurrence of that name within the unit (names repeat)
--   normalized_name  same name once brackets, a trailing (荔湾区) and the funding word (经费/资金/补助经费…)
--                    are dropped, and same occurrence of it
--   similarity       score = name_weight × Jaro-Winkler of the names + goal_weight × Jaccard of the goals
--                    + indicator_weight × Jaccard of the indicator names (vars project_match_*_weight:
--                    0.5, 0.25, 0.25), at least var project_match_threshold (0.7), and each is the other's
--                    best remaining candidate; a goal or indicator list not printed on either side adds 0
--                    (DuckDB's jaccard refuses an empty string)

with

projects as (

    select * from {{ ref('int_projects_comparable') }}
    {{ where_touched_departments() }}

),

mapping as (

    select * from {{ ref('stg_reference__project_mapping') }}

),

department_years as (

    select * from {{ ref('int_department_years') }}

),

year_pairs as (

    select distinct
        canonical_department_name,
        fiscal_year as prior_fiscal_year,
        next_fiscal_year as fiscal_year

    from department_years
    where next_fiscal_year is not null

),

candidates as (

    select
        prior_project.project_id as prior_project_id,
        next_project.project_id,
        prior_project.department_name as prior_department_name,
        prior_project.unit_name as prior_unit_name,
        year_pairs.prior_fiscal_year,
        year_pairs.fiscal_year,
        prior_project.project_name as prior_project_name,
        next_project.project_name,
        prior_project.name_occurrence as prior_name_occurrence,
        next_project.name_occurrence,
        prior_project.normalized_name as prior_normalized_name,
        next_project.normalized_name,
        prior_project.normalized_occurrence as prior_normalized_occurrence,
        next_project.normalized_occurrence,
        {{ var('project_match_name_weight') }}
        * jaro_winkler_similarity(prior_project.project_name, next_project.project_name)
        + {{ var('project_match_goal_weight') }}
        * coalesce(jaccard(nullif(prior_project.goal_text, ''), nullif(next_project.goal_text, '')), 0)
        + {{ var('project_match_indicator_weight') }}
        * coalesce(jaccard(nullif(prior_project.indicator_names, ''), nullif(next_project.indicator_names, '')), 0)
            as similarity

    from year_pairs
    inner join projects as prior_project
        on
            year_pairs.canonical_department_name = prior_project.canonical_department_name
            and year_pairs.prior_fiscal_year = prior_project.fiscal_year
    inner join projects as next_project
        on
            year_pairs.canonical_department_name = next_project.canonical_department_name
            and year_pairs.fiscal_year = next_project.fiscal_year
            and prior_project.comparable_unit_name = next_project.comparable_unit_name

),

curated as (

    select
        candidates.prior_project_id,
        candidates.project_id,
        'curated' as match_method,
        candidates.similarity
    from candidates
    inner join mapping
        on
            candidates.prior_department_name = mapping.department_name
            and candidates.prior_unit_name = mapping.unit_name
            and candidates.prior_fiscal_year = mapping.fiscal_year
            and candidates.prior_project_name = mapping.project_name
            and candidates.prior_name_occurrence = mapping.project_occurrence
            and candidates.fiscal_year = mapping.next_fiscal_year
            and candidates.project_name = mapping.next_project_name
            and candidates.name_occurrence = mapping.next_project_occurrence

),

exact_name as (

    select
        prior_project_id,
        project_id,
        'exact_name' as match_method,
        similarity
    from candidates
    where
        prior_project_name = project_name
        and prior_name_occurrence = name_occurrence
        and prior_project_id not in (select prior_project_id from curated)
        and project_id not in (select project_id from curated)

),

matched_by_name as (

    select * from curated
    union all
    select * from exact_name

),

normalized_name as (

    select
        prior_project_id,
        project_id,
        'normalized_name' as match_method,
        similarity
    from candidates
    where
        prior_normalized_name = normalized_name
        and prior_normalized_occurrence = normalized_occurrence
        and prior_project_id not in (select prior_project_id from matched_by_name)
        and project_id not in (select project_id from matched_by_name)

),

matched_before_similarity as (

    select * from matched_by_name
    union all
    select * from normalized_name

),

similar_candidates as (

    select
        prior_project_id,
        project_id,
        similarity,
        row_number() over (partition by prior_project_id order by similarity desc, project_id asc) as rank_for_prior,
        row_number() over (partition by project_id order by similarity desc, prior_project_id asc) as rank_for_next

    from candidates
    where
        similarity >= {{ var('project_match_threshold') }}
        and prior_project_id not in (select prior_project_id from matched_before_similarity)
        and project_id not in (select project_id from matched_before_similarity)

),

similar_names as (

    select
        prior_project_id,
        project_id,
        'similarity' as match_method,
        similarity
    from similar_candidates
    where rank_for_prior = 1 and rank_for_next = 1

),

final as (

    select * from matched_before_similarity
    union all
    select * from similar_names

)

select
    prior_project_id,
    project_id,
    match_method,
    cast(similarity as decimal(5, 4)) as similarity

from final
