//! The requests of the five scenarios, and the bench's own ratings file.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::server::Recorder;

/// 1: one trust, one term, by school and indicator, with the trust's cell.
pub const TERM: &str = "query($p: ID!, $y: Int!, $t: Term!) {
  variation(filter: { protocolId: $p, academicYear: $y, term: $t }, groupBy: INDICATOR,
            perSchool: true) {
    trust { n visits mean secureRate }
    cells { school { urn } indicatorCode n visits notObserved mean secureRate suppressed
            levels { level count } } } }";

/// 2: one trust over three academic years, by term.
pub const YEARS: &str = "query($p: ID!, $from: Date!, $to: Date!) {
  variation(filter: { protocolId: $p, from: $from, to: $to }, groupBy: TERM) {
    trust { n visits mean secureRate }
    cells { term academicYear n visits notObserved mean secureRate suppressed } } }";

/// 3: a partner's page of 100 walks with their school, visits and ratings.
pub const PAGE: &str = "{ walks(first: 100) { pageInfo { hasNextPage endCursor }
  nodes { id externalId date status school { urn name }
    visits(first: 8) { nodes { id subject keyStage
      ratings(first: 40) { nodes { outcome level indicator { code } observer { reference } } } } } } } }";

/// 4: a page of the change feed, after a cursor.
pub const FEED: &str = "query($after: String) { changes(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { operation recordType recordId changedAt
    record { id ... on Walk { status version } ... on Visit { subject } } } } } }";

/// Counts of the page-3 answer, to say what was measured.
pub fn page_size(answer: &Value) -> (usize, usize, usize) {
    let walks = answer["data"]["walks"]["nodes"].as_array();
    let walks = walks.map(Vec::as_slice).unwrap_or_default();
    let visits = walks
        .iter()
        .flat_map(|w| w["visits"]["nodes"].as_array().into_iter().flatten());
    let (mut visit_count, mut ratings) = (0, 0);
    for visit in visits {
        visit_count += 1;
        ratings += visit["ratings"]["nodes"].as_array().map_or(0, Vec::len);
    }
    (walks.len(), visit_count, ratings)
}

/// Pages through the whole feed at `endpoint`, one request at a time:
/// pages, entries, and each page's latency.
pub async fn walk_feed(api: &Recorder, endpoint: &str) -> Result<(usize, usize, Vec<Duration>)> {
    let (mut after, mut entries, mut latencies) = (Value::Null, 0, Vec::new());
    loop {
        let body = json!({ "query": FEED, "variables": { "after": after } });
        let started = Instant::now();
        let answer = api.post(endpoint, &body).await?;
        latencies.push(started.elapsed());
        let page = &answer["data"]["changes"];
        entries += page["edges"].as_array().map_or(0, Vec::len);
        if page["pageInfo"]["hasNextPage"] != true {
            return Ok((latencies.len(), entries, latencies));
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// The second page's body: a cursor in the middle of the feed.
pub async fn second_feed_page(api: &Recorder) -> Result<Value> {
    let first = json!({ "query": FEED, "variables": { "after": null } });
    let answer = api.post(&api.endpoint, &first).await?;
    let cursor = answer["data"]["changes"]["pageInfo"]["endCursor"].clone();
    Ok(json!({ "query": FEED, "variables": { "after": cursor } }))
}

/// What a generated ratings file is made of: the trust's schools (URN and
/// phase) and the protocol's indicator codes.
pub struct Shape {
    pub schools: Vec<i32>,
    pub codes: Vec<String>,
}

impl Shape {
    pub async fn of(api: &Recorder, protocol: &str) -> Result<Shape> {
        let query = "query($p: ID!) { schools(first: 100) { nodes { urn } }
          protocol(id: $p) { focusAreas { indicators { code } } } }";
        let body = json!({ "query": query, "variables": { "p": protocol } });
        let answer = api.post(&api.endpoint, &body).await?;
        let data = &answer["data"];
        let schools = (data["schools"]["nodes"]
            .as_array()
            .context("schools")?
            .iter())
        .filter_map(|s| s["urn"].as_i64()?.try_into().ok())
        .collect();
        let areas = data["protocol"]["focusAreas"]
            .as_array()
            .context("focus areas")?;
        let codes = (areas.iter())
            .flat_map(|a| a["indicators"].as_array().into_iter().flatten())
            .filter_map(|i| Some(i["code"].as_str()?.to_owned()))
            .collect();
        Ok(Shape { schools, codes })
    }

    /// About `ratings` ratings of a summer term: walks of six visits, every
    /// indicator rated by a lead and a second observer, walk names under
    /// `prefix` so each file imports as new walks.
    pub fn ratings_csv(&self, prefix: &str, ratings: usize) -> Result<String> {
        let header = "walk,school_urn,date,lead,visit,subject,key_stage,observer,\
                      observer_role,indicator,level\n";
        let mut csv = String::with_capacity(ratings * 90);
        csv.push_str(header);
        let per_walk = 6 * self.codes.len() * 2;
        let walks = ratings.div_ceil(per_walk.max(1));
        let subjects = ["English", "Maths", "Science", "History", "Art", "PE"];
        for w in 0..walks {
            let urn = self.schools[w % self.schools.len().max(1)];
            let day = 1 + (w * 7) % 28;
            let date = format!("2026-06-{day:02}");
            let (walk, lead) = (format!("{prefix}-w{w}"), format!("bench-lead-{}", w % 9));
            for v in 0..6 {
                let subject = subjects[(w + v) % subjects.len()];
                let visit = format!("{walk},{urn},{date},{lead},{walk}-v{v},{subject},KS2");
                for (i, code) in self.codes.iter().enumerate() {
                    let level = 1 + (w * 7 + v * 3 + i) % 4;
                    let second = 1 + (w * 7 + v * 3 + i + (i % 3 == 0) as usize) % 4;
                    writeln!(csv, "{visit},{lead},lead,{code},{level}")?;
                    let other = format!("bench-second-{}", w % 7);
                    writeln!(csv, "{visit},{other},co_observer,{code},{second}")?;
                }
            }
        }
        Ok(csv)
    }
}
