//! One trust's records, written through the API so every kind the schema
//! exposes exists in several states: protocol versions (published, draft,
//! retired), observers, walks planned to cancelled, visits, ratings,
//! amendments, debriefs, actions, highlights, school notes, upserted
//! records and idempotency keys. Every text carries the trust's tag.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// What the harvest cannot read back through the API, and the writes
/// themselves, to replay with another trust's token.
pub struct Written {
    pub idempotency_keys: Vec<String>,
    pub writes: Vec<(String, Value)>,
}

struct Writer<'a> {
    app: &'a TestApp,
    token: String,
    tag: &'a str,
    written: Written,
}

/// A strong token of `trust` for the subject `sub-<tag>`.
pub fn strongest(app: &TestApp, trust: &str, tag: &str) -> String {
    let roles = [Role::TrustLeader, Role::Partner];
    app.token_for(&format!("sub-{tag}"), trust, &roles, None)
}

impl Writer<'_> {
    /// Runs `mutation` with `input` and returns its payload.
    async fn write(&mut self, field: &str, input: Value) -> Value {
        let (ty, selection) = SELECTIONS.iter().find(|(f, _)| *f == field).unwrap().1;
        let query = format!(
            "mutation($input: {ty}!) {{ {field}(input: $input) {{ {selection} userErrors {{ code message }} }} }}"
        );
        let variables = json!({ "input": input });
        let data = self.app.data(&self.token, &query, variables.clone()).await;
        self.written.writes.push((query, variables));
        data[field].clone()
    }

    fn idempotency(&mut self, n: u32) -> String {
        let key = format!("idem-{}-{n}", self.tag);
        self.written.idempotency_keys.push(key.clone());
        key
    }

    async fn walk(&mut self, urn: i64, protocol: &str, day: u32) -> String {
        let tag = self.tag;
        let input = json!({
            "schoolUrn": urn, "protocolId": protocol, "date": format!("2025-10-{day:02}"),
            "purpose": format!("Purpose {tag} {day}"),
            "observers": [
                { "reference": format!("lead-{tag}"), "displayName": format!("Lead {tag}"),
                  "role": "LEAD" },
                { "reference": format!("co-{tag}"), "displayName": format!("Co {tag}"),
                  "role": "CO_OBSERVER" },
            ],
            "idempotencyKey": self.idempotency(day),
        });
        let payload = self.write("createWalk", input).await;
        text(&payload["walk"]["id"])
    }

    async fn visit(&mut self, walk: &str, minutes: i32) -> String {
        let notes = format!("Notes {} {minutes}", self.tag);
        let input = json!({ "walkId": walk, "subject": "English", "yearGroup": 7,
            "minutes": minutes, "notes": notes });
        text(&self.write("addVisit", input).await["visit"]["id"])
    }

    /// The lead's and the co-observer's ratings of RL1 and RL2.
    async fn rate(&mut self, walk: &str, visit: &str) {
        for (observer, level) in [
            (format!("lead-{}", self.tag), 3),
            (format!("co-{}", self.tag), 2),
        ] {
            let evidence = format!("Evidence {} {observer}", self.tag);
            let ratings = json!([
                { "indicatorCode": "RL1", "level": level, "evidence": evidence },
                { "indicatorCode": "RL2", "level": 4 },
            ]);
            let input = json!({ "walkId": walk, "visitId": visit,
                "observerReference": observer, "ratings": ratings });
            self.write("recordRatings", input).await;
        }
    }

    /// A walk with one rated visit, submitted.
    async fn submitted(&mut self, urn: i64, protocol: &str, day: u32) -> (String, String) {
        let walk = self.walk(urn, protocol, day).await;
        let visit = self.visit(&walk, 20 + day as i32).await;
        self.rate(&walk, &visit).await;
        self.write("submitWalk", json!({ "walkId": walk })).await;
        (walk, visit)
    }

    async fn debrief(&mut self, walk: &str, day: u32) {
        let tag = self.tag;
        let input = json!({ "walkId": walk, "heldOn": format!("2025-11-{day:02}"),
            "participants": ["HEAD", "OBSERVER"], "strengths": format!("Strengths {tag}"),
            "reflections": format!("Reflections {tag}"),
            "actions": [{ "description": format!("Action {tag} {day}"),
                "ownerRole": "SUBJECT_LEAD", "dueOn": "2026-01-15" }] });
        self.write("recordDebrief", input).await;
    }

    async fn draft(&mut self, key: &str) -> String {
        let tag = self.tag;
        let input = json!({ "key": key, "name": format!("Draft {tag}"),
            "purpose": format!("Draft purpose {tag}"),
            "scale": { "levels": [{ "value": 1, "label": format!("Low {tag}") },
                { "value": 2, "label": format!("High {tag}") }],
                "secureThreshold": 2, "allowsNotObserved": false },
            "focusAreas": [{ "key": format!("area-{tag}"), "lens": "FIDELITY",
                "title": format!("Area {tag}"), "indicators": [
                    { "code": "X1", "statement": format!("Statement {tag}") }] }] });
        text(&self.write("saveProtocolDraft", input).await["protocol"]["id"])
    }
}

/// The payload selection of each write the fixture makes.
const SELECTIONS: [(&str, (&str, &str)); 20] = [
    (
        "updateRecordingSettings",
        ("UpdateRecordingSettingsInput", "trust { id }"),
    ),
    ("upsertAction", ("UpsertActionInput", "action { id }")),
    (
        "recordSchoolContext",
        ("RecordSchoolContextInput", "context { id }"),
    ),
    ("createWalk", ("CreateWalkInput", "walk { id }")),
    ("addVisit", ("AddVisitInput", "visit { id }")),
    ("recordRatings", ("RecordRatingsInput", "visit { id }")),
    ("amendRatings", ("AmendRatingsInput", "visit { id }")),
    ("submitWalk", ("SubmitWalkInput", "walk { id }")),
    (
        "recordDebrief",
        ("RecordDebriefInput", "walk { id } actions { id }"),
    ),
    ("closeWalk", ("CloseWalkInput", "walk { id }")),
    ("cancelWalk", ("CancelWalkInput", "walk { id }")),
    (
        "createHighlight",
        ("CreateHighlightInput", "highlight { id }"),
    ),
    (
        "publishHighlight",
        ("PublishHighlightInput", "highlight { id }"),
    ),
    (
        "saveProtocolDraft",
        ("SaveProtocolDraftInput", "protocol { id }"),
    ),
    (
        "publishProtocol",
        ("ProtocolVersionInput", "protocol { id }"),
    ),
    (
        "retireProtocol",
        ("ProtocolVersionInput", "protocol { id }"),
    ),
    ("deleteVisit", ("DeleteVisitInput", "deletedVisitId")),
    ("upsertObserver", ("UpsertObserverInput", "observer { id }")),
    ("upsertWalk", ("UpsertWalkInput", "walk { id }")),
    ("upsertVisit", ("UpsertVisitInput", "visit { id }")),
];

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("an id: {value}"))
        .to_owned()
}

/// Writes `trust`'s records at its school `urn`, every text tagged `tag`.
pub async fn populate(app: &TestApp, trust: &str, urn: i64, tag: &str) -> Written {
    let protocol = app.import_core_protocol(trust).await;
    let written = Written {
        idempotency_keys: Vec::new(),
        writes: Vec::new(),
    };
    let token = strongest(app, trust, tag);
    let mut w = Writer {
        app,
        token,
        tag,
        written,
    };
    let settings = json!({ "judgementalTerms": [format!("term {tag}")], "minCellSize": 3 });
    w.write("updateRecordingSettings", settings).await;

    w.draft(&format!("draft-{tag}")).await;
    let retired = w.draft(&format!("retired-{tag}")).await;
    w.write("publishProtocol", json!({ "protocolId": retired }))
        .await;
    w.write("retireProtocol", json!({ "protocolId": retired }))
        .await;
    let observer = json!({ "externalId": format!("ext-obs-{tag}"),
        "displayName": format!("Observer {tag}"), "idempotencyKey": w.idempotency(90) });
    w.write("upsertObserver", observer).await;

    // Two of each early state, so the control's first success at moving
    // one walk along leaves another for the next mutation.
    w.walk(urn, &protocol, 1).await;
    w.walk(urn, &protocol, 7).await;
    for day in [2, 8] {
        let open = w.walk(urn, &protocol, day).await;
        let visit = w.visit(&open, 30 + day as i32).await;
        w.rate(&open, &visit).await;
    }
    let open = w.walk(urn, &protocol, 9).await;
    let dropped = w.visit(&open, 50).await;
    w.write("deleteVisit", json!({ "visitId": dropped })).await;

    w.submitted(urn, &protocol, 10).await;
    let (submitted, _) = w.submitted(urn, &protocol, 3).await;
    let highlight = json!({ "walkId": submitted, "focusAreaKey": "routines-for-learning",
        "title": format!("Highlight {tag}"), "description": format!("Seen {tag}") });
    let created = w.write("createHighlight", highlight).await;
    let id = text(&created["highlight"]["id"]);
    w.write("publishHighlight", json!({ "highlightId": id }))
        .await;

    let (debriefed, seen) = w.submitted(urn, &protocol, 4).await;
    w.debrief(&debriefed, 4).await;
    let amend = json!({ "walkId": debriefed, "visitId": seen, "reason": format!("Reason {tag}"),
        "ratings": [{ "indicatorCode": "RL2", "level": 1 }] });
    w.write("amendRatings", amend).await;
    let (closed, _) = w.submitted(urn, &protocol, 5).await;
    w.debrief(&closed, 5).await;
    w.write("closeWalk", json!({ "walkId": closed })).await;
    let cancelled = w.walk(urn, &protocol, 6).await;
    let reason = format!("Called off {tag}");
    w.write(
        "cancelWalk",
        json!({ "walkId": cancelled, "reason": reason }),
    )
    .await;

    let tagged = |kind: &str| format!("ext-{kind}-{tag}");
    // On a protocol of its own, so that the control's retiring of the
    // richest walk's protocol leaves this walk's upsert possible.
    let bytes = std::fs::read(crate::helpers::data_file("protocol-early-reading.json")).unwrap();
    let reading = api::import::protocol::import_protocol(app.db(), trust, &bytes)
        .await
        .unwrap();
    let reading = api::graphql::ids::encode(api::graphql::ids::PROTOCOL, reading.id).0;
    let walk = json!({ "externalId": tagged("walk"), "schoolUrn": urn, "protocolId": reading,
        "date": "2025-10-07", "purpose": format!("Upserted {tag}"),
        "observers": [{ "reference": format!("lead-{tag}"), "displayName": format!("Lead {tag}"),
            "role": "LEAD" }] });
    let mut visited = walk.clone();
    w.write("upsertWalk", walk).await;
    visited["externalId"] = json!(tagged("visited-walk"));
    let visited = text(&w.write("upsertWalk", visited).await["walk"]["id"]);
    let visit = json!({ "externalId": tagged("visit"), "walkId": visited, "subject": "Maths",
        "minutes": 12, "notes": format!("Upserted notes {tag}") });
    w.write("upsertVisit", visit).await;
    let action = json!({ "externalId": tagged("action"), "walkId": debriefed,
        "description": format!("Upserted action {tag}"), "ownerRole": "HEAD",
        "dueOn": "2026-02-01" });
    w.write("upsertAction", action).await;

    let note = json!({ "schoolUrn": urn, "writtenOn": "2025-09-01",
        "note": format!("Context {tag}"), "idempotencyKey": w.idempotency(91) });
    w.write("recordSchoolContext", note).await;
    w.written
}
