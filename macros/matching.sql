{#- One step of cross-year matching by name (int_project_matches): a project of a unit's year and one of the unit's
    next year whose `name_column` and its occurrence (`occurrence_column`) agree, among the projects no earlier step
    (`matched`, a CTE of prior_project_id, project_id) has paired. -#}
{% macro match_projects_by(method, name_column, occurrence_column, matched) -%}
    select
        prior_projects.project_id as prior_project_id,
        next_projects.project_id,
        '{{ method }}' as match_method

    from prior_projects
    inner join next_projects
        on
            prior_projects.successor_unit_year = next_projects.unit_year
            and prior_projects.{{ name_column }} = next_projects.{{ name_column }}
            and prior_projects.{{ occurrence_column }} = next_projects.{{ occurrence_column }}
    where
        prior_projects.project_id not in (select prior_project_id from {{ matched }})
        and next_projects.project_id not in (select project_id from {{ matched }})
{%- endmacro %}
