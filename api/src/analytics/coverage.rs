//! Coverage: visits per school per term, and what the period missed.

use std::collections::{BTreeMap, BTreeSet};

use entity::focus_area;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::filter::Resolved;
use crate::auth::Scope;
use crate::data::schools::{self, SchoolFilter};
use crate::data::variation::{self, Dimension, coverage};
use crate::error::ApiResult;

/// Visits of one school in one term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermVisits {
    pub school_urn: i32,
    pub academic_year: i32,
    pub term: i32,
    pub visits: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub visits: Vec<TermVisits>,
    pub schools_without_visits: Vec<entity::school::Model>,
    /// Focus areas of the versions covered with no lead rating, by key.
    pub focus_areas_without_ratings: Vec<focus_area::Model>,
    /// Subjects and key stages the trust has recorded on some walk, but not
    /// in this period.
    pub subjects_without_visits: Vec<String>,
    pub key_stages_without_visits: Vec<String>,
}

/// Coverage of the selection in the caller's schools: five statements.
pub async fn build(
    db: &impl ConnectionTrait,
    scope: &Scope,
    resolved: &Resolved,
) -> ApiResult<Coverage> {
    let mut selection = resolved.selection.clone();
    if let Some(urns) = &scope.schools {
        let wanted = selection.schools.take().unwrap_or_else(|| urns.clone());
        selection.schools = Some(wanted.into_iter().filter(|u| urns.contains(u)).collect());
    }

    let counts = coverage::visits(db, scope, &selection).await?;
    let mut per_term: BTreeMap<(i32, i32, i32), i64> = BTreeMap::new();
    let mut subjects = BTreeSet::new();
    let mut key_stages = BTreeSet::new();
    for c in &counts {
        *per_term
            .entry((c.school_urn, c.academic_year, c.term))
            .or_default() += c.visits;
        subjects.insert(c.subject.as_str());
        key_stages.insert(c.key_stage.as_str());
    }
    let visited: BTreeSet<i32> = per_term.keys().map(|(urn, _, _)| *urn).collect();

    let mut schools = schools::list(db, scope, &SchoolFilter::default()).await?;
    schools.retain(|s| {
        !visited.contains(&s.urn)
            && selection
                .schools
                .as_ref()
                .is_none_or(|u| u.contains(&s.urn))
    });
    schools.sort_by_key(|s| s.urn);
    let (all_subjects, all_key_stages) = coverage::recorded(db, scope).await?;

    let rated = variation::counts(db, scope, &selection, Some(Dimension::FocusArea)).await?;
    let rated: BTreeSet<&str> = rated
        .iter()
        .filter_map(|r| r.key.focus_area.as_deref())
        .collect();
    let mut seen = BTreeSet::new();
    let focus_areas = focus_area::Entity::find()
        .filter(focus_area::Column::TrustId.eq(scope.trust.as_str()))
        .filter(focus_area::Column::ProtocolId.is_in(selection.protocols.clone()))
        .order_by_asc(focus_area::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .filter(|fa| !rated.contains(fa.key.as_str()) && seen.insert(fa.key.clone()))
        .filter(|fa| {
            selection
                .focus_area
                .as_ref()
                .is_none_or(|key| *key == fa.key)
        })
        .collect();

    Ok(Coverage {
        visits: (per_term.into_iter())
            .map(|((school_urn, academic_year, term), visits)| TermVisits {
                school_urn,
                academic_year,
                term,
                visits,
            })
            .collect(),
        schools_without_visits: schools,
        focus_areas_without_ratings: focus_areas,
        subjects_without_visits: (all_subjects.into_iter())
            .filter(|s| !subjects.contains(s.as_str()))
            .filter(|s| selection.subjects.is_empty() || selection.subjects.contains(s))
            .collect(),
        key_stages_without_visits: (all_key_stages.into_iter())
            .filter(|k| !key_stages.contains(k.as_str()))
            .filter(|k| selection.key_stages.is_empty() || selection.key_stages.contains(k))
            .collect(),
    })
}
