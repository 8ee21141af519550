//! A stand-in for the Greenhouse Job Board API (`https://boards-api.greenhouse.io`).
//!
//! Serves fixture boards the way `infra/fixtures/GREENHOUSE-API.md` documents the real API,
//! records every application POST, and can be told to fail (queued [`Fault`]s, an outage
//! switch) either through this API or through the admin endpoints under `/_standin/`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use greenhouse_standin::{Fault, FaultKind, FaultTarget, StandIn};
//! let standin = StandIn::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/boards"))?;
//! let running = standin.serve("127.0.0.1:0".parse()?).await?;
//! standin.push_fault(Fault::once(FaultTarget::Post, FaultKind::Status { status: 503, body: None }));
//! // ... point the client at running.base_url() ...
//! assert!(standin.received().is_empty());
//! running.shutdown_and_wait().await;
//! # Ok(()) }
//! ```

mod conn;
mod education;
mod faults;
mod fixtures;
mod server;
mod time;
mod validate;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use education::{EducationItem, EducationLists};
pub use faults::{Fault, FaultKind, FaultTarget};
pub use fixtures::{FixtureBoard, LoadError};

use fixtures::{Board, job_id, token_key};

/// One application POST as the stand-in saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceivedApplication {
    /// As written in the request path (tokens match case-insensitively).
    pub board_token: String,
    pub job_id: u64,
    /// The raw `Authorization` header, so tests can check how the client encoded the key.
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// The body as received. A body that is not JSON is kept as a JSON string of its
    /// (lossily decoded) text; a body too large to buffer is `null`.
    pub body: Value,
    /// What the stand-in answered; `0` when it answered nothing (reset fault).
    pub status: u16,
    /// RFC 3339, UTC.
    pub received_at: String,
}

/// The stand-in's shared state. Cheap to clone; clones control the same boards and queues.
#[derive(Clone)]
pub struct StandIn {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Keyed by lowercased token.
    boards: HashMap<String, Board>,
    /// Shared with handlers so a request can read the lists without holding the lock.
    education: Arc<EducationLists>,
    received: Vec<ReceivedApplication>,
    faults: VecDeque<Fault>,
    outage: bool,
    request_count: usize,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // API keys stay out of debug output.
        let state = self.lock();
        let mut tokens: Vec<&str> = state.boards.values().map(|b| b.token.as_str()).collect();
        tokens.sort_unstable();
        f.debug_struct("StandIn")
            .field("boards", &tokens)
            .field(
                "education",
                &(
                    state.education.degrees.len(),
                    state.education.disciplines.len(),
                    state.education.schools.len(),
                ),
            )
            .field("received", &state.received.len())
            .field("faults", &state.faults.len())
            .field("outage", &state.outage)
            .field("request_count", &state.request_count)
            .finish()
    }
}

impl StandIn {
    /// Loads every `*.json` board fixture in `dir`, and the education lists from
    /// `dir/../education.json` (served empty when that file does not exist).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<StandIn, LoadError> {
        let dir = dir.as_ref();
        let boards = fixtures::load_dir(dir)?;
        let education = education::load(&dir.join(".."))?;
        Ok(StandIn::with_boards(boards).with_education(education))
    }

    /// Replaces the education lists served under `/v1/boards/{token}/education/*`. Once a list
    /// is non-empty, an application's `educations[]` ids must be ids from it.
    pub fn with_education(self, lists: EducationLists) -> StandIn {
        self.lock().education = Arc::new(lists);
        self
    }

    /// Builds a stand-in from boards made in code. Jobs without an integer `id` cannot be
    /// addressed, so they are skipped (with a warning); a repeated token replaces the earlier
    /// board. The education lists start empty; see [`StandIn::with_education`].
    pub fn from_boards(boards: Vec<FixtureBoard>) -> StandIn {
        let boards = boards
            .into_iter()
            .filter_map(|mut fixture| {
                fixture.jobs.retain(|job| {
                    let keep = job_id(job).is_some();
                    if !keep {
                        tracing::warn!(board = %fixture.token, "skipping a job without an integer id");
                    }
                    keep
                });
                let token = fixture.token.clone();
                match Board::from_fixture(fixture) {
                    Ok(board) => Some(board),
                    Err(reason) => {
                        tracing::warn!(board = %token, %reason, "skipping board");
                        None
                    }
                }
            })
            .collect();
        StandIn::with_boards(boards)
    }

    fn with_boards(boards: Vec<Board>) -> StandIn {
        let boards = boards
            .into_iter()
            .map(|board| (token_key(&board.token), board))
            .collect();
        StandIn {
            state: Arc::new(Mutex::new(State {
                boards,
                ..State::default()
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // No code path leaves the state half-updated, so a panic elsewhere must not take the
        // server down with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Binds `addr` (port 0 picks a free port), spawns the server and returns at once.
    /// Must be called within a Tokio runtime.
    pub async fn serve(&self, addr: SocketAddr) -> std::io::Result<RunningStandIn> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(server::run(self.clone(), listener, shutdown_rx));
        Ok(RunningStandIn {
            addr,
            shutdown_tx,
            task: Some(task),
        })
    }

    /// Every application POST received so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedApplication> {
        self.lock().received.clone()
    }

    pub fn clear_received(&self) {
        self.lock().received.clear();
    }

    /// Closes a job post: it disappears from the list and its GET and POST answer 404.
    /// Returns false if the board or job is unknown.
    pub fn remove_job(&self, token: &str, job_id: u64) -> bool {
        let mut state = self.lock();
        let Some(board) = state.boards.get_mut(&token_key(token)) else {
            return false;
        };
        let before = board.jobs.len();
        board.jobs.retain(|(id, _)| *id != job_id);
        board.jobs.len() != before
    }

    /// Adds a job post, or replaces the one with the same `"id"` in place. Returns false (and
    /// changes nothing) if the board is unknown or the job has no integer `"id"`.
    pub fn upsert_job(&self, token: &str, job: Value) -> bool {
        let Some(id) = job_id(&job) else {
            return false;
        };
        let mut state = self.lock();
        let Some(board) = state.boards.get_mut(&token_key(token)) else {
            return false;
        };
        match board.jobs.iter_mut().find(|(existing, _)| *existing == id) {
            Some(slot) => slot.1 = job,
            None => board.jobs.push((id, job)),
        }
        true
    }

    /// Queues a fault. Faults are consumed first-in first-out, one per matching request.
    pub fn push_fault(&self, fault: Fault) {
        if fault.times > 0 {
            self.lock().faults.push_back(fault);
        }
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Faults still queued, with their remaining `times`.
    pub fn queued_faults(&self) -> Vec<Fault> {
        self.lock().faults.iter().cloned().collect()
    }

    /// While on, every Greenhouse request answers 503 (admin endpoints keep working).
    pub fn set_outage(&self, on: bool) {
        self.lock().outage = on;
    }

    /// Greenhouse requests served so far; admin requests are not counted.
    pub fn request_count(&self) -> usize {
        self.lock().request_count
    }

    /// Reads from a board under the lock; the closure copies out what the handler needs so
    /// no lock is held across an await.
    fn board<T>(&self, token: &str, read: impl FnOnce(&Board) -> T) -> Option<T> {
        self.lock().boards.get(&token_key(token)).map(read)
    }

    fn education(&self) -> Arc<EducationLists> {
        Arc::clone(&self.lock().education)
    }

    fn record(&self, application: ReceivedApplication) {
        self.lock().received.push(application);
    }

    /// Counts the request and decides, under one lock, whether it is failed by the outage
    /// switch or by the first queued fault that matches it.
    fn admit(&self, method: &axum::http::Method) -> Admission {
        let mut state = self.lock();
        state.request_count += 1;
        if state.outage {
            return Admission::Outage;
        }
        let Some(index) = state.faults.iter().position(|f| f.target.matches(method)) else {
            return Admission::Normal;
        };
        let Some(fault) = state.faults.get_mut(index) else {
            return Admission::Normal;
        };
        fault.times = fault.times.saturating_sub(1);
        let kind = fault.kind.clone();
        if fault.times == 0 {
            state.faults.remove(index);
        }
        Admission::Fault(kind)
    }
}

enum Admission {
    Normal,
    Outage,
    Fault(FaultKind),
}

/// A served stand-in. Dropping it (or calling [`RunningStandIn::shutdown`]) stops the server.
#[derive(Debug)]
pub struct RunningStandIn {
    /// The bound address (the real port when bound to port 0).
    pub addr: SocketAddr,
    shutdown_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningStandIn {
    /// `http://host:port`, with a wildcard bind address replaced by loopback so the URL is
    /// usable by a client.
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Stops the server without waiting for it (the same as dropping it): no new connections
    /// are accepted, injected delays and timeouts are cut short, in-flight requests finish.
    pub fn shutdown(self) {
        self.shutdown_tx.send_replace(true);
    }

    /// Like [`RunningStandIn::shutdown`], but returns once the server has stopped and its
    /// port is free.
    pub async fn shutdown_and_wait(mut self) {
        self.shutdown_tx.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningStandIn {
    fn drop(&mut self) {
        self.shutdown_tx.send_replace(true);
    }
}
