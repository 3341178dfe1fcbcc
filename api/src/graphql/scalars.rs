//! Scalars of the domain.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// Years a date may fall in; anything else is a typing slip.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Exactly `YYYY-MM-DD`, a real day, in [`YEARS`].
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| shaped);
    let date = date.ok_or_else(|| format!("\"{text}\" is not a YYYY-MM-DD date"))?;
    if !YEARS.contains(&chrono::Datelike::year(&date)) {
        return Err(format!("\"{text}\" is outside the years 1900 to 2199"));
    }
    Ok(date)
}

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_date(text).map(Date).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
