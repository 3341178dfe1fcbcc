//! The values a list's key is made of, with the text they take in a
//! cursor.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::Value;
use uuid::Uuid;

/// One value of a row's key. Keys of one list compare value by value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Int(i32),
    Big(i64),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Uuid(Uuid),
}

/// What a value of a key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Big,
    Text,
    Date,
    Time,
    Uuid,
}

impl Key {
    /// The value as cursor text; [`Key::read`] takes it back exactly.
    pub fn text(&self) -> String {
        match self {
            Key::Int(n) => n.to_string(),
            Key::Big(n) => n.to_string(),
            Key::Text(text) => text.clone(),
            Key::Date(date) => date.format("%Y-%m-%d").to_string(),
            Key::Time(time) => time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            Key::Uuid(id) => id.to_string(),
        }
    }

    /// A value of `kind` from cursor text; `None` when it is not one.
    pub fn read(kind: Kind, text: &str) -> Option<Key> {
        Some(match kind {
            Kind::Int => Key::Int(text.parse().ok()?),
            // Only the change feed's positions, which start at 1.
            Kind::Big => Key::Big(text.parse().ok().filter(|n: &i64| *n >= 0)?),
            Kind::Text => Key::Text(text.to_owned()),
            Kind::Date => Key::Date(NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?),
            Kind::Time => Key::Time(DateTime::parse_from_rfc3339(text).ok()?.to_utc()),
            Kind::Uuid => Key::Uuid(text.parse().ok()?),
        })
    }
}

impl From<Key> for Value {
    fn from(key: Key) -> Value {
        match key {
            Key::Int(n) => n.into(),
            Key::Big(n) => n.into(),
            Key::Text(text) => text.into(),
            Key::Date(date) => date.into(),
            Key::Time(time) => time.into(),
            Key::Uuid(id) => id.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_value_reads_back_from_its_text() {
        let time = DateTime::parse_from_rfc3339("2025-10-07T09:10:11.123456789Z").expect("time");
        let keys = [
            (Kind::Int, Key::Int(-137106)),
            (Kind::Text, Key::Text("King's Oak | \"Academy\"".into())),
            (
                Kind::Date,
                Key::Date(NaiveDate::from_ymd_opt(2025, 10, 7).expect("date")),
            ),
            (Kind::Time, Key::Time(time.to_utc())),
            (Kind::Uuid, Key::Uuid(Uuid::new_v4())),
        ];
        for (kind, key) in keys {
            assert_eq!(Key::read(kind, &key.text()), Some(key));
        }
        assert_eq!(Key::read(Kind::Date, "-4714-01-01x"), None);
        assert_eq!(Key::read(Kind::Int, "1.5"), None);
    }
}
