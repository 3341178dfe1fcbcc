//! The real service in a child process, so a test can SIGKILL it. The
//! child is this test binary run again on one test, which serves when the
//! parent names a database in its environment and does nothing otherwise.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use api::auth::AuthKeys;
use api::config::Cli;
use api::startup::{self, AppState};
use clap::Parser;

use crate::helpers::{AUDIENCE, ISSUER, SECRET};

/// The database the child serves; set only by [`Server::start`].
const DATABASE: &str = "LW_CHILD_DATABASE_URL";
/// The child's line giving its address.
const LISTENING: &str = "listening on ";
/// The child's line for each SQL statement it has run.
const STATEMENT: &str = "ran: ";

#[test]
fn serves_in_a_child_process_only_when_a_test_starts_one() {
    let Ok(url) = std::env::var(DATABASE) else {
        return;
    };
    // The parent holds our stdin: when it closes, whatever the reason, stop.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(serve(&url));
}

async fn serve(url: &str) {
    let cli = Cli::parse_from(["api", "--database-url", url, "--no-demo"]);
    let mut db = api::db::connect(&cli.config).await.unwrap();
    db.set_metric_callback(|info| {
        let sql: String = info.statement.sql.chars().take(40).collect();
        println!("{STATEMENT}{}", sql.replace('\n', " "));
    });
    let keys = AuthKeys::hs256(SECRET, ISSUER, AUDIENCE).unwrap();
    let state = AppState::new(db, keys, cli.config.limits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("{LISTENING}{}", listener.local_addr().unwrap());
    std::io::stdout().flush().unwrap();
    let app = startup::app(state);
    startup::serve(listener, app, std::future::pending(), Duration::ZERO)
        .await
        .unwrap();
}

/// What the watcher of a child reports.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    Listening(SocketAddr),
    /// Killed with SIGKILL after this statement.
    Killed(String),
    Exited,
}

/// A child process serving a database; it stops when this is dropped.
pub struct Server {
    pub address: SocketAddr,
    events: mpsc::Receiver<Event>,
    _stdin: std::process::ChildStdin,
}

impl Server {
    /// Starts a child serving `url`. With `kill_before`, the child is
    /// SIGKILLed as soon as it reports a statement beginning so.
    pub async fn start(url: &str, kill_before: Option<&'static str>) -> Server {
        let test = module_path!().split_once("::").unwrap().1;
        let test = format!("{test}::serves_in_a_child_process_only_when_a_test_starts_one");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", &test, "--nocapture", "--test-threads=1"])
            .env(DATABASE, url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, events) = mpsc::channel();
        // The watcher owns the child: it reads every line the child prints
        // (so the child never blocks on a full pipe) and kills on cue.
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                // libtest's "test … " starts the line the child's first is on.
                if let Some((_, address)) = line.split_once(LISTENING) {
                    let _ = send.send(Event::Listening(address.parse().unwrap()));
                }
                let statement = line.strip_prefix(STATEMENT).unwrap_or_default();
                if kill_before.is_some_and(|cue| statement.starts_with(cue)) {
                    child.kill().unwrap();
                    child.wait().unwrap();
                    let _ = send.send(Event::Killed(statement.to_owned()));
                    return;
                }
            }
            let _ = child.wait();
            let _ = send.send(Event::Exited);
        });
        let mut server = Server {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            events,
            _stdin: stdin,
        };
        match server.next_event().await {
            Event::Listening(address) => server.address = address,
            other => panic!("the child server did not start: {other:?}"),
        }
        server
    }

    /// The watcher's next report, within a minute.
    pub async fn next_event(&mut self) -> Event {
        let events = std::mem::replace(&mut self.events, mpsc::channel().1);
        let (event, events) = tokio::task::spawn_blocking(move || {
            let event = events.recv_timeout(Duration::from_secs(60));
            (event, events)
        })
        .await
        .unwrap();
        self.events = events;
        event.expect("the child server reported nothing within a minute")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }
}
