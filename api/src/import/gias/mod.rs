//! Loading trusts and their schools from a GIAS (Get Information about
//! Schools) CSV: the 2017 group-links extract or the current `edubasealldata`
//! download. Only the columns listed in `parse.rs` are read; personal columns
//! (head teacher names, telephone numbers and the like) are never touched.

mod diff;
mod parse;
#[cfg(test)]
mod tests;

use std::fmt;

use anyhow::Context;
use entity::{school, trust};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, TransactionTrait};

use super::store::insert_chunked;
use crate::data::feed::{self, Entry};
use diff::diff;
pub(crate) use parse::parse;

/// What an import of a GIAS file changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchoolImport {
    pub trusts_new: usize,
    pub trusts_updated: usize,
    pub schools_new: usize,
    pub schools_updated: usize,
    pub schools_unchanged: usize,
    /// Rows with no trust: schools that are not academies of a trust.
    pub skipped_not_in_trust: usize,
}

impl fmt::Display for SchoolImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self;
        write!(
            f,
            "trusts: {} new, {} updated; schools: {} new, {} updated, {} unchanged; \
             {} rows skipped (not in a trust)",
            s.trusts_new,
            s.trusts_updated,
            s.schools_new,
            s.schools_updated,
            s.schools_unchanged,
            s.skipped_not_in_trust,
        )
    }
}

/// Loads the file's trusts and schools in one transaction, writing only new
/// and changed rows, so re-importing a file changes nothing. A missing joined
/// date or companies-house number (edubasealldata has neither) never erases
/// a stored one.
pub async fn import_schools(db: &DatabaseConnection, bytes: &[u8]) -> anyhow::Result<SchoolImport> {
    let parsed = parse(bytes)?;
    let txn = db.begin().await.context("cannot begin the import")?;

    let stored = trust::Entity::find().all(&txn).await?;
    let trusts = diff(
        parsed.trusts,
        stored,
        |t| t.uid.clone(),
        |row, old| trust::Model {
            name: row.name,
            companies_house_number: (row.companies_house_number)
                .or_else(|| old.companies_house_number.clone()),
            ..old.clone()
        },
    );
    let rule = OnConflict::column(trust::Column::Uid)
        .update_columns([trust::Column::Name, trust::Column::CompaniesHouseNumber])
        .to_owned();
    let mut entries: Vec<(String, Entry)> = (trusts.write.iter())
        .map(|t| (t.uid.clone(), Entry::changed("Trust", &t.uid, None)))
        .collect();
    insert_chunked(&txn, trusts.write, Some(&rule)).await?;

    let stored = school::Entity::find().all(&txn).await?;
    let key = |s: &school::Model| (s.trust_id.clone(), s.urn);
    let schools = diff(parsed.schools, stored, key, |row, old| school::Model {
        joined_on: row.joined_on.or(old.joined_on),
        ..row
    });
    use school::Column as C;
    let rule = OnConflict::columns([C::TrustId, C::Urn])
        .update_columns([C::Name, C::Phase, C::EstablishmentType])
        .update_columns([C::LocalAuthority, C::Postcode, C::JoinedOn])
        .to_owned();
    entries.extend((schools.write.iter()).map(|s| {
        let entry = Entry::changed("School", s.urn, Some(s.urn));
        (s.trust_id.clone(), entry)
    }));
    insert_chunked(&txn, schools.write, Some(&rule)).await?;
    feed::publish_all(&txn, entries).await?;

    txn.commit().await.context("cannot commit the import")?;
    Ok(SchoolImport {
        trusts_new: trusts.new,
        trusts_updated: trusts.updated,
        schools_new: schools.new,
        schools_updated: schools.updated,
        schools_unchanged: schools.unchanged,
        skipped_not_in_trust: parsed.skipped,
    })
}
