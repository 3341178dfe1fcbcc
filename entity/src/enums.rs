//! Enumerations stored as short text values.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a protocol version is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum ProtocolStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "published")]
    Published,
    #[sea_orm(string_value = "retired")]
    Retired,
}

/// The lens a focus area answers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum Lens {
    #[sea_orm(string_value = "consistency")]
    Consistency,
    #[sea_orm(string_value = "fidelity")]
    Fidelity,
    #[sea_orm(string_value = "pupil_experience")]
    PupilExperience,
    #[sea_orm(string_value = "safeguarding_routines")]
    SafeguardingRoutines,
}

/// Where a walk is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum WalkStatus {
    #[sea_orm(string_value = "planned")]
    Planned,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "submitted")]
    Submitted,
    #[sea_orm(string_value = "debriefed")]
    Debriefed,
    #[sea_orm(string_value = "closed")]
    Closed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// A person's part on one walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum ObserverRole {
    #[sea_orm(string_value = "lead")]
    Lead,
    #[sea_orm(string_value = "co_observer")]
    CoObserver,
    #[sea_orm(string_value = "trainee")]
    Trainee,
}

/// What an observer recorded for one indicator in one visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum RatingOutcome {
    /// A level on the protocol's scale.
    #[sea_orm(string_value = "level")]
    Level,
    /// Could have been seen in this lesson, and was not.
    #[sea_orm(string_value = "not_observed")]
    NotObserved,
    /// Could not be seen in this lesson.
    #[sea_orm(string_value = "not_applicable")]
    NotApplicable,
}

/// Where an agreed next step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "done")]
    Done,
    #[sea_orm(string_value = "dropped")]
    Dropped,
}

/// A role in a school or trust: who takes part in a debrief or owns an
/// action. Never a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
#[serde(rename_all = "snake_case")]
pub enum SchoolRole {
    #[sea_orm(string_value = "head")]
    Head,
    #[sea_orm(string_value = "senior_leader")]
    SeniorLeader,
    #[sea_orm(string_value = "curriculum_lead")]
    CurriculumLead,
    #[sea_orm(string_value = "subject_lead")]
    SubjectLead,
    #[sea_orm(string_value = "senco")]
    Senco,
    #[sea_orm(string_value = "school_improvement_partner")]
    SchoolImprovementPartner,
    #[sea_orm(string_value = "trust_leader")]
    TrustLeader,
    #[sea_orm(string_value = "observer")]
    Observer,
}
