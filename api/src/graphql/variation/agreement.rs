//! Inter-rater agreement over GraphQL, for trust leaders and analysts: how
//! consistently observers rate, so a trust can see trainees calibrate.

use async_graphql::{Context, ID, Object, Result};
use uuid::Uuid;

use super::super::walk::observer::Observer;
use super::super::{caller, db, ids, loaders, one};
use super::{Term, VariationFilter};
use crate::analytics::agreement::{self, AgreementReport, Figures, ObserverFigures, PairFigures};
use crate::analytics::filter::Resolved;
use crate::auth::Role;
use crate::error::ApiError;
use crate::metrics::terms::Term as AcademicTerm;

/// Agreement over indicators two observers rated in the same visit, with
/// levels only. Withheld (null) below the trust's minimum cell size.
pub struct AgreementFigures(Figures);

#[Object]
impl AgreementFigures {
    /// Visits with at least one pair of ratings.
    async fn visits(&self) -> i64 {
        self.0.visits
    }

    /// Pairs of ratings of one indicator in one visit.
    async fn pairs(&self) -> i64 {
        self.0.pairs
    }

    /// Share of pairs with the same level.
    async fn exact(&self) -> Option<f64> {
        self.0.agreement.and_then(|a| a.exact)
    }

    /// Share of pairs at most one level apart.
    async fn adjacent(&self) -> Option<f64> {
        self.0.agreement.and_then(|a| a.adjacent)
    }

    /// Cohen's kappa with quadratic weights; null when every rating had
    /// the same level.
    async fn weighted_kappa(&self) -> Option<f64> {
        self.0.agreement.and_then(|a| a.weighted_kappa)
    }

    /// True when the figures are withheld for too few visits.
    async fn suppressed(&self) -> bool {
        self.0.agreement.is_none()
    }
}

async fn observer(ctx: &Context<'_>, id: Uuid) -> Result<Observer> {
    Ok(Observer(
        one(&loaders(ctx).observer, id, "observer of a pair").await?,
    ))
}

/// Two observers who rated the same indicators in the same visits.
pub struct ObserverPairAgreement(PairFigures);

#[Object]
impl ObserverPairAgreement {
    /// The walk lead when the pair includes one.
    async fn first(&self, ctx: &Context<'_>) -> Result<Observer> {
        observer(ctx, self.0.first).await
    }

    async fn second(&self, ctx: &Context<'_>) -> Result<Observer> {
        observer(ctx, self.0.second).await
    }

    /// Whether `first` led the walks.
    async fn first_leads(&self) -> bool {
        self.0.first_leads
    }

    async fn figures(&self) -> AgreementFigures {
        AgreementFigures(self.0.figures)
    }
}

/// One observer's ratings against the walk leads', overall or in a term.
pub struct ObserverAgreement(ObserverFigures);

#[Object]
impl ObserverAgreement {
    async fn observer(&self, ctx: &Context<'_>) -> Result<Observer> {
        observer(ctx, self.0.observer).await
    }

    /// Set when counted by term.
    async fn academic_year(&self) -> Option<i32> {
        self.0.term.map(|(year, _)| year)
    }

    async fn term(&self) -> Option<Term> {
        let (_, term) = self.0.term?;
        AcademicTerm::from_number(term).map(Into::into)
    }

    async fn figures(&self) -> AgreementFigures {
        AgreementFigures(self.0.figures)
    }
}

/// Agreement over a selection of walks.
pub struct Agreement {
    report: AgreementReport,
    resolved: Resolved,
}

#[Object]
impl Agreement {
    /// Every pair together.
    async fn overall(&self) -> AgreementFigures {
        AgreementFigures(self.report.overall)
    }

    /// Per observer pair; a pair with the lead puts the lead first.
    async fn pairs(&self) -> Vec<ObserverPairAgreement> {
        self.report
            .pairs
            .iter()
            .cloned()
            .map(ObserverPairAgreement)
            .collect()
    }

    /// Per observer, against the leads of the walks they joined.
    async fn against_leads(&self) -> Vec<ObserverAgreement> {
        (self.report.against_leads.iter().cloned())
            .map(ObserverAgreement)
            .collect()
    }

    /// One observer against the leads, term by term; empty for an observer
    /// unknown to the caller.
    async fn by_term(&self, ctx: &Context<'_>, observer_id: ID) -> Result<Vec<ObserverAgreement>> {
        let Some(id) = ids::decode_uuid(ids::OBSERVER, &observer_id) else {
            return Ok(Vec::new());
        };
        let scope = &caller(ctx)?.scope;
        let terms = agreement::by_term(db(ctx), scope, &self.resolved, id).await?;
        Ok(terms.into_iter().map(ObserverAgreement).collect())
    }
}

#[derive(Default)]
pub struct AgreementQuery;

#[Object]
impl AgreementQuery {
    /// Inter-rater agreement for trust leaders and analysts with trust-wide
    /// scope. Null when the protocol is unknown to the caller.
    #[graphql(complexity = "50000 + child_complexity")]
    async fn agreement(
        &self,
        ctx: &Context<'_>,
        filter: VariationFilter,
    ) -> Result<Option<Agreement>> {
        let caller = caller(ctx)?;
        caller.require_any(&[Role::TrustLeader, Role::Analyst])?;
        if caller.scope.schools.is_some() {
            return Err(ApiError::Forbidden(
                "agreement covers the whole trust's observers; it needs trust-wide scope".into(),
            )
            .into());
        }
        let Some(resolved) = filter.resolve(ctx).await? else {
            return Ok(None);
        };
        let report = agreement::build(db(ctx), &caller.scope, &resolved).await?;
        Ok(Some(Agreement { report, resolved }))
    }
}
