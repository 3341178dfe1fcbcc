//! The variation cells as CSV for analysts: the query string that selects
//! them, and the file itself.

use std::collections::BTreeMap;

use entity::Lens;
use serde::Deserialize;

use super::filter::{Filter, ProtocolChoice};
use super::report::{Grouping, Report};
use crate::data::variation::Dimension;
use crate::error::ApiError;
use crate::metrics::terms::Term;

/// `?protocolId=…&groupBy=school&from=2025-09-01&subjects=English,History…`:
/// the fields of the GraphQL filter, lists comma-separated, enum values in
/// either case (`term=autumn` or `AUTUMN`, `groupBy=focus_area` or
/// `FOCUS_AREA`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportParams {
    protocol_id: Option<String>,
    protocol_key: Option<String>,
    from: Option<String>,
    to: Option<String>,
    academic_year: Option<String>,
    term: Option<String>,
    lens: Option<String>,
    focus_area: Option<String>,
    indicator_codes: Option<String>,
    subjects: Option<String>,
    key_stages: Option<String>,
    school_urns: Option<String>,
    group_by: Option<String>,
    per_school: Option<String>,
}

fn list(text: &Option<String>) -> Vec<String> {
    (text.iter().flat_map(|t| t.split(',')))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn date(field: &str, text: &Option<String>) -> Result<Option<chrono::NaiveDate>, ApiError> {
    text.as_deref()
        .map(|t| crate::graphql::scalars::parse_date(t).map_err(|m| ApiError::invalid(field, m)))
        .transpose()
}

fn dimension(name: &str) -> Option<Dimension> {
    Some(match name {
        "lens" => Dimension::Lens,
        "focus_area" => Dimension::FocusArea,
        "indicator" => Dimension::Indicator,
        "subject" => Dimension::Subject,
        "key_stage" => Dimension::KeyStage,
        "term" => Dimension::Term,
        "academic_year" => Dimension::AcademicYear,
        _ => return None,
    })
}

impl ExportParams {
    /// The filter and grouping the parameters ask for.
    pub fn read(self) -> Result<(Filter, Grouping), ApiError> {
        let protocol = match (self.protocol_id, self.protocol_key) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "protocolKey",
                    "give protocolId or protocolKey",
                ));
            }
            (Some(id), None) => Some(ProtocolChoice::Version(crate::graphql::ids::decode_uuid(
                crate::graphql::ids::PROTOCOL,
                &id.into(),
            ))),
            (None, key) => key.map(ProtocolChoice::Key),
        };
        let lower = |text: &Option<String>| text.as_ref().map(|t| t.trim().to_ascii_lowercase());
        let term = match lower(&self.term).as_deref() {
            None => None,
            Some("autumn") => Some(Term::Autumn),
            Some("spring") => Some(Term::Spring),
            Some("summer") => Some(Term::Summer),
            Some(_) => return Err(ApiError::invalid("term", "autumn, spring or summer")),
        };
        let lens = match lower(&self.lens) {
            None => None,
            Some(text) => Some(
                <Lens as sea_orm::ActiveEnum>::try_from_value(&text).map_err(|_| {
                    ApiError::invalid(
                        "lens",
                        "consistency, fidelity, pupil_experience or safeguarding_routines",
                    )
                })?,
            ),
        };
        let academic_year = match self.academic_year.as_deref().map(str::trim) {
            None => None,
            Some(text) => Some(text.parse().map_err(|_| {
                ApiError::invalid(
                    "academicYear",
                    "the year the academic year starts, e.g. 2025",
                )
            })?),
        };
        let per_school = match lower(&self.per_school).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(ApiError::invalid("perSchool", "true or false")),
        };
        let schools = (list(&self.school_urns).iter())
            .map(|u| {
                u.parse()
                    .map_err(|_| ApiError::invalid("schoolUrns", "URNs are numbers"))
            })
            .collect::<Result<_, _>>()?;
        let filter = Filter {
            protocol,
            from: date("from", &self.from)?,
            to: date("to", &self.to)?,
            academic_year,
            term,
            lens,
            focus_area: self.focus_area,
            indicator_codes: list(&self.indicator_codes),
            subjects: list(&self.subjects),
            key_stages: list(&self.key_stages),
            schools,
        };
        let group_by = lower(&self.group_by).unwrap_or_else(|| "school".to_owned());
        let grouping = match (group_by.as_str(), per_school) {
            ("trust", false) => Grouping::Trust,
            ("school" | "trust", _) => Grouping::School,
            (name, per_school) => {
                let dimension = dimension(name).ok_or_else(|| {
                    ApiError::invalid(
                        "groupBy",
                        "trust, school, lens, focus_area, indicator, subject, key_stage, \
                         term or academic_year",
                    )
                })?;
                match per_school {
                    true => Grouping::SchoolBy(dimension),
                    false => Grouping::By(dimension),
                }
            }
        };
        Ok((filter, grouping))
    }
}

/// Text a spreadsheet would not run as a formula.
fn cell_text(text: &str) -> String {
    match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_owned(),
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The report's cells as CSV, with the grouping's key columns first.
pub fn csv(report: &Report, grouping: Grouping, names: &BTreeMap<i32, String>) -> String {
    let dimension = match grouping {
        Grouping::By(d) | Grouping::SchoolBy(d) => Some(d),
        _ => None,
    };
    let per_school = matches!(grouping, Grouping::School | Grouping::SchoolBy(_));
    let mut header: Vec<String> = Vec::new();
    if per_school {
        header.extend(["school_urn".into(), "school_name".into()]);
    }
    let key_columns: &[&str] = match dimension {
        None => &[],
        Some(Dimension::Lens) => &["lens"],
        Some(Dimension::FocusArea) => &["focus_area"],
        Some(Dimension::Indicator) => &["indicator_code"],
        Some(Dimension::Subject) => &["subject"],
        Some(Dimension::KeyStage) => &["key_stage"],
        Some(Dimension::Term) => &["academic_year", "term"],
        Some(Dimension::AcademicYear) => &["academic_year"],
    };
    header.extend(key_columns.iter().map(|c| (*c).to_owned()));
    header.extend(
        [
            "n",
            "visits",
            "schools",
            "not_observed",
            "not_applicable",
            "mean",
            "secure_rate",
        ]
        .map(str::to_owned),
    );
    let levels = &report.resolved.selection.levels;
    header.extend(levels.iter().map(|l| format!("level_{l}")));
    header.extend(["suppressed".into(), "suppression_reason".into()]);

    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut lines = vec![header];
    for group in &report.cells {
        let mut line: Vec<String> = Vec::new();
        if per_school {
            let urn = group.school_urn.unwrap_or_default();
            line.push(urn.to_string());
            line.push(cell_text(names.get(&urn).map_or("", String::as_str)));
        }
        let key = &group.key;
        let year = key.academic_year.map(|y| y.to_string()).unwrap_or_default();
        let term = (key.term.and_then(Term::from_number))
            .map_or(String::new(), |t| t.name().to_ascii_lowercase());
        let values: Vec<String> = match dimension {
            None => vec![],
            Some(Dimension::Lens) => vec![key.lens.clone().unwrap_or_default()],
            Some(Dimension::FocusArea) => vec![key.focus_area.clone().unwrap_or_default()],
            Some(Dimension::Indicator) => vec![key.indicator.clone().unwrap_or_default()],
            Some(Dimension::Subject) => vec![key.subject.clone().unwrap_or_default()],
            Some(Dimension::KeyStage) => vec![key.key_stage.clone().unwrap_or_default()],
            Some(Dimension::Term) => vec![year, term],
            Some(Dimension::AcademicYear) => vec![year],
        };
        line.extend(values.iter().map(|v| cell_text(v)));
        let cell = &group.cell;
        let c = cell.counts;
        let counts = [
            c.n,
            c.visits,
            cell.schools,
            c.not_observed,
            c.not_applicable,
        ];
        line.extend(counts.map(|v| match cell.pattern_only {
            true => String::new(),
            false => v.to_string(),
        }));
        line.extend([number(cell.mean), number(cell.secure_rate)]);
        match &cell.levels {
            Some(per_level) => line.extend(per_level.iter().map(|(_, n)| n.to_string())),
            None => line.extend(levels.iter().map(|_| String::new())),
        }
        line.push(cell.suppressed.to_string());
        line.push(cell.suppression_reason.clone().unwrap_or_default());
        lines.push(line);
    }
    for line in lines {
        // Writing to memory cannot fail.
        let _ = writer.write_record(&line);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
