//! Reading a GIAS file: decoding its bytes, telling its shape from the
//! header, and turning each row into a trust and a school.

use std::borrow::Cow;
use std::collections::BTreeMap;

use anyhow::{Context, bail};
use chrono::{NaiveDate, Utc};
use encoding_rs::WINDOWS_1252;
use entity::{school, trust};

/// Columns of the 2017 group-links extract, in the order of [`Field`].
pub(super) const GROUP_LINKS_2017: &str = "urn,name,phase,type,la_name,postcode,\
    trust_uid,trust_name,joined_date,companies_house_number";

/// Columns of the current `edubasealldata` download, in the order of [`Field`].
const EDUBASE: &str = "URN,EstablishmentName,PhaseOfEducation (name),\
    TypeOfEstablishment (name),LA (name),Postcode,Trusts (code),Trusts (name)";

/// Positions in the column lists above.
enum Field {
    Urn,
    Name,
    Phase,
    Type,
    LocalAuthority,
    Postcode,
    TrustUid,
    TrustName,
    JoinedDate,
    CompaniesHouse,
}

/// The shape of a GIAS file, told apart by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    GroupLinks2017,
    Edubase,
}

/// A GIAS file read into rows, keyed by trust UID and by (trust UID, URN).
#[derive(Debug)]
pub(crate) struct Parsed {
    pub trusts: BTreeMap<String, trust::Model>,
    pub schools: BTreeMap<(String, i32), school::Model>,
    pub skipped: usize,
}

/// Strips a UTF-8 byte-order mark, then reads UTF-8, or Windows-1252 when
/// the bytes are not valid UTF-8 (older GIAS downloads are).
pub(super) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Tells the shape from the header and finds each needed column's position.
pub(super) fn detect(headers: &csv::StringRecord) -> anyhow::Result<(Shape, Vec<usize>)> {
    let names: Vec<&str> = headers.iter().map(str::trim).collect();
    for (shape, columns) in [
        (Shape::GroupLinks2017, GROUP_LINKS_2017),
        (Shape::Edubase, EDUBASE),
    ] {
        let found: Option<Vec<usize>> = (columns.split(','))
            .map(|c| names.iter().position(|n| *n == c))
            .collect();
        if let Some(positions) = found {
            return Ok((shape, positions));
        }
    }

    bail!(
        "unrecognised GIAS file header: expected the 2017 group-links columns ({}) \
         or the edubasealldata columns ({})",
        GROUP_LINKS_2017.replace(',', ", "),
        EDUBASE.replace(',', ", "),
    )
}

/// Reads the file into trusts and schools, checking every row it keeps.
pub(crate) fn parse(bytes: &[u8]) -> anyhow::Result<Parsed> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().context("cannot read the CSV header")?;
    let (shape, columns) = detect(headers)?;
    let (mut trusts, mut schools, mut skipped) = (BTreeMap::new(), BTreeMap::new(), 0);
    let now = Utc::now();

    for record in reader.records() {
        let record = record.context("malformed CSV")?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |f: Field| record.get(columns[f as usize]).map_or("", str::trim);
        let optional = |f: Field| Some(field(f).to_owned()).filter(|v| !v.is_empty());

        let trust_uid = field(Field::TrustUid);
        if trust_uid.is_empty() {
            skipped += 1;
            continue;
        }
        let urn_text = field(Field::Urn);
        let urn: i32 = (urn_text.parse())
            .with_context(|| format!("line {line}: URN {urn_text:?} is not a number"))?;
        let name = optional(Field::Name)
            .with_context(|| format!("line {line}: school {urn} has no name"))?;
        let trust_name = optional(Field::TrustName)
            .with_context(|| format!("line {line}: trust {trust_uid} has no name"))?;
        let (mut joined_on, mut companies_house_number) = (None, None);
        if shape == Shape::GroupLinks2017 {
            joined_on = (optional(Field::JoinedDate))
                .map(|d| NaiveDate::parse_from_str(&d, "%d-%m-%Y"))
                .transpose()
                .with_context(|| format!("line {line}: joined date is not dd-mm-yyyy"))?;
            companies_house_number = optional(Field::CompaniesHouse);
        }

        let trust = trusts
            .entry(trust_uid.to_owned())
            .or_insert_with(|| trust::Model {
                uid: trust_uid.to_owned(),
                name: trust_name,
                companies_house_number: None,
                min_cell_size: 5,
                strict_neutral_language: false,
                judgemental_terms: None,
                created_at: now,
            });
        if trust.companies_house_number.is_none() {
            trust.companies_house_number = companies_house_number;
        }
        let school = school::Model {
            trust_id: trust_uid.to_owned(),
            urn,
            name,
            phase: optional(Field::Phase).filter(|p| p != "Not applicable"),
            establishment_type: optional(Field::Type),
            local_authority: optional(Field::LocalAuthority),
            postcode: optional(Field::Postcode),
            joined_on,
        };
        schools.insert((trust_uid.to_owned(), urn), school);
    }

    Ok(Parsed {
        trusts,
        schools,
        skipped,
    })
}
