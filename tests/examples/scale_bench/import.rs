//! Scenarios 4 and 5: paging the change feed through a whole trust, and
//! a bulk import of ratings.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sea_orm::{
    ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait,
};

use crate::scenarios::{Shape, second_feed_page, walk_feed};
use crate::server::{Recorder, Served};
use crate::tools::{Figures, pgbench};
use crate::{Args, row, script};

fn quantile(latencies: &mut [Duration], q: f64) -> f64 {
    latencies.sort();
    let at = ((latencies.len().max(1) - 1) as f64 * q) as usize;
    latencies.get(at).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// 4: the whole trust's feed, 100 entries a page, one request at a time;
/// pgbench runs one page's statements (the second page) at one client.
pub async fn feed(
    args: &Args,
    api: &Recorder,
    served: &Served,
    dir: &Path,
    table: &mut String,
) -> Result<()> {
    let started = Instant::now();
    let (pages, entries, mut latencies) = walk_feed(api, &served.endpoint).await?;
    let secs = started.elapsed().as_secs_f64();
    println!("\n4: the feed: {entries} entries in {pages} pages, {secs:.2} s");
    let figures = Figures {
        per_second: pages as f64 / secs,
        p50_ms: quantile(&mut latencies, 0.5),
        p99_ms: quantile(&mut latencies, 0.99),
        mean_ms: f64::NAN,
    };
    let (_, statements) = api.record(&second_feed_page(api).await?).await?;
    println!("{} statements a page", statements.len());
    let sql = script(dir, "s4", &statements, false)?;
    let bench = match args.database_url.starts_with("postgres") {
        true => Some(pgbench(
            &args.database_url,
            &sql,
            1,
            (args.seconds, None),
            "prepared",
        )?),
        false => None,
    };
    row(table, "4: feed, page after page", 1, figures, bench);
    Ok(())
}

/// 5: a ratings file posted to `/import/ratings` of the release server,
/// timed; then the same import's statements, recorded in-process from a
/// second file, run by pgbench in a transaction it rolls back. Rows per
/// second are ratings per second. Both imports are removed afterwards.
pub async fn bulk(
    args: &Args,
    api: &Recorder,
    served: &Served,
    dir: &Path,
    table: &mut String,
    trust: &str,
) -> Result<()> {
    let protocol = protocol_id(api).await?;
    let shape = Shape::of(api, &protocol).await?;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    let stamp = stamp.as_secs();
    let postgres = args.database_url.starts_with("postgres");
    let admin = Database::connect(&args.database_url).await?;
    let before = last_seq(&admin, trust).await?;
    let prefix = format!("api-{stamp}");
    let csv = shape.ratings_csv(&prefix, args.import_ratings)?;
    let ratings = csv.lines().count() - 1;
    // Three imports, each removed again (the trust measured keeps its size)
    // and its dead rows vacuumed, so that every run starts alike; the
    // median counts.
    let mut runs = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let answer = api.import(&served.import_url(), &csv).await?;
        let secs = started.elapsed().as_secs_f64();
        forget(&admin, trust, &prefix, before).await?;
        println!("\n5: import of {ratings} ratings: {secs:.2} s; {answer}");
        runs.push(secs);
    }
    runs.sort_by(f64::total_cmp);
    let secs = runs[1];
    let ms = secs * 1e3;
    let figures = Figures {
        per_second: ratings as f64 / secs,
        p50_ms: ms,
        p99_ms: ms,
        mean_ms: ms,
    };
    if !postgres {
        row(table, "5: bulk import (ratings/s)", 1, figures, None);
        return Ok(());
    }

    let prefix = format!("rec-{stamp}");
    let (_, statements) = api
        .record_import(&shape.ratings_csv(&prefix, ratings)?)
        .await?;
    forget(&admin, trust, &prefix, before).await?;
    println!("{} statements recorded", statements.len());
    let sql = script(dir, "s5", &statements, true)?;
    // Simple protocol: pgbench would take the `:` of the JSON documents
    // for its own variables when preparing.
    let bench = pgbench(&args.database_url, &sql, 1, (0, Some(3)), "simple")?;
    let bench = Figures {
        per_second: ratings as f64 * 1e3 / bench.p50_ms,
        ..bench
    };
    row(table, "5: bulk import (ratings/s)", 1, figures, Some(bench));
    Ok(())
}

pub async fn protocol_id(api: &Recorder) -> Result<String> {
    let body = serde_json::json!({ "query": "{ protocols(first: 50) { nodes { id key } } }" });
    let answer = api.post(&api.endpoint, &body).await?;
    let nodes = answer["data"]["protocols"]["nodes"]
        .as_array()
        .context("protocols")?;
    let core = nodes
        .iter()
        .find(|p| p["key"] == "trust-core")
        .context("trust-core")?;
    Ok(core["id"].as_str().context("id")?.to_owned())
}

async fn last_seq(admin: &impl ConnectionTrait, trust: &str) -> Result<i64> {
    let sql = format!("SELECT last_seq FROM change_counters WHERE trust_id = '{trust}'");
    let row = admin.query_one_raw(Statement::from_string(admin.get_database_backend(), sql));
    let row = row.await?.context("no change counter")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Removes the recorded import's rows, so that pgbench can run its
/// statements again: the walks under `prefix`, their visits, ratings,
/// team, audit events and feed entries, and the counter moved back.
async fn forget(admin: &DatabaseConnection, trust: &str, prefix: &str, seq: i64) -> Result<()> {
    let walks = format!(
        "(SELECT id FROM walks WHERE trust_id = '{trust}' AND external_id LIKE '{prefix}-%')"
    );
    let visits =
        format!("(SELECT id FROM visits WHERE trust_id = '{trust}' AND walk_id IN {walks})");
    let statements = [
        format!("DELETE FROM ratings WHERE trust_id = '{trust}' AND visit_id IN {visits}"),
        format!("DELETE FROM visits WHERE trust_id = '{trust}' AND walk_id IN {walks}"),
        format!("DELETE FROM walk_observers WHERE trust_id = '{trust}' AND walk_id IN {walks}"),
        format!("DELETE FROM audit_events WHERE trust_id = '{trust}' AND walk_id IN {walks}"),
        format!("DELETE FROM walks WHERE trust_id = '{trust}' AND id IN {walks}"),
        format!("DELETE FROM changes WHERE trust_id = '{trust}' AND seq > {seq}"),
        format!("UPDATE change_counters SET last_seq = {seq} WHERE trust_id = '{trust}'"),
    ];
    let txn = admin.begin().await?;
    for sql in statements {
        txn.execute_unprepared(&sql).await?;
    }
    txn.commit().await?;
    if admin.get_database_backend() == DatabaseBackend::Postgres {
        let tables = "ratings, visits, walk_observers, audit_events, walks, changes";
        admin
            .execute_unprepared(&format!("VACUUM {tables}"))
            .await?;
    }
    Ok(())
}
