//! Reading `/metrics`: a strict check of the Prometheus text format
//! (version 0.0.4), then the samples as `prometheus-parse` reads them.

use prometheus_parse::{Sample, Scrape, Value};

/// Whether `name` is a metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `label="value",…` with escaped values; panics naming the fault.
fn check_labels(mut labels: &str, line: &str) {
    while !labels.is_empty() {
        let (name, rest) = labels.split_once("=\"").expect(line);
        assert!(is_metric_name(name), "bad label name in {line}");
        let mut end = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match (escaped, c) {
                (true, '\\' | '"' | 'n') => escaped = false,
                (true, _) => panic!("bad escape in {line}"),
                (false, '\\') => escaped = true,
                (false, '"') => {
                    end = Some(i);
                    break;
                }
                (false, _) => {}
            }
        }
        let end = end.expect(line);
        labels = rest[end + 1..]
            .strip_prefix(',')
            .unwrap_or(&rest[end + 1..]);
    }
}

/// Panics unless every line of `text` is a HELP, a TYPE or a sample of a
/// family whose TYPE came before it.
fn check_format(text: &str) {
    assert!(text.ends_with('\n'), "the exposition ends with a newline");
    let mut typed: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, _) = rest.split_once(' ').expect(line);
            assert!(is_metric_name(name), "{line}");
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect(line);
            assert!(is_metric_name(name), "{line}");
            let kinds = ["counter", "gauge", "histogram", "summary", "untyped"];
            assert!(kinds.contains(&kind), "{line}");
            typed.push((name.to_owned(), kind.to_owned()));
        } else {
            let (series, value) = line.rsplit_once(' ').expect(line);
            assert!(
                value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
                "bad value in {line}"
            );
            let (name, labels) = match series.split_once('{') {
                Some((name, labels)) => (name, labels.strip_suffix('}').expect(line)),
                None => (series, ""),
            };
            assert!(is_metric_name(name), "{line}");
            check_labels(labels, line);
            let (family, kind) = typed.last().expect("a sample before any TYPE");
            let suffixes: &[&str] = match kind.as_str() {
                "histogram" => &["_bucket", "_sum", "_count"],
                _ => &[""],
            };
            let belongs = suffixes.iter().any(|s| name == format!("{family}{s}"));
            assert!(belongs, "{line} is not of the family {family}");
        }
    }
}

/// GETs `/metrics` (with `token`, if any), checks its format and returns
/// its text and samples.
pub async fn scrape(app: &crate::helpers::TestApp, token: Option<&str>) -> (String, Vec<Sample>) {
    let mut request = app.client().get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let text = response.text().await.unwrap();
    check_format(&text);
    let lines = text.lines().map(|line| Ok(line.to_owned()));
    (text.clone(), Scrape::parse(lines).unwrap().samples)
}

/// The value of the counter or gauge `metric` with exactly `labels`, or
/// 0 when there is no such series.
pub fn value(samples: &[Sample], metric: &str, labels: &[(&str, &str)]) -> f64 {
    let found = samples.iter().find(|s| {
        s.metric == metric
            && s.labels.len() == labels.len()
            && labels.iter().all(|(k, v)| s.labels.get(k) == Some(v))
    });
    match found.map(|s| &s.value) {
        Some(Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v)) => *v,
        Some(other) => panic!("{metric} is {other:?}"),
        None => 0.0,
    }
}

/// The buckets of the histogram `metric` with `labels`: (upper bound,
/// cumulative count), in order.
pub fn buckets(samples: &[Sample], metric: &str, labels: &[(&str, &str)]) -> Vec<(f64, f64)> {
    let found = samples.iter().find(|s| {
        s.metric == metric
            && s.labels.len() == labels.len()
            && labels.iter().all(|(k, v)| s.labels.get(k) == Some(v))
    });
    match found.map(|s| &s.value) {
        Some(Value::Histogram(counts)) => counts.iter().map(|c| (c.less_than, c.count)).collect(),
        other => panic!("{metric} {labels:?} is {other:?}"),
    }
}
