//! The rows of the bench's table: one per run, and medians over rounds.

use std::fmt::Write as _;

use crate::tools::Figures;

/// One table row: the API's figures and, on PostgreSQL, pgbench's.
pub fn row(table: &mut String, label: &str, clients: usize, api: Figures, sql: Option<Figures>) {
    let _ = write!(
        table,
        "| {label} | {clients} | {:.0} | {:.2} | {:.2} |",
        api.per_second, api.p50_ms, api.p99_ms
    );
    let _ = match sql {
        Some(sql) => writeln!(
            table,
            " {:.0} | {:.2} | {:.2} | {:.0}% | {:.1}× |",
            sql.per_second,
            sql.p50_ms,
            sql.p99_ms,
            100.0 * api.per_second / sql.per_second,
            api.p99_ms / sql.p99_ms
        ),
        None => writeln!(table, " | | | | |"),
    };
}

/// The middle value of `values` (the upper one of an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// A row of medians over rounds run back to back: each figure's own median,
/// and the medians of each round's ratios (a round's API and pgbench runs
/// are side by side, so its ratio is the fair one).
pub fn median_row(
    table: &mut String,
    label: &str,
    clients: usize,
    runs: &[(Figures, Option<Figures>)],
) {
    let of = |f: fn(&Figures) -> f64| median(runs.iter().map(|(api, _)| f(api)).collect());
    let _ = write!(
        table,
        "| {label}, median of {} | {clients} | {:.0} | {:.2} | {:.2} |",
        runs.len(),
        of(|f| f.per_second),
        of(|f| f.p50_ms),
        of(|f| f.p99_ms)
    );
    let sql: Vec<(Figures, Figures)> = (runs.iter())
        .filter_map(|&(api, sql)| Some((api, sql?)))
        .collect();
    let _ = match sql.is_empty() {
        true => writeln!(table, " | | | | |"),
        false => {
            let of = |f: fn(&(Figures, Figures)) -> f64| median(sql.iter().map(f).collect());
            writeln!(
                table,
                " {:.0} | {:.2} | {:.2} | {:.0}% | {:.1}× |",
                of(|(_, sql)| sql.per_second),
                of(|(_, sql)| sql.p50_ms),
                of(|(_, sql)| sql.p99_ms),
                of(|(api, sql)| 100.0 * api.per_second / sql.per_second),
                of(|(api, sql)| api.p99_ms / sql.p99_ms)
            )
        }
    };
}
