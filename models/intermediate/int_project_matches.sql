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


--
-- Cost: the methods by name are joins on the name, and only the projects left unmatched by name are paired with
-- every project of their unit's next year for the similarity; a unit printing the same projects every year costs
-- one row per project, not one per pair of its projects.

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

-- a project, and its unit in the year its successor would be printed in (the department's next loaded year)
prior_projects as (

    select
        projects.*,
        year_pairs.fiscal_year as next_fiscal_year,
        row(projects.canonical_department_name, year_pairs.fiscal_year, projects.comparable_unit_name)
            as successor_unit_year

    from projects
    inner join year_pairs
        on
            projects.canonical_department_name = year_pairs.canonical_department_name
            and projects.fiscal_year = year_pairs.prior_fiscal_year

),

next_projects as (

    select
        *,
        row(canonical_department_name, fiscal_year, comparable_unit_name) as unit_year

    from projects

),

curated as (

    select
        prior_projects.project_id as prior_project_id,
        next_projects.project_id,
        'curated' as match_method

    from prior_projects
    inner join mapping
        on
            prior_projects.department_name = mapping.department_name
            and prior_projects.unit_name = mapping.unit_name
            and prior_projects.fiscal_year = mapping.fiscal_year
            and prior_projects.project_name = mapping.project_name
            and prior_projects.name_occurrence = mapping.project_occurrence
            and prior_projects.next_fiscal_year = mapping.next_fiscal_year
    inner join next_projects
        on
            prior_projects.successor_unit_year = next_projects.unit_year
            and mapping.next_project_name = next_projects.project_name
            and mapping.next_project_occurrence = next_projects.name_occurrence

),

exact_name as (

    {{ match_projects_by('exact_name', 'project_name', 'name_occurrence', 'curated') }}

),

matched_by_name as (

    select * from curated
    union all
    select * from exact_name

),

normalized_name as (

    {{ match_projects_by('normalized_name', 'normalized_name', 'normalized_occurrence', 'matched_by_name') }}

),

matched_before_similarity as (

    select * from matched_by_name
    union all
    select * from normalized_name

),

-- the candidates for the similarity: the projects of a unit left unmatched by name, each with every unmatched
-- project of the unit's next year
similarity_candidates as (

    select
        prior_projects.project_id as prior_project_id,
        next_projects.project_id

    from prior_projects
    inner join next_projects on prior_projects.successor_unit_year = next_projects.unit_year
    where
        prior_projects.project_id not in (select prior_project_id from matched_before_similarity)
        and next_projects.project_id not in (select project_id from matched_before_similarity)

),

pairs_to_score as (

    select
        prior_project_id,
        project_id,
        match_method
    from matched_before_similarity

    union all

    select
        prior_project_id,
        project_id,
        null as match_method
    from similarity_candidates

),

scored as (

    select
        pairs_to_score.prior_project_id,
        pairs_to_score.project_id,
        pairs_to_score.match_method,
        {{ var('project_match_name_weight') }}
        * jaro_winkler_similarity(prior_project.project_name, next_project.project_name)
        + {{ var('project_match_goal_weight') }}
        * coalesce(jaccard(nullif(prior_project.goal_text, ''), nullif(next_project.goal_text, '')), 0)
        + {{ var('project_match_indicator_weight') }}
        * coalesce(jaccard(nullif(prior_project.indicator_names, ''), nullif(next_project.indicator_names, '')), 0)
            as similarity

    from pairs_to_score
    inner join projects as prior_project on pairs_to_score.prior_project_id = prior_project.project_id
    inner join projects as next_project on pairs_to_score.project_id = next_project.project_id

),

similar_candidates as (

    select
        prior_project_id,
        project_id,
        similarity,
        row_number() over (partition by prior_project_id order by similarity desc, project_id asc) as rank_for_prior,
        row_number() over (partition by project_id order by similarity desc, prior_project_id asc) as rank_for_next

    from scored
    where match_method is null and similarity >= {{ var('project_match_threshold') }}

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

    select
        prior_project_id,
        project_id,
        match_method,
        similarity
    from scored
    where match_method is not null

    union all

    select * from similar_names

)

select
    prior_project_id,
    project_id,
    match_method,
    cast(similarity as decimal(5, 4)) as similarity

from final
