//! Loading trusts and their schools from a GIAS (Get Information about
//! Schools) CSV: the 2017 group-links extract or the current `edubasealldata`
//! download. Only the columns named below are read; personal columns (head
//! teacher names, telephone numbers and the like) are never touched.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, bail};
use chrono::{NaiveDate, Utc};
use encoding_rs::WINDOWS_1252;
use entity::{school, trust};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait};
use sea_orm::{IntoActiveModel, TransactionTrait};

/// Rows per INSERT statement, far below SQLite's and PostgreSQL's bind limits.
pub(crate) const CHUNK_ROWS: usize = 500;

/// Columns of the 2017 group-links extract, in the order of [`Field`].
const GROUP_LINKS_2017: &str = "urn,name,phase,type,la_name,postcode,trust_uid,\
    trust_name,joined_date,companies_house_number";

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

/// The shape of a GIAS file, told apart by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
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
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Tells the shape from the header and finds each needed column's position.
pub(crate) fn detect(headers: &csv::StringRecord) -> anyhow::Result<(Shape, Vec<usize>)> {
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

/// Inserts rows in statements of [`CHUNK_ROWS`], with an optional upsert rule.
pub(crate) async fn insert_chunked<A, I>(
    db: &impl ConnectionTrait,
    rows: I,
    on_conflict: Option<&OnConflict>,
) -> anyhow::Result<()>
where
    A: ActiveModelTrait,
    I: IntoIterator<Item = A>,
{
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK_ROWS).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        let mut insert = <A::Entity as EntityTrait>::insert_many(chunk);
        if let Some(rule) = on_conflict {
            insert = insert.on_conflict(rule.clone());
        }
        insert
            .exec_without_returning(db)
            .await
            .context("cannot write rows")?;
    }
}

/// Rows of a file compared with the stored ones: those to write, and counts.
struct Diff<A> {
    write: Vec<A>,
    new: usize,
    updated: usize,
    unchanged: usize,
}

/// Compares file rows with stored rows by key; `merge` keeps what the file
/// does not say from the stored row.
fn diff<K: Ord, M, A>(
    rows: BTreeMap<K, M>,
    stored: Vec<M>,
    key: impl Fn(&M) -> K,
    merge: impl Fn(M, &M) -> M,
) -> Diff<A>
where
    M: PartialEq + IntoActiveModel<A>,
    A: ActiveModelTrait,
{
    let stored: BTreeMap<K, M> = stored.into_iter().map(|m| (key(&m), m)).collect();
    let mut diff = Diff {
        write: Vec::new(),
        new: 0,
        updated: 0,
        unchanged: 0,
    };
    for (key, row) in rows {
        let row = match stored.get(&key) {
            None => {
                diff.new += 1;
                row
            }
            Some(old) => match merge(row, old) {
                row if row == *old => {
                    diff.unchanged += 1;
                    continue;
                }
                row => {
                    diff.updated += 1;
                    row
                }
            },
        };
        diff.write.push(row.into_active_model());
    }
    diff
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
    insert_chunked(&txn, schools.write, Some(&rule)).await?;

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

#[cfg(test)]
mod tests {
    use super::*;

    const EDUBASE_HEADER: &str = "URN,LA (name),EstablishmentName,\
        TypeOfEstablishment (name),HeadFirstName,HeadLastName,TelephoneNum,\
        PhaseOfEducation (name),Postcode,Trusts (code),Trusts (name)";

    fn header(line: &str) -> csv::StringRecord {
        csv::StringRecord::from(line.split(',').collect::<Vec<_>>())
    }

    #[test]
    fn decoding_strips_a_bom_and_falls_back_to_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFurn,name"), "urn,name");
        assert_eq!(decode("St Mary’s".as_bytes()), "St Mary’s");
        assert_eq!(decode(b"St Mary\x92s"), "St Mary\u{2019}s");
    }

    #[test]
    fn both_header_shapes_are_recognised_by_name_not_position() {
        let (shape, positions) = detect(&header(GROUP_LINKS_2017)).expect("2017");
        assert_eq!(
            (shape, positions),
            (Shape::GroupLinks2017, (0..10).collect())
        );
        let (shape, positions) = detect(&header(EDUBASE_HEADER)).expect("edubase");
        assert_eq!(
            (shape, positions),
            (Shape::Edubase, vec![0, 2, 7, 3, 1, 8, 9, 10])
        );
    }

    #[test]
    fn an_unknown_header_names_the_expected_columns() {
        let err = detect(&header("urn,name,trust"))
            .expect_err("unknown")
            .to_string();
        assert!(
            err.contains("trust_uid") && err.contains("Trusts (code)"),
            "{err}"
        );
    }

    #[test]
    fn an_edubase_file_in_windows_1252_is_read_without_personal_columns() {
        let mut file = format!("{EDUBASE_HEADER}\r\n").into_bytes();
        file.extend_from_slice(b"100001,Camden,St Mary\x92s School,Academy converter,");
        file.extend_from_slice(b"Jo,Bloggs,0200,Not applicable,NW1 1AA,4321,");
        file.extend_from_slice(b"Example Trust\r\n");
        file.extend_from_slice(b"100002,Camden,Village School,Community school,A,B,");
        file.extend_from_slice(b"0300,Primary,NW1 1AB,,\r\n");
        let parsed = parse(&file).expect("parses");

        assert_eq!(parsed.skipped, 1);
        let school = &parsed.schools[&("4321".to_owned(), 100001)];
        assert_eq!(school.name, "St Mary\u{2019}s School");
        assert_eq!((school.phase.as_deref(), school.joined_on), (None, None));
        assert_eq!(parsed.trusts["4321"].name, "Example Trust");
    }

    #[test]
    fn an_unparsable_urn_names_its_line() {
        let rows = "1,A,Primary,T,L,P,9,Trust,01-09-2012,1\nx1,B,,,,,9,Trust,,\n";
        let file = format!("{GROUP_LINKS_2017}\n{rows}");
        let err = parse(file.as_bytes()).expect_err("bad URN").to_string();
        assert!(err.contains("line 3"), "{err}");
    }
}
