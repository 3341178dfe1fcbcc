//! The server's own loop: a client that never finishes its headers, or
//! stalls in its body, is disconnected, and shutdown first turns readiness false, then stops
//! taking connections and returns.

use std::time::Duration;

use api::auth::AuthKeys;
use api::config::Limits;
use api::startup::{self, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{SECRET, Store, TestApp, run};

/// Serves the app over `app`'s database on a new port; the address and
/// the server's task, which a send on the returned channel stops.
async fn serve(
    app: &TestApp,
    header_read: Duration,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let keys = AuthKeys::hs256(SECRET, "learning-walks", "learning-walks-api").unwrap();
    let state = AppState::new(app.db().clone(), keys, Limits::default());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let serving = startup::Serving {
        drain: Duration::from_secs(2),
        header_read,
        notice: Duration::from_secs(1),
        ready: Some(state.ready.clone()),
    };
    let task = tokio::spawn(startup::serve_with(
        listener,
        startup::app(state),
        shutdown,
        serving,
    ));
    (address, stop, task)
}

/// Everything the server sends on `stream` until it closes, or `None`
/// if it is still open after `wait`.
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    run(Store::Sqlite, |app| async move {
        let (address, _stop, _task) = serve(&app, Duration::from_secs(1)).await;
        let mut slow = TcpStream::connect(address).await.unwrap();
        slow.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .unwrap();
        let closed = until_closed(&mut slow, Duration::from_secs(5)).await;
        assert!(closed.is_some(), "the connection is still open after 5 s");

        // A client that finishes its headers is answered.
        let mut prompt = TcpStream::connect(address).await.unwrap();
        let request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        prompt.write_all(request).await.unwrap();
        let answer = until_closed(&mut prompt, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stalls_in_its_body_is_cut_off() {
    run(Store::Sqlite, |app| async move {
        let (address, _stop, _task) = serve(&app, Duration::from_secs(1)).await;
        let mut slow = TcpStream::connect(address).await.unwrap();
        let start = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                     Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":";
        slow.write_all(start.as_bytes()).await.unwrap();
        let answer = until_closed(&mut slow, Duration::from_secs(5)).await;
        let answer = answer.expect("the connection is still open after 5 s");
        let status = answer.lines().next().unwrap_or_default();
        assert!(
            status.is_empty() || status.starts_with("HTTP/1.1 4"),
            "{answer}"
        );
    })
    .await;
}

/// The status line of `GET /health` on a new connection.
async fn health(address: std::net::SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    stream.write_all(request).await.unwrap();
    let answer = until_closed(&mut stream, Duration::from_secs(5))
        .await
        .unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_turns_readiness_false_then_stops_taking_connections() {
    run(Store::Sqlite, |app| async move {
        let (address, stop, task) = serve(&app, Duration::from_secs(10)).await;
        assert_eq!(health(address).await, "HTTP/1.1 200 OK");
        let mut idle = TcpStream::connect(address).await.unwrap();
        stop.send(()).unwrap();
        // During the notice the server still answers, but not ready.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(health(address).await, "HTTP/1.1 503 Service Unavailable");
        let served = tokio::time::timeout(Duration::from_secs(5), task).await;
        assert!(served.expect("the server returns").unwrap().is_ok());
        assert!(
            TcpStream::connect(address).await.is_err(),
            "still listening"
        );
        // The idle connection was closed too.
        assert!(
            until_closed(&mut idle, Duration::from_secs(5))
                .await
                .is_some()
        );
    })
    .await;
}
