//! One line of a ratings file, and what each of its fields means.

use chrono::NaiveDate;
use entity::ObserverRole;

use super::parse::Entry;

/// One line of the file, trimmed, borrowed from the reader's record.
pub(super) struct Row<'a> {
    pub walk: &'a str,
    pub school_urn: &'a str,
    pub date: &'a str,
    pub lead: &'a str,
    pub visit: &'a str,
    pub subject: &'a str,
    pub key_stage: &'a str,
    pub observer: &'a str,
    pub observer_role: &'a str,
    pub indicator: &'a str,
    pub level: &'a str,
}

impl<'a> Row<'a> {
    /// The row's fields; `columns` holds the position in the file of each
    /// column of the header, in its order.
    pub fn of(record: &'a csv::StringRecord, columns: &[usize; 11]) -> Row<'a> {
        let field = |n: usize| record.get(columns[n]).unwrap_or_default().trim();
        Row {
            walk: field(0),
            school_urn: field(1),
            date: field(2),
            lead: field(3),
            visit: field(4),
            subject: field(5),
            key_stage: field(6),
            observer: field(7),
            observer_role: field(8),
            indicator: field(9),
            level: field(10),
        }
    }

    pub fn urn(&self) -> Result<i32, String> {
        (self.school_urn.parse().ok())
            .ok_or_else(|| format!("school_urn {:?} is not a URN", self.school_urn))
    }

    pub fn date(&self) -> Result<NaiveDate, String> {
        crate::graphql::scalars::parse_date(self.date)
            .map_err(|why| format!("date {:?}: {why}", self.date))
    }

    pub fn role(&self) -> Result<ObserverRole, String> {
        match self.observer_role {
            "lead" => Ok(ObserverRole::Lead),
            "co_observer" => Ok(ObserverRole::CoObserver),
            "trainee" => Ok(ObserverRole::Trainee),
            other => Err(format!(
                "observer_role {other:?} is not lead, co_observer or trainee"
            )),
        }
    }

    /// The level: a number, blank (not observed) or `n/a`.
    pub fn entry(&self) -> Result<Entry, String> {
        let is = |text: &str| self.level.eq_ignore_ascii_case(text);
        if self.level.is_empty() {
            Ok(Entry::NotObserved)
        } else if is("n/a") || is("na") {
            Ok(Entry::NotApplicable)
        } else {
            let text = self.level.to_ascii_lowercase();
            (text.parse().ok().map(Entry::Level)).ok_or_else(|| {
                format!("level {text:?} is not a number, blank (not observed) or n/a")
            })
        }
    }
}
