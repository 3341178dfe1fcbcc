//! Reading a ratings file into walks, visits and ratings keyed by the
//! file's own names, checking every row and naming the line of each fault.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::ObserverRole;
use serde::Deserialize;

/// The columns a ratings file must have, in any order.
pub(super) const HEADER: &str =
    "walk,school_urn,date,lead,visit,subject,key_stage,observer,observer_role,indicator,level";

use super::refusal::{Fault, MAX_FAULTS, Refused};

#[derive(Deserialize)]
struct Row {
    walk: String,
    school_urn: String,
    date: String,
    lead: String,
    visit: String,
    subject: String,
    key_stage: String,
    observer: String,
    observer_role: String,
    indicator: String,
    level: String,
}

/// One walk named by the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WalkRef {
    /// The first line that names the walk.
    pub line: usize,
    pub school_urn: i32,
    pub date: NaiveDate,
    /// The lead's reference.
    pub lead: String,
    /// Observer reference → role on this walk.
    pub observers: BTreeMap<String, ObserverRole>,
}

/// One visit named by the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct VisitRef {
    pub walk: String,
    pub subject: String,
    pub key_stage: Option<String>,
}

/// What an observer recorded for one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Entry {
    Level(i32),
    /// A blank level: could have been seen, was not.
    NotObserved,
    /// `n/a`: could not be seen in this lesson.
    NotApplicable,
}

/// One observer's entry for one indicator in one visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RatingRef {
    pub line: usize,
    pub visit: String,
    pub indicator: String,
    pub observer: String,
    pub entry: Entry,
}

/// Longest name or subject a file may hold, as the API allows.
const MAX_TEXT: usize = 100;

/// Everything a file names, checked for internal consistency.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub walks: BTreeMap<String, WalkRef>,
    pub visits: BTreeMap<String, VisitRef>,
    pub ratings: Vec<RatingRef>,
    /// (visit, indicator, observer) already rated.
    seen: BTreeSet<(String, String, String)>,
}

const KEY_STAGES: [&str; 7] = ["EYFS", "KS1", "KS2", "KS3", "KS4", "KS5", ""];

fn role(text: &str) -> Option<ObserverRole> {
    match text {
        "lead" => Some(ObserverRole::Lead),
        "co_observer" => Some(ObserverRole::CoObserver),
        "trainee" => Some(ObserverRole::Trainee),
        _ => None,
    }
}

impl Parsed {
    /// Adds one row, or says what is wrong with it.
    fn add(&mut self, line: usize, row: Row) -> Result<(), String> {
        let required = [
            ("walk", &row.walk),
            ("visit", &row.visit),
            ("lead", &row.lead),
            ("observer", &row.observer),
            ("subject", &row.subject),
            ("indicator", &row.indicator),
        ];
        if let Some((name, _)) = required.iter().find(|(_, v)| v.is_empty()) {
            return Err(format!("{name} is empty"));
        }
        if let Some((name, _)) = (required.iter()).find(|(_, v)| v.chars().count() > MAX_TEXT) {
            return Err(format!("{name} is longer than {MAX_TEXT} characters"));
        }
        if let Some((name, _)) = (required.iter()).find(|(_, v)| v.chars().any(char::is_control)) {
            return Err(format!("{name} holds a control character"));
        }
        let urn: i32 = (row.school_urn.parse().ok())
            .ok_or_else(|| format!("school_urn {:?} is not a URN", row.school_urn))?;
        let date = crate::graphql::scalars::parse_date(&row.date)
            .map_err(|why| format!("date {:?}: {why}", row.date))?;
        let role = role(&row.observer_role).ok_or_else(|| {
            format!(
                "observer_role {:?} is not lead, co_observer or trainee",
                row.observer_role
            )
        })?;
        if (role == ObserverRole::Lead) != (row.observer == row.lead) {
            return Err(format!(
                "observer {} has role {} but the walk's lead is {}",
                row.observer, row.observer_role, row.lead
            ));
        }
        if !KEY_STAGES.contains(&row.key_stage.as_str()) {
            return Err(format!(
                "key_stage {:?} is not EYFS or KS1 to KS5",
                row.key_stage
            ));
        }
        let entry = match row.level.to_ascii_lowercase().as_str() {
            "" => Entry::NotObserved,
            "n/a" | "na" => Entry::NotApplicable,
            text => Entry::Level((text.parse().ok()).ok_or_else(|| {
                format!("level {text:?} is not a number, blank (not observed) or n/a")
            })?),
        };

        let walk = self.walks.entry(row.walk.clone()).or_insert(WalkRef {
            line,
            school_urn: urn,
            date,
            lead: row.lead.clone(),
            observers: BTreeMap::new(),
        });
        if (walk.school_urn, walk.date, walk.lead.as_str()) != (urn, date, row.lead.as_str()) {
            return Err(format!(
                "walk {} has another school, date or lead on an earlier line",
                row.walk
            ));
        }
        if *walk.observers.entry(row.observer.clone()).or_insert(role) != role {
            return Err(format!(
                "observer {} has another role on walk {} on an earlier line",
                row.observer, row.walk
            ));
        }
        let visit = VisitRef {
            walk: row.walk,
            subject: row.subject,
            key_stage: Some(row.key_stage).filter(|k| !k.is_empty()),
        };
        if *self
            .visits
            .entry(row.visit.clone())
            .or_insert(visit.clone())
            != visit
        {
            return Err(format!(
                "visit {} has another walk, subject or key stage on an earlier line",
                row.visit
            ));
        }
        let key = (
            row.visit.clone(),
            row.indicator.clone(),
            row.observer.clone(),
        );
        if !self.seen.insert(key) {
            return Err(format!(
                "observer {} already rated {} in visit {}",
                row.observer, row.indicator, row.visit
            ));
        }
        self.ratings.push(RatingRef {
            line,
            visit: row.visit,
            indicator: row.indicator,
            observer: row.observer,
            entry,
        });
        Ok(())
    }
}

/// Reads a whole file; any faulty row fails it, with up to [`MAX_FAULTS`]
/// faults listed by line.
pub(super) fn parse(bytes: &[u8]) -> Result<Parsed, Refused> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let refuse = |fault: Fault| Refused::new(vec![fault]);
    let headers = (reader.headers())
        .map_err(|_| refuse(Fault::at(1, "cannot read the CSV header")))?
        .clone();
    for column in HEADER.split(',') {
        if !headers.iter().any(|h| h.trim() == column) {
            let message = format!("the ratings file has no {column} column; expected {HEADER}");
            return Err(refuse(Fault::at(1, message)));
        }
    }

    let mut parsed = Parsed::default();
    let mut faults = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let row = record
            .and_then(|r| r.deserialize::<Row>(Some(&headers)))
            .map_err(|e| match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
                csv::ErrorKind::UnequalLengths { .. } => "wrong number of fields".to_owned(),
                _ => "malformed row".to_owned(),
            })
            .and_then(|row| parsed.add(line, trimmed(row)));
        if let Err(fault) = row {
            faults.push(Fault::at(line, fault));
            if faults.len() > MAX_FAULTS {
                break;
            }
        }
    }
    if !faults.is_empty() {
        return Err(Refused::new(faults));
    }
    if parsed.ratings.is_empty() {
        return Err(refuse(Fault::whole("the ratings file has no rows")));
    }
    Ok(parsed)
}

fn trimmed(row: Row) -> Row {
    let t = |s: String| s.trim().to_owned();
    Row {
        walk: t(row.walk),
        school_urn: t(row.school_urn),
        date: t(row.date),
        lead: t(row.lead),
        visit: t(row.visit),
        subject: t(row.subject),
        key_stage: t(row.key_stage),
        observer: t(row.observer),
        observer_role: t(row.observer_role),
        indicator: t(row.indicator),
        level: t(row.level),
    }
}
