//! `x-request-id`: a client's plain id is kept, any other replaced.

/// A client's `x-request-id` is echoed when it is a plain token of up to
/// 128 visible characters; a long one, or one with spaces or control
/// characters, is replaced by a fresh id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_plain_request_id_is_taken() {
    crate::helpers::run(crate::helpers::Store::Sqlite, |app| async move {
        let id_of = |sent: String| {
            let request = app.client().get(app.url("/health"));
            async move {
                let response = request.header("x-request-id", sent).send().await.unwrap();
                let id = &response.headers()["x-request-id"];
                id.to_str().unwrap().to_owned()
            }
        };
        let plain = "partner-7f3a_01.retry:2".to_owned();
        assert_eq!(id_of(plain.clone()).await, plain);
        let at_most = "a".repeat(128);
        assert_eq!(id_of(at_most.clone()).await, at_most);
        for bad in [
            "a".repeat(129),
            "two words".into(),
            "x\tlevel=ERROR fake".into(),
        ] {
            let given = id_of(bad.clone()).await;
            assert_ne!(given, bad);
            assert!(uuid::Uuid::parse_str(&given).is_ok(), "{given}");
        }
    })
    .await;
}
