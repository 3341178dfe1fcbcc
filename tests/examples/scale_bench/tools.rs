//! The load tools beside the service: wrk for HTTP, pgbench for the same SQL.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, ensure};

/// Throughput and latency of one run of a tool.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// The mean, where the tool's log gives every latency (the variation
    /// bench reports it; this one does not).
    #[allow(dead_code)]
    pub mean_ms: f64,
}

/// A wrk script posting `body` (a file) with a bearer token.
pub fn wrk_script(dir: &Path, name: &str, body: &str, token: &str, kind: &str) -> Result<String> {
    let body_file = dir.join(format!("{name}.body"));
    std::fs::write(&body_file, body)?;
    let script = dir.join(format!("{name}.lua"));
    let lua = format!(
        "wrk.method = \"POST\"\n\
         wrk.headers[\"Content-Type\"] = \"{kind}\"\n\
         wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n\
         local f = assert(io.open(\"{}\", \"rb\"))\n\
         wrk.body = f:read(\"*a\")\n\
         f:close()\n",
        body_file.display()
    );
    std::fs::write(&script, lua)?;
    Ok(script.display().to_string())
}

/// Runs wrk with `clients` connections for `secs` seconds against `url`.
pub fn wrk(url: &str, script: &str, clients: usize, secs: u64) -> Result<Figures> {
    let threads = clients.min(2).to_string();
    let (clients, secs) = (clients.to_string(), format!("{secs}s"));
    let args = [
        "-t",
        &threads,
        "-c",
        &clients,
        "-d",
        &secs,
        "--latency",
        "-s",
        script,
        url,
    ];
    let output = Command::new("wrk").args(args).output().context("run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout);
    ensure!(output.status.success(), "wrk failed: {text}");
    ensure!(
        !text.contains("Non-2xx") && !text.contains("Socket errors"),
        "wrk saw failures:\n{text}"
    );
    let field = |label: &str| {
        (text.lines().map(str::trim))
            .find_map(|l| l.strip_prefix(label))
            .map(str::trim)
            .with_context(|| format!("no {label:?} in wrk output:\n{text}"))
    };
    Ok(Figures {
        per_second: field("Requests/sec:")?.parse()?,
        p50_ms: duration_ms(field("50%")?)?,
        p99_ms: duration_ms(field("99%")?)?,
        mean_ms: f64::NAN,
    })
}

/// wrk's durations: `812.00us`, `3.25ms`, `1.02s`, `2.00m`.
fn duration_ms(text: &str) -> Result<f64> {
    let units = [("us", 1e-3), ("ms", 1.0), ("s", 1e3), ("m", 60e3)];
    for (unit, scale) in units {
        if let Some(number) = text.strip_suffix(unit)
            && let Ok(value) = number.parse::<f64>()
        {
            return Ok(value * scale);
        }
    }
    anyhow::bail!("not a wrk duration: {text:?}")
}

/// Runs the SQL script with pgbench (no vacuum, one thread per client, the
/// query `mode`: `prepared` or `simple`) for `secs` seconds, or
/// `transactions` times per client when given. Latencies come from its
/// per-transaction log: without -P or --rate its own "latency average" is
/// clients × time / count.
pub fn pgbench(
    url: &str,
    script: &Path,
    clients: usize,
    length: (u64, Option<u64>),
    mode: &str,
) -> Result<Figures> {
    let (secs, transactions) = length;
    let logs = script.with_extension(format!("{clients}-{mode}-log"));
    let _ = std::fs::remove_dir_all(&logs);
    std::fs::create_dir_all(&logs)?;
    let length = match transactions {
        Some(count) => format!("-t {count}"),
        None => format!("-T {secs}"),
    };
    let flags = format!("-n -M {mode} -c {clients} -j {clients} {length} -l --log-prefix");
    let (prefix, script) = (logs.join("tx"), script.display());
    let flags = format!("{flags} {} -f {script} {url}", prefix.display());
    let output = Command::new("pgbench")
        .args(flags.split(' '))
        .output()
        .context("run pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let error = String::from_utf8_lossy(&output.stderr);
    ensure!(output.status.success(), "pgbench failed: {text}{error}");
    let tps = (text.lines().find_map(|l| l.strip_prefix("tps = ")))
        .and_then(|rest| rest.split(' ').next()?.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench output:\n{text}"))?;
    let mut micros = Vec::new();
    for entry in std::fs::read_dir(&logs)? {
        for line in std::fs::read_to_string(entry?.path())?.lines() {
            micros.extend(line.split(' ').nth(2).and_then(|t| t.parse::<u64>().ok()));
        }
    }
    micros.sort_unstable();
    let at = |q: usize| micros.get(micros.len().saturating_sub(1) * q / 100);
    let ms = |q| at(q).copied().unwrap_or_default() as f64 / 1e3;
    let mean = micros.iter().sum::<u64>() as f64 / micros.len().max(1) as f64 / 1e3;
    Ok(Figures {
        per_second: tps,
        p50_ms: ms(50),
        p99_ms: ms(99),
        mean_ms: mean,
    })
}

/// Resident and peak memory of a process, in MB.
pub fn memory_mb(pid: u32) -> Result<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb = |label: &str| {
        (status.lines().find_map(|l| l.strip_prefix(label)))
            .and_then(|rest| rest.trim().trim_end_matches(" kB").parse::<f64>().ok())
            .with_context(|| format!("no {label} in /proc/{pid}/status"))
    };
    Ok((kb("VmRSS:")? / 1024.0, kb("VmHWM:")? / 1024.0))
}
