//! Unit tests of reading protocol files and building their rows.

use super::file::ProtocolFile;
use super::rows::build;
use crate::import::store::stable_id;

const CORE: &[u8] = include_bytes!("../../../../data/protocol-trust-core.json");

fn edited(from: &str, to: &str) -> Vec<u8> {
    String::from_utf8_lossy(CORE)
        .replacen(from, to, 1)
        .into_bytes()
}

#[test]
fn the_trust_core_file_builds_with_stable_ids() {
    let rows = build("2516", CORE).expect("builds");
    assert_eq!((rows.levels.len(), rows.focus_areas.len()), (4, 4));
    assert_eq!(rows.indicators.len(), 15);
    assert_eq!(rows.protocol.id, stable_id("2516/protocol/trust-core/1"));
    assert_eq!(
        rows.indicators[0].id,
        stable_id("2516/protocol/trust-core/1/ind/RL1")
    );
    let file: ProtocolFile = serde_json::from_slice(CORE).expect("parses");
    assert_eq!(rows.content(), file);
}

#[test]
fn broken_files_are_refused_with_the_reason() {
    let cases = [
        (edited("\"consistency\"", "\"vibes\""), "unknown lens"),
        (edited("\"RL2\"", "\"RL1\""), "appears twice"),
        (
            edited("\"secure_threshold\": 3", "\"secure_threshold\": 7"),
            "secure threshold",
        ),
        (edited("{ \"value\": 2,", "{ \"value\": 1,"), "unique"),
    ];
    for (file, reason) in cases {
        let err = build("2516", &file).expect_err(reason).to_string();
        assert!(err.contains(reason), "{err}");
    }
}
