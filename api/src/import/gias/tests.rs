//! Unit tests of reading GIAS files: decoding, header shapes and rows.

use super::parse::{GROUP_LINKS_2017, Shape, decode, detect, parse};

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
