//! Row-level security on PostgreSQL: whose rows a connection may touch.
//!
//! Every tenant table has a policy that shows and accepts only rows whose
//! `trust_id` equals the session setting `walks.trust`, for the role
//! [`APP_ROLE`] (migration 014). Each time a connection leaves the pool, a
//! hook sets that role and setting from the task that takes it:
//!
//! - inside [`request`], after [`enter`]: the caller's trust only;
//! - inside [`as_admin`] (migrations, the CLI, the demo): the connecting
//!   user's own role, which the policies do not bind;
//! - anywhere else, including a request before its token is checked: the
//!   app role with no trust, which sees no tenant rows at all.
//!
//! So a query that forgot its tenant filter still returns nothing of other
//! trusts. SQLite has no row-level security and ignores all of this.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use sea_orm::sqlx::PgConnection;

/// The role the service's requests run as on PostgreSQL.
pub const APP_ROLE: &str = "learning_walks_app";

/// The session setting the policies compare `trust_id` with.
pub const SETTING: &str = "walks.trust";

/// What the task holding a connection may reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// No tenant rows.
    Nothing,
    /// One trust's rows, by its uid.
    Trust(Arc<str>),
    /// Every row, as the connecting user.
    Admin,
}

tokio::task_local! {
    static ACCESS: RefCell<Access>;
}

/// The access of the current task; [`Access::Nothing`] outside any scope.
pub fn current() -> Access {
    ACCESS
        .try_with(|access| access.borrow().clone())
        .unwrap_or(Access::Nothing)
}

/// Runs `work` with access to every row (migrations, the CLI, the demo).
pub async fn as_admin<F: Future>(work: F) -> F::Output {
    ACCESS.scope(RefCell::new(Access::Admin), work).await
}

/// Runs `work` with access to `trust`'s rows only.
pub async fn as_trust<F: Future>(trust: &str, work: F) -> F::Output {
    let access = Access::Trust(Arc::from(trust));
    ACCESS.scope(RefCell::new(access), work).await
}

/// Runs one HTTP request: it reaches nothing until [`enter`] names the
/// trust its verified token belongs to.
pub async fn request<F: Future>(work: F) -> F::Output {
    ACCESS.scope(RefCell::new(Access::Nothing), work).await
}

/// Narrows the running request to `trust`. Outside [`request`] it changes
/// nothing, so the task keeps the access it had.
pub fn enter(trust: &str) {
    let _ = ACCESS.try_with(|access| {
        let mut access = access.borrow_mut();
        if *access == Access::Nothing {
            *access = Access::Trust(Arc::from(trust));
        }
    });
}

/// `work` carrying the current task's access into a task it is spawned on
/// (task-locals do not cross `tokio::spawn`).
pub fn inherit<F: Future>(work: F) -> impl Future<Output = F::Output> {
    ACCESS.scope(RefCell::new(current()), work)
}

/// Sets the session's role and trust for the task taking `conn`.
///
/// Known cost: one round trip each time a connection leaves the pool, which
/// outside a transaction is once per statement (about a tenth of the
/// throughput of a variation request; docs/benchmarks.md).
pub async fn apply(conn: &mut PgConnection) -> Result<(), sea_orm::sqlx::Error> {
    let (role, trust) = match current() {
        Access::Nothing => (APP_ROLE, String::new()),
        Access::Trust(trust) => (APP_ROLE, trust.to_string()),
        Access::Admin => ("none", String::new()),
    };
    sea_orm::sqlx::query("SELECT set_config('role', $1, false), set_config($2, $3, false)")
        .bind(role)
        .bind(SETTING)
        .bind(trust)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_reaches_nothing_until_it_enters_its_trust() {
        assert_eq!(current(), Access::Nothing);
        request(async {
            assert_eq!(current(), Access::Nothing);
            enter("2516");
            assert_eq!(current(), Access::Trust(Arc::from("2516")));
            enter("9999");
            assert_eq!(current(), Access::Trust(Arc::from("2516")));
            let spawned = tokio::spawn(inherit(async { current() }));
            assert_eq!(
                spawned.await.expect("spawned"),
                Access::Trust(Arc::from("2516"))
            );
            assert_eq!(
                tokio::spawn(async { current() }).await.expect("spawned"),
                Access::Nothing
            );
        })
        .await;
        as_admin(async {
            enter("2516");
            assert_eq!(current(), Access::Admin);
        })
        .await;
    }
}
