//! Declaring an end-to-end test once and running it on each store.

/// Declares each named `async fn(TestApp)` as two tests, one per store.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run($crate::helpers::Store::Sqlite, super::$name).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run($crate::helpers::Store::Postgres, super::$name).await;
            }
        }
    )*};
}

/// Declares each named `async fn(TestApp)` as a test on PostgreSQL only,
/// for what only PostgreSQL has (row-level security, its catalog).
#[macro_export]
macro_rules! on_postgres {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run($crate::helpers::Store::Postgres, super::$name).await;
            }
        }
    )*};
}
