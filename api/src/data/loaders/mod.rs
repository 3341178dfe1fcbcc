//! DataLoaders for every parent → child edge, built per request with the
//! caller's trust so a batch can never reach another tenant's rows.

mod generic;
mod ratings;

use entity::{
    action, audit_event, debrief, focus_area, highlight, indicator, observer, protocol,
    scale_level, school, school_context, visit, walk, walk_focus_area, walk_observer,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::auth::Scope;
use generic::{Children, Kept, Many, One, Single, Source, kept, many, one};
pub use ratings::{RatingRow, RatingsOfVisit};

/// Every loader of one request.
pub struct Loaders {
    /// Whether a page may load its nodes' children ahead and keep them for
    /// the request: in reads only, since a mutation may change them.
    pub keeps: bool,
    pub school: Kept<One<school::Entity, i32>>,
    pub protocol: Single<protocol::Entity, Uuid>,
    pub levels_of_protocol: Many<scale_level::Entity, Uuid>,
    pub focus_areas_of_protocol: Many<focus_area::Entity, Uuid>,
    pub focus_area: Single<focus_area::Entity, Uuid>,
    pub indicators_of_focus_area: Many<indicator::Entity, Uuid>,
    pub indicator: Single<indicator::Entity, Uuid>,
    pub observer: Single<observer::Entity, Uuid>,
    pub observers_of_walk: Many<walk_observer::Entity, Uuid>,
    pub focus_areas_of_walk: Many<walk_focus_area::Entity, Uuid>,
    pub visits_of_walk: Kept<Children<visit::Entity, Uuid>>,
    pub ratings_of_visit: Kept<RatingsOfVisit>,
    pub audit_of_walk: Many<audit_event::Entity, Uuid>,
    pub debrief_of_walk: Single<debrief::Entity, Uuid>,
    pub actions_of_walk: Many<action::Entity, Uuid>,
    /// Walks the caller can see, by id (an observer's walks).
    pub walk: Single<walk::Entity, Uuid>,
    pub walks_of_observer: Many<walk_observer::Entity, Uuid>,
    pub contexts_of_school: Many<school_context::Entity, i32>,
    pub highlights_of_walk: Many<highlight::Entity, Uuid>,
    /// Schools of the scope by URN (the `school` loader is trust-wide).
    pub school_in_scope: Single<school::Entity, i32>,
    /// Visits of the trust by id; visible through their walk.
    pub visit: Single<visit::Entity, Uuid>,
    /// Actions of the scope by id.
    pub action: Single<action::Entity, Uuid>,
    /// Highlights the scope may read, by id.
    pub highlight: Single<highlight::Entity, Uuid>,
}

impl Loaders {
    /// The loaders of a request in `scope`; `keeps` as [`Loaders::keeps`].
    pub fn new(db: &DatabaseConnection, scope: &Scope, keeps: bool) -> Loaders {
        let source = Source {
            db,
            trust: &scope.trust,
        };
        let loaders = Loaders {
            keeps,
            school: kept(One(source.children(
                school::Column::TrustId,
                school::Column::Urn,
                |row: &school::Model| row.urn,
                vec![],
            ))),
            protocol: one(source.children(
                protocol::Column::TrustId,
                protocol::Column::Id,
                |row: &protocol::Model| row.id,
                vec![],
            )),
            levels_of_protocol: many(source.children(
                scale_level::Column::TrustId,
                scale_level::Column::ProtocolId,
                |row: &scale_level::Model| row.protocol_id,
                vec![scale_level::Column::Value],
            )),
            focus_areas_of_protocol: many(source.children(
                focus_area::Column::TrustId,
                focus_area::Column::ProtocolId,
                |row: &focus_area::Model| row.protocol_id,
                vec![focus_area::Column::Position],
            )),
            focus_area: one(source.children(
                focus_area::Column::TrustId,
                focus_area::Column::Id,
                |row: &focus_area::Model| row.id,
                vec![],
            )),
            indicators_of_focus_area: many(source.children(
                indicator::Column::TrustId,
                indicator::Column::FocusAreaId,
                |row: &indicator::Model| row.focus_area_id,
                vec![indicator::Column::Position],
            )),
            indicator: one(source.children(
                indicator::Column::TrustId,
                indicator::Column::Id,
                |row: &indicator::Model| row.id,
                vec![],
            )),
            observer: one(source.children(
                observer::Column::TrustId,
                observer::Column::Id,
                |row: &observer::Model| row.id,
                vec![],
            )),
            observers_of_walk: many(source.children(
                walk_observer::Column::TrustId,
                walk_observer::Column::WalkId,
                |row: &walk_observer::Model| row.walk_id,
                vec![
                    walk_observer::Column::Role,
                    walk_observer::Column::ObserverId,
                ],
            )),
            focus_areas_of_walk: many(source.children(
                walk_focus_area::Column::TrustId,
                walk_focus_area::Column::WalkId,
                |row: &walk_focus_area::Model| row.walk_id,
                vec![walk_focus_area::Column::FocusAreaId],
            )),
            visits_of_walk: kept(source.children(
                visit::Column::TrustId,
                visit::Column::WalkId,
                |row: &visit::Model| row.walk_id,
                vec![visit::Column::CreatedAt, visit::Column::Id],
            )),
            ratings_of_visit: kept(RatingsOfVisit {
                db: db.clone(),
                trust: scope.trust.clone(),
            }),
            audit_of_walk: many(source.children(
                audit_event::Column::TrustId,
                audit_event::Column::WalkId,
                |row: &audit_event::Model| row.walk_id.unwrap_or_default(),
                vec![audit_event::Column::OccurredAt, audit_event::Column::Id],
            )),
            debrief_of_walk: one(source.children(
                debrief::Column::TrustId,
                debrief::Column::WalkId,
                |row: &debrief::Model| row.walk_id,
                vec![],
            )),
            actions_of_walk: many(source.children(
                action::Column::TrustId,
                action::Column::WalkId,
                |row: &action::Model| row.walk_id,
                vec![action::Column::DueOn, action::Column::Id],
            )),
            walk: one(source
                .children(
                    walk::Column::TrustId,
                    walk::Column::Id,
                    |row: &walk::Model| row.id,
                    vec![],
                )
                .narrowed(crate::data::walks::in_scope(scope))),
            walks_of_observer: many(source.children(
                walk_observer::Column::TrustId,
                walk_observer::Column::ObserverId,
                |row: &walk_observer::Model| row.observer_id,
                vec![walk_observer::Column::WalkId],
            )),
            contexts_of_school: many(source.children(
                school_context::Column::TrustId,
                school_context::Column::SchoolUrn,
                |row: &school_context::Model| row.school_urn,
                vec![school_context::Column::Version],
            )),
            highlights_of_walk: many(source.children(
                highlight::Column::TrustId,
                highlight::Column::WalkId,
                |row: &highlight::Model| row.walk_id,
                vec![highlight::Column::CreatedAt, highlight::Column::Id],
            )),
            school_in_scope: one(source
                .children(
                    school::Column::TrustId,
                    school::Column::Urn,
                    |row: &school::Model| row.urn,
                    vec![],
                )
                .narrowed(crate::data::schools::in_scope(scope))),
            visit: one(source.children(
                visit::Column::TrustId,
                visit::Column::Id,
                |row: &visit::Model| row.id,
                vec![],
            )),
            action: one(source
                .children(
                    action::Column::TrustId,
                    action::Column::Id,
                    |row: &action::Model| row.id,
                    vec![],
                )
                .narrowed(crate::data::debriefs::visible(scope))),
            highlight: one(source
                .children(
                    highlight::Column::TrustId,
                    highlight::Column::Id,
                    |row: &highlight::Model| row.id,
                    vec![],
                )
                .narrowed(crate::data::highlights::readable(scope))),
        };
        // A mutation reads what it wrote, so it keeps nothing.
        loaders.school.enable_all_cache(keeps);
        loaders.visits_of_walk.enable_all_cache(keeps);
        loaders.ratings_of_visit.enable_all_cache(keeps);
        loaders
    }
}
