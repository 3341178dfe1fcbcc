//! The demo: four real trusts and their schools from the 2017 GIAS extract,
//! the two sample protocols, and a deterministic set of clearly labelled,
//! generated walks (not real visits) so every figure can be tried out.

mod batch;
mod random;
pub mod synthetic;
mod trust;

use std::collections::BTreeMap;
use std::fmt;

use anyhow::Context;
use entity::{school, walk};
use sea_orm::TransactionTrait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::data::feed;
use crate::import::gias;
use crate::import::protocol::import_protocol;
use crate::import::store::{insert_chunked, refresh_statistics};
use batch::Batch;

const SCHOOLS: &[u8] = include_bytes!("../../../data/gias-mat-2017.csv");
const PROTOCOLS: [&[u8]; 2] = [
    include_bytes!("../../../data/protocol-trust-core.json"),
    include_bytes!("../../../data/protocol-early-reading.json"),
];
/// `created_by` of every demo walk: how a demo is recognised.
const CREATED_BY: &str = "demo";

/// What loading the demo did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoLoad {
    pub trusts: usize,
    pub schools: usize,
    pub protocols: usize,
    pub walks: usize,
    pub visits: usize,
    pub ratings: usize,
    /// Demo walks were already there, so nothing was changed.
    pub already_loaded: bool,
}

impl fmt::Display for DemoLoad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_loaded {
            let walks = self.walks;
            return write!(
                f,
                "the demo is already loaded ({walks} demo walks); nothing changed"
            );
        }
        write!(
            f,
            "{} trusts, {} schools, {} protocol versions, {} demo walks, {} visits, \
             {} ratings",
            self.trusts, self.schools, self.protocols, self.walks, self.visits, self.ratings,
        )
    }
}

/// Loads the demo: schools, both protocols for every trust, then the demo
/// walks in one transaction. Does nothing when demo walks already exist.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<DemoLoad> {
    let existing = walk::Entity::find()
        .filter(walk::Column::CreatedBy.eq(CREATED_BY))
        .count(db)
        .await
        .context("cannot look for demo walks")?;
    if existing > 0 {
        let walks = usize::try_from(existing).unwrap_or(usize::MAX);
        return Ok(DemoLoad {
            walks,
            already_loaded: true,
            ..Default::default()
        });
    }

    let parsed = gias::parse(SCHOOLS).context("the demo school file")?;
    gias::import_schools(db, SCHOOLS)
        .await
        .context("cannot load the demo schools")?;
    let mut core_protocols = BTreeMap::new();
    for trust in parsed.trusts.keys() {
        for (n, json) in PROTOCOLS.iter().enumerate() {
            let loaded = import_protocol(db, trust, json).await?;
            if n == 0 {
                core_protocols.insert(trust.as_str(), loaded.id);
            }
        }
    }

    let mut batch = Batch::default();
    let mut by_trust: BTreeMap<&str, Vec<&school::Model>> = BTreeMap::new();
    for school in parsed.schools.values() {
        by_trust
            .entry(school.trust_id.as_str())
            .or_default()
            .push(school);
    }
    for (trust, schools) in by_trust {
        trust::add_trust(db, &mut batch, trust, core_protocols[trust], schools).await?;
    }

    let counts = (batch.walks.len(), batch.visits.len(), batch.ratings.len());
    let txn = db.begin().await.context("cannot begin the demo")?;
    let entries = feed::loaded(&batch.observers, &batch.walks, &batch.visits);
    insert_chunked(&txn, batch.observers, None).await?;
    insert_chunked(&txn, batch.walks, None).await?;
    insert_chunked(&txn, batch.walk_observers, None).await?;
    insert_chunked(&txn, batch.visits, None).await?;
    insert_chunked(&txn, batch.ratings, None).await?;
    feed::publish_all(&txn, entries).await?;
    txn.commit().await.context("cannot commit the demo walks")?;
    refresh_statistics(db, &[]).await?;

    Ok(DemoLoad {
        trusts: parsed.trusts.len(),
        schools: parsed.schools.len(),
        protocols: parsed.trusts.len() * PROTOCOLS.len(),
        walks: counts.0,
        visits: counts.1,
        ratings: counts.2,
        already_loaded: false,
    })
}
