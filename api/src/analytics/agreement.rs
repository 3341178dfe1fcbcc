//! Inter-rater agreement per observer pair, per observer against leads, and
//! overall, from the pair counts SQL returns.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::filter::Resolved;
use crate::auth::Scope;
use crate::data::variation::agreement::{PairCount, Pairs, pairs};
use crate::error::ApiResult;
use crate::metrics::agreement::{Agreement, Table};

/// Agreement over some visits; figures are withheld (`None`) below the
/// trust's minimum cell size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub visits: i64,
    pub pairs: i64,
    pub agreement: Option<Agreement>,
}

impl Figures {
    fn new(table: &Table, visits: i64, min_cell_size: i32) -> Figures {
        let agreement = table.agreement();
        Figures {
            visits,
            pairs: agreement.pairs,
            agreement: (visits >= i64::from(min_cell_size)).then_some(agreement),
        }
    }
}

/// Two observers who rated the same indicators in the same visits.
#[derive(Debug, Clone)]
pub struct PairFigures {
    pub first: Uuid,
    pub second: Uuid,
    pub first_leads: bool,
    pub figures: Figures,
}

/// One observer's ratings against the walk leads'.
#[derive(Debug, Clone)]
pub struct ObserverFigures {
    pub observer: Uuid,
    /// Academic year and term, when counted by term.
    pub term: Option<(i32, i32)>,
    pub figures: Figures,
}

#[derive(Debug, Clone)]
pub struct AgreementReport {
    pub overall: Figures,
    pub pairs: Vec<PairFigures>,
    pub against_leads: Vec<ObserverFigures>,
}

/// Academic year and term, when counted by term.
type TermKey = Option<(i32, i32)>;
type PairKey = (Uuid, Uuid, TermKey);

/// Tables and visits per observer pair (and term).
fn by_pair(pairs: &Pairs) -> BTreeMap<PairKey, (bool, Table, i64)> {
    let mut out: BTreeMap<PairKey, (bool, Table, i64)> = BTreeMap::new();
    for PairCount {
        first,
        second,
        first_leads,
        term,
        first_level,
        second_level,
        count,
    } in &pairs.counts
    {
        let entry = out.entry((*first, *second, *term)).or_default();
        entry.0 = *first_leads;
        entry.1.add(*first_level, *second_level, *count);
    }
    for v in &pairs.visits {
        if let Some(entry) = out.get_mut(&(v.first, v.second, v.term)) {
            entry.2 = v.visits;
        }
    }
    out
}

/// Against-leads figures per observer (and term), summing their pairs with
/// each lead: a visit has one lead, so their visits do not overlap.
fn against_leads(pairs: &BTreeMap<PairKey, (bool, Table, i64)>, min: i32) -> Vec<ObserverFigures> {
    let mut out: BTreeMap<(Uuid, TermKey), (Table, i64)> = BTreeMap::new();
    for ((_, second, term), (first_leads, table, visits)) in pairs {
        if *first_leads {
            let entry = out.entry((*second, *term)).or_default();
            entry.0.merge(table);
            entry.1 += visits;
        }
    }
    (out.into_iter())
        .map(|((observer, term), (table, visits))| ObserverFigures {
            observer,
            term,
            figures: Figures::new(&table, visits, min),
        })
        .collect()
}

/// Agreement over the selection: three statements.
pub async fn build(
    db: &impl ConnectionTrait,
    scope: &Scope,
    resolved: &Resolved,
) -> ApiResult<AgreementReport> {
    let min = resolved.min_cell_size;
    let counted = pairs(db, scope, &resolved.selection, false).await?;
    let per_pair = by_pair(&counted);
    let mut overall = Table::default();
    for (_, table, _) in per_pair.values() {
        overall.merge(table);
    }
    Ok(AgreementReport {
        overall: Figures::new(&overall, counted.total_visits, min),
        pairs: (per_pair.iter())
            .map(
                |((first, second, _), (first_leads, table, visits))| PairFigures {
                    first: *first,
                    second: *second,
                    first_leads: *first_leads,
                    figures: Figures::new(table, *visits, min),
                },
            )
            .collect(),
        against_leads: against_leads(&per_pair, min),
    })
}

/// One observer's agreement with the leads, term by term.
pub async fn by_term(
    db: &impl ConnectionTrait,
    scope: &Scope,
    resolved: &Resolved,
    observer: Uuid,
) -> ApiResult<Vec<ObserverFigures>> {
    let counted = pairs(db, scope, &resolved.selection, true).await?;
    let mut figures = against_leads(&by_pair(&counted), resolved.min_cell_size);
    figures.retain(|f| f.observer == observer);
    Ok(figures)
}
