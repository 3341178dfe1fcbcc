//! Reading a ratings file into walks, visits and ratings keyed by the
//! file's own names, checking every row and naming the line of each fault.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use entity::ObserverRole;
use std::sync::Arc;

/// The columns a ratings file must have, in any order.
pub(super) const HEADER: &str =
    "walk,school_urn,date,lead,visit,subject,key_stage,observer,observer_role,indicator,level";

use super::refusal::{Fault, MAX_FAULTS, Refused};
use super::row::Row;

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

/// One observer's entry for one indicator in one visit. Names repeat
/// from row to row, so each is kept once and shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RatingRef {
    pub line: usize,
    pub visit: Arc<str>,
    pub indicator: Arc<str>,
    pub observer: Arc<str>,
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
    /// Each visit, indicator and observer name, once.
    names: HashSet<Arc<str>>,
    /// (visit, indicator, observer) already rated.
    seen: HashSet<(Arc<str>, Arc<str>, Arc<str>)>,
}

const KEY_STAGES: [&str; 7] = ["EYFS", "KS1", "KS2", "KS3", "KS4", "KS5", ""];

impl Parsed {
    /// Adds one row, or says what is wrong with it.
    fn add(&mut self, line: usize, row: Row<'_>) -> Result<(), String> {
        let required = [
            ("walk", row.walk),
            ("visit", row.visit),
            ("lead", row.lead),
            ("observer", row.observer),
            ("subject", row.subject),
            ("indicator", row.indicator),
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
        row.urn()?;
        row.date()?;
        let role = row.role()?;
        if (role == ObserverRole::Lead) != (row.observer == row.lead) {
            return Err(format!(
                "observer {} has role {} but the walk's lead is {}",
                row.observer, row.observer_role, row.lead
            ));
        }
        if !KEY_STAGES.contains(&row.key_stage) {
            return Err(format!(
                "key_stage {:?} is not EYFS or KS1 to KS5",
                row.key_stage
            ));
        }
        let entry = row.entry()?;

        self.add_walk(line, &row, role)?;
        self.add_visit(&row)?;
        let key = (
            self.name(row.visit),
            self.name(row.indicator),
            self.name(row.observer),
        );
        if !self.seen.insert(key.clone()) {
            return Err(format!(
                "observer {} already rated {} in visit {}",
                row.observer, row.indicator, row.visit
            ));
        }
        let (visit, indicator, observer) = key;
        self.ratings.push(RatingRef {
            line,
            visit,
            indicator,
            observer,
            entry,
        });
        Ok(())
    }

    /// The row's walk, as an earlier line named it or new, with the row's
    /// observer on it.
    fn add_walk(&mut self, line: usize, row: &Row<'_>, role: ObserverRole) -> Result<(), String> {
        let (urn, date) = (row.urn()?, row.date()?);
        let Some(walk) = self.walks.get_mut(row.walk) else {
            let observers = BTreeMap::from([(row.observer.to_owned(), role)]);
            let walk = WalkRef {
                line,
                school_urn: urn,
                date,
                lead: row.lead.to_owned(),
                observers,
            };
            self.walks.insert(row.walk.to_owned(), walk);
            return Ok(());
        };
        if (walk.school_urn, walk.date, walk.lead.as_str()) != (urn, date, row.lead) {
            return Err(format!(
                "walk {} has another school, date or lead on an earlier line",
                row.walk
            ));
        }
        match walk.observers.get(row.observer) {
            Some(earlier) if *earlier != role => Err(format!(
                "observer {} has another role on walk {} on an earlier line",
                row.observer, row.walk
            )),
            Some(_) => Ok(()),
            None => {
                walk.observers.insert(row.observer.to_owned(), role);
                Ok(())
            }
        }
    }

    /// The row's visit, as an earlier line named it or new.
    fn add_visit(&mut self, row: &Row<'_>) -> Result<(), String> {
        let key_stage = Some(row.key_stage).filter(|k| !k.is_empty());
        let Some(visit) = self.visits.get(row.visit) else {
            let visit = VisitRef {
                walk: row.walk.to_owned(),
                subject: row.subject.to_owned(),
                key_stage: key_stage.map(str::to_owned),
            };
            self.visits.insert(row.visit.to_owned(), visit);
            return Ok(());
        };
        if (
            visit.walk.as_str(),
            visit.subject.as_str(),
            visit.key_stage.as_deref(),
        ) != (row.walk, row.subject, key_stage)
        {
            return Err(format!(
                "visit {} has another walk, subject or key stage on an earlier line",
                row.visit
            ));
        }
        Ok(())
    }

    /// The shared copy of `text`.
    fn name(&mut self, text: &str) -> Arc<str> {
        if let Some(name) = self.names.get(text) {
            return Arc::clone(name);
        }
        let name: Arc<str> = Arc::from(text);
        self.names.insert(Arc::clone(&name));
        name
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
    let mut columns = [0; 11];
    for (column, at) in HEADER.split(',').zip(&mut columns) {
        let Some(position) = headers.iter().position(|h| h.trim() == column) else {
            let message = format!("the ratings file has no {column} column; expected {HEADER}");
            return Err(refuse(Fault::at(1, message)));
        };
        *at = position;
    }

    let mut parsed = Parsed::default();
    let mut faults = Vec::new();
    let mut record = csv::StringRecord::new();
    for line in 2.. {
        let row = match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => parsed.add(line, Row::of(&record, &columns)),
            Err(e) => Err(match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
                csv::ErrorKind::UnequalLengths { .. } => "wrong number of fields".to_owned(),
                _ => "malformed row".to_owned(),
            }),
        };
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
