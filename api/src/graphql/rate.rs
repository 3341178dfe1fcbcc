//! Rate limits by query cost: each token subject has a budget of cost
//! points a minute, refilled continuously, set per role. A request whose
//! cost the budget cannot cover is refused before it runs, with
//! `RATE_LIMITED` and the seconds until it could run.
//!
//! So that a flood costs the service little, a subject whose budget is
//! spent is refused at the edge before its request is read (see
//! `http::authenticate`), and a document
//! refused for being too complex or too deep is charged as much as the
//! dearest query allowed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ServerError, ValidationResult};

use super::extension::refusal;
use crate::auth::{Caller, Role};

/// Cost points a minute for each role; a caller gets its best role's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    pub default: u64,
    pub by_role: Vec<(Role, u64)>,
}

impl Budgets {
    fn per_minute(&self, caller: &Caller) -> u64 {
        let of_role = |role: &Role| {
            let set = self.by_role.iter().find(|(r, _)| r == role);
            set.map_or(self.default, |(_, n)| *n)
        };
        caller
            .roles
            .iter()
            .map(of_role)
            .max()
            .unwrap_or(self.default)
    }
}

/// What is left of one subject's budget, and when it was last topped up.
struct Bucket {
    points: f64,
    at: Instant,
}

// Known limit: the buckets live in this process, so each replica of the
// service keeps its own; sharing them needs a store such as Redis.
/// Every subject's bucket; shared by the service's requests.
pub struct RateLimiter {
    budgets: Budgets,
    buckets: Mutex<HashMap<(String, String), Bucket>>,
    /// What a document over the shape limits is charged.
    penalty: u64,
}

/// Buckets kept before full, idle ones are forgotten.
const KEPT: usize = 10_000;

impl RateLimiter {
    pub fn new(budgets: Budgets, penalty: u64) -> RateLimiter {
        RateLimiter {
            budgets,
            buckets: Mutex::default(),
            penalty,
        }
    }

    /// Takes `cost` from the caller's budget, or says how long until it
    /// could. A cost of 0 only asks whether any budget is left.
    fn take(&self, caller: &Caller, cost: u64) -> Result<(), Duration> {
        let per_minute = self.budgets.per_minute(caller).max(1) as f64;
        let per_second = per_minute / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= KEPT {
            // A full bucket is the same as none.
            buckets.retain(|_, b| now.duration_since(b.at).as_secs_f64() * per_second < per_minute);
        }
        let key = (caller.scope.trust.clone(), caller.subject.clone());
        let bucket = buckets.entry(key).or_insert(Bucket {
            points: per_minute,
            at: now,
        });
        let refilled = bucket.points + now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.points = refilled.min(per_minute);
        bucket.at = now;
        let cost = cost as f64;
        if cost > per_minute {
            // Never affordable: the caller must ask for less, not wait.
            return Err(Duration::MAX);
        }
        if cost == 0.0 && bucket.points >= 1.0 {
            return Ok(());
        }
        if cost > 0.0 && bucket.points >= cost {
            bucket.points -= cost;
            return Ok(());
        }
        let short = cost.max(1.0) - bucket.points;
        Err(Duration::from_secs_f64(short / per_second))
    }

    /// Whether the caller has any budget left; if not, the whole seconds
    /// until a point is back. Asked before a request is even read.
    pub fn check(&self, caller: &Caller) -> Result<(), u64> {
        self.take(caller, 0).map_err(|wait| wait.as_secs() + 1)
    }

    /// Takes `cost` from the caller's budget for a request outside GraphQL
    /// (the CSV export), or gives the whole seconds until it could; a cost
    /// above a whole minute's budget waits the minute.
    pub fn spend(&self, caller: &Caller, cost: u64) -> Result<(), u64> {
        self.take(caller, cost)
            .map_err(|wait| wait.as_secs().saturating_add(1).min(60))
    }

    /// Spends up to `cost` of the caller's budget, as far as it goes.
    fn drain(&self, caller: &Caller, cost: u64) {
        if self.take(caller, cost).is_err() {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            let key = (caller.scope.trust.clone(), caller.subject.clone());
            if let Some(bucket) = buckets.get_mut(&key) {
                bucket.points = 0.0;
            }
        }
    }
}

/// The extension that charges each request's cost once it is validated.
pub struct RateLimits(pub Arc<RateLimiter>);

impl ExtensionFactory for RateLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RateLimits(self.0.clone()))
    }
}

fn refuse(wait: Duration) -> ServerError {
    if wait == Duration::MAX {
        let message = "the query costs more than your budget for a minute: ask for less";
        return refusal("RATE_LIMITED", message.into(), None, &[]);
    }
    let seconds = wait.as_secs() + 1;
    let message = format!("the query's cost is over your rate limit: retry in {seconds} s");
    refusal("RATE_LIMITED", message, None, &[("retryAfter", seconds)])
}

#[async_trait::async_trait]
impl Extension for RateLimits {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.inspect_err(|errors| {
            let over = |e: &ServerError| e.message.starts_with("Query is");
            if let Some(caller) = ctx.data_opt::<Caller>()
                && errors.iter().any(over)
            {
                self.0.drain(caller, self.0.penalty);
            }
        })?;
        if let Some(caller) = ctx.data_opt::<Caller>() {
            self.0
                .take(caller, result.complexity as u64)
                .map_err(|wait| vec![refuse(wait)])?;
        }
        Ok(result)
    }
}
