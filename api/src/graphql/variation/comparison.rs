//! Schools against the trust pattern: funnel limits, position and spread.

use async_graphql::{Context, Enum, Object, Result, SimpleObject};

use super::super::school::School;
use super::super::{loaders, one};
use super::cell::VariationCell;
use crate::analytics::report::{Comparison, GroupCell, SchoolPlace};
use crate::data::variation::Key;
use crate::metrics::funnel::{self, Limits};

/// Where a school's secure rate sits against the trust's, by the 99.8 %
/// funnel limits. It says where a school differs from the trust pattern,
/// not whether it is good or bad.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::metrics::funnel::Position")]
pub enum Position {
    /// Above the upper 99.8 % limit.
    Above,
    /// Within the 99.8 % limits.
    Within,
    /// Below the lower 99.8 % limit.
    Below,
}

/// Funnel limits around the trust rate for a school's number of ratings,
/// clipped to [0, 1].
#[derive(SimpleObject)]
pub struct FunnelLimits {
    pub lower: f64,
    pub upper: f64,
}

impl From<Limits> for FunnelLimits {
    fn from(limits: Limits) -> Self {
        FunnelLimits {
            lower: limits.lower,
            upper: limits.upper,
        }
    }
}

/// How far schools' secure rates lie apart, over schools not suppressed.
#[derive(SimpleObject)]
pub struct Spread {
    /// Schools with a secure rate.
    pub schools: i64,
    /// Sample standard deviation of their secure rates; needs two schools.
    pub sd: Option<f64>,
    /// Highest minus lowest secure rate; needs two schools.
    pub range: Option<f64>,
}

/// One school against the trust pattern.
pub struct SchoolPosition(pub SchoolPlace);

#[Object]
impl SchoolPosition {
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        let urn = self.0.school_urn;
        Ok(School(
            one(&loaders(ctx).school, urn, "school compared").await?,
        ))
    }

    /// The school's figures.
    async fn cell(&self) -> VariationCell {
        VariationCell(GroupCell {
            school_urn: Some(self.0.school_urn),
            key: Key::default(),
            cell: self.0.cell.clone(),
        })
    }

    /// 95 % limits (z = 1.96); null when the school or trust is suppressed.
    async fn funnel95(&self) -> Option<FunnelLimits> {
        self.0.placement.map(|p| p.funnel95.into())
    }

    /// 99.8 % limits (z = 3.09); null when the school or trust is suppressed.
    async fn funnel998(&self) -> Option<FunnelLimits> {
        self.0.placement.map(|p| p.funnel998.into())
    }

    /// Null when the school or trust is suppressed.
    async fn position(&self) -> Option<Position> {
        self.0.placement.map(|p| p.position.into())
    }

    /// Within the 99.8 % limits but outside the 95 % ones: worth a look,
    /// not a conclusion. Null when the school or trust is suppressed.
    async fn alert(&self) -> Option<bool> {
        self.0.placement.map(|p| p.alert)
    }
}

/// Each school's secure rate against the trust's.
pub struct SchoolComparison(pub Comparison);

#[Object]
impl SchoolComparison {
    /// The trust's secure rate over every school selected; null when
    /// withheld.
    async fn trust_secure_rate(&self) -> Option<f64> {
        self.0.trust_rate
    }

    /// z of the 95 % and 99.8 % limits.
    async fn z95(&self) -> f64 {
        funnel::Z95
    }

    async fn z998(&self) -> f64 {
        funnel::Z998
    }

    /// The schools the caller may see, by URN.
    async fn schools(&self) -> Vec<SchoolPosition> {
        self.0.schools.iter().cloned().map(SchoolPosition).collect()
    }

    /// Between-school spread; null for callers limited to some schools,
    /// since the extremes could name another school's figure.
    async fn spread(&self) -> Option<Spread> {
        self.0.spread.map(|s| Spread {
            schools: s.schools,
            sd: s.sd,
            range: s.range,
        })
    }
}
