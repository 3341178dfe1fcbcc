//! UK academic terms: the year runs 1 September to 31 August; autumn is
//! September to December, spring January to March, summer April to August.

use chrono::{Datelike, NaiveDate};

/// One term of one academic year (named by the year it starts in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Term {
    Autumn = 1,
    Spring = 2,
    Summer = 3,
}

impl Term {
    /// The term numbered as the variation statements number it.
    pub fn from_number(n: i32) -> Option<Term> {
        match n {
            1 => Some(Term::Autumn),
            2 => Some(Term::Spring),
            3 => Some(Term::Summer),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Term::Autumn => "Autumn",
            Term::Spring => "Spring",
            Term::Summer => "Summer",
        }
    }

    /// First and last day of this term in academic year `year`.
    pub fn dates(self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let date = NaiveDate::from_ymd_opt;
        match self {
            Term::Autumn => Some((date(year, 9, 1)?, date(year, 12, 31)?)),
            Term::Spring => Some((date(year + 1, 1, 1)?, date(year + 1, 3, 31)?)),
            Term::Summer => Some((date(year + 1, 4, 1)?, date(year + 1, 8, 31)?)),
        }
    }
}

/// First and last day of academic year `year`.
pub fn year_dates(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 9, 1)?,
        NaiveDate::from_ymd_opt(year + 1, 8, 31)?,
    ))
}

/// "2025/26" for the year starting in 2025.
pub fn year_label(year: i32) -> String {
    format!("{year}/{:02}", (year + 1).rem_euclid(100))
}

/// Whether `date` starts a term (1 September, 1 January, 1 April).
pub fn starts_term(date: NaiveDate) -> bool {
    date.day() == 1 && matches!(date.month(), 9 | 1 | 4)
}

/// Whether `date` ends a term (31 December, 31 March, 31 August).
pub fn ends_term(date: NaiveDate) -> bool {
    date.day() == 31 && matches!(date.month(), 12 | 3 | 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spring_and_summer_fall_in_the_calendar_year_after_the_start() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(
            Term::Spring.dates(2025),
            Some((day(2026, 1, 1), day(2026, 3, 31)))
        );
        assert_eq!(
            Term::Summer.dates(2025),
            Some((day(2026, 4, 1), day(2026, 8, 31)))
        );
        assert_eq!(year_label(2099), "2099/00");
    }
}
