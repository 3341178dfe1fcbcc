use super::parse::{Entry, HEADER, parse};

fn file(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text.into_bytes()
}

#[test]
fn a_file_names_its_walks_visits_observers_and_ratings() {
    let parsed = parse(&file(&[
        "W1,900001,2025-11-29,a,V1,English,KS1,a,lead,RL1,",
        "W1,900001,2025-11-29,a,V1,English,KS1,b,co_observer,RL1,3",
        "W1,900001,2025-11-29,a,V2,Science,,a,lead,RL1,4",
    ]))
    .expect("a good file");
    assert_eq!(parsed.walks.len(), 1);
    assert_eq!(parsed.walks["W1"].observers.len(), 2);
    assert_eq!(parsed.visits.len(), 2);
    assert_eq!(parsed.visits["V2"].key_stage, None);
    let entries: Vec<_> = parsed.ratings.iter().map(|r| r.entry).collect();
    assert_eq!(
        entries,
        [Entry::NotObserved, Entry::Level(3), Entry::Level(4)]
    );
}

#[test]
fn every_faulty_line_is_named() {
    let err = parse(&file(&[
        "W1,900001,2025-11-29,a,V1,English,KS1,a,lead,RL1,2",
        "W1,900001,2025-11-30,a,V1,English,KS1,b,co_observer,RL1,3",
        "W2,9x,2025-11-29,a,V3,English,KS1,a,lead,RL1,2",
        "W3,900001,2025-11-29,a,V4,English,KS9,b,lead,RL1,2",
        "W1,900001,2025-11-29,a,V1,English,KS1,a,lead,RL1,4",
    ]))
    .expect_err("a faulty file");
    let text = err.to_string();
    assert!(
        text.contains("line 3: walk W1 has another school, date or lead"),
        "{text}"
    );
    assert!(
        text.contains("line 4: school_urn \"9x\" is not a URN"),
        "{text}"
    );
    assert!(
        text.contains("line 5: observer b has role lead but the walk's lead is a"),
        "{text}"
    );
    assert!(
        text.contains("line 6: observer a already rated RL1 in visit V1"),
        "{text}"
    );
}

#[test]
fn a_file_without_a_column_is_refused() {
    let err = parse(b"walk,school_urn\nW1,900001\n").expect_err("no columns");
    assert!(err.to_string().contains("has no date column"), "{err}");
}
