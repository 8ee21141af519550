//! Binary-level smoke tests: what `sam local invoke <Function> -e tests/events/<file>.json`
//! does, minus Docker. Each built function binary (`register`, `sync`, `apply`) runs as a
//! child process against a small AWS Lambda Runtime API served by this test on loopback,
//! with the Greenhouse stand-in as Greenhouse and an embedded store in a temporary
//! directory. tests/events.rs replays the same events through `handle_event` in-process;
//! only this file covers what lies between the event and that function: `main`, the
//! configuration read from the environment, the lambda_runtime/lambda_http loop, the
//! response envelope lambda_http builds, the JSON logs, and how errors reach Lambda.
//!
//! The binaries come from `ATSI_TEST_FUNCTION_BINARIES`, which `./tests/run` sets after
//! building them (cargo builds a package's binaries only for that package's own tests).

use atsi_tests::{b64, b64_decode, fixture_key, fixtures};
use greenhouse_standin::{RunningStandIn, StandIn};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const FUNCTION_ARN: &str = "arn:aws:lambda:eu-west-1:123456789012:function:atsi-test";
const TRACE_ID: &str = "Root=1-674f2a00-5f3c1e2d4b6a7980c1d2e3f4;Parent=53995c3f42cd8ad8;Sampled=0";
/// Generous for a debug build on a busy 2-core machine; a passing run takes a few seconds.
const WAIT: Duration = Duration::from_secs(60);

fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events")
}

fn event(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(events_dir().join(name)).unwrap()).unwrap()
}

/// A function binary built by `./tests/run`. Never skips: a smoke test that silently does
/// not run is worse than none.
fn binary(function: &str) -> PathBuf {
    let dir = std::env::var_os("ATSI_TEST_FUNCTION_BINARIES")
        .expect("ATSI_TEST_FUNCTION_BINARIES is not set: run ./tests/run, which builds the function binaries");
    let path = PathBuf::from(dir).join(function);
    assert!(
        path.is_file(),
        "{} does not exist: run ./tests/run, which builds the function binaries",
        path.display()
    );
    path
}

// ---- the Lambda Runtime API -----------------------------------------------------------------

/// What the function posted for one invocation.
#[derive(Debug, Clone)]
enum Outcome {
    /// `POST /runtime/invocation/{id}/response`: the body, as JSON.
    Response(Value),
    /// `POST /runtime/invocation/{id}/error`: the `Lambda-Runtime-Function-Error-Type`
    /// header and the body (`errorType`, `errorMessage`).
    Error {
        error_type_header: Option<String>,
        body: Value,
    },
}

#[derive(Default)]
struct RuntimeState {
    /// Events not yet handed out, with their request ids.
    pending: VecDeque<(String, Value)>,
    /// Every `GET /runtime/invocation/next`, including the one left hanging.
    next_calls: usize,
    /// In the order they arrived, by request id.
    outcomes: Vec<(String, Outcome)>,
    /// `POST /runtime/init/error`: the error-type header and the body.
    init_errors: Vec<(Option<String>, Value)>,
    /// Any request the Runtime API does not define: the runtime client and this stand-in
    /// disagree about the protocol.
    unexpected: Vec<String>,
}

type Shared = Arc<Mutex<RuntimeState>>;

fn lock(state: &Shared) -> MutexGuard<'_, RuntimeState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// The Runtime API as Lambda serves it to a `provided.al2023` function: one event per
/// `next`, then (the events of the test served) a `next` that never answers, as a warm
/// function waits for an invocation that does not come.
///
/// A small HTTP/1.1 server on std threads rather than axum: the atsi-tests crate does not
/// depend on axum or hyper, and adding one would change Cargo.lock. The runtime client
/// (hyper) sends one request at a time per connection, with keep-alive and a
/// `content-length` body, which is all this has to understand.
struct RuntimeApi {
    addr: SocketAddr,
    state: Shared,
    stop: Arc<AtomicBool>,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        // Wake the accept loop so that its thread ends.
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

impl RuntimeApi {
    /// Serves `events` (request ids `req-1`, `req-2`, …) on a free loopback port.
    fn serve(events: Vec<Value>) -> RuntimeApi {
        let state: Shared = Arc::new(Mutex::new(RuntimeState {
            pending: events
                .into_iter()
                .enumerate()
                .map(|(i, e)| (format!("req-{}", i + 1), e))
                .collect(),
            ..RuntimeState::default()
        }));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopped) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve_connection(stream, &state);
                });
            }
        });
        RuntimeApi { addr, state, stop }
    }
}

struct HttpRequest {
    method: String,
    path: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request; `None` when the client closed the connection.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<HttpRequest>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let (method, path) = (
        words.next().unwrap_or_default().to_owned(),
        words.next().unwrap_or_default().to_owned(),
    );
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let mut request = HttpRequest {
        method,
        path,
        headers,
        body: Vec::new(),
    };
    if request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            let mut chunk = vec![0; size + 2]; // the chunk and its CRLF
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            request.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(len) = request.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        request.body = vec![0; len];
        reader.read_exact(&mut request.body)?;
    }
    Ok(Some(request))
}

fn write_response(
    out: &mut impl Write,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

fn body_json(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

fn serve_connection(stream: TcpStream, state: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    const ACCEPTED: (&str, &[u8]) = ("202 Accepted", br#"{"status":"OK"}"#);
    while let Some(req) = read_request(&mut reader)? {
        let invocation = req
            .path
            .strip_prefix("/2018-06-01/runtime/invocation/")
            .and_then(|rest| rest.split_once('/'));
        let error_type = req
            .header("lambda-runtime-function-error-type")
            .map(str::to_owned);
        let (status, body): (&str, &[u8]) = match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/2018-06-01/runtime/invocation/next") => {
                let event = {
                    let mut s = lock(state);
                    s.next_calls += 1;
                    s.pending.pop_front()
                };
                let Some((id, payload)) = event else {
                    // The runtime long-polls: no answer, until the test kills the
                    // process and the connection closes.
                    std::io::copy(&mut reader, &mut std::io::sink())?;
                    return Ok(());
                };
                let deadline =
                    SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(30);
                let headers = [
                    ("lambda-runtime-aws-request-id", id),
                    (
                        "lambda-runtime-deadline-ms",
                        deadline.as_millis().to_string(),
                    ),
                    (
                        "lambda-runtime-invoked-function-arn",
                        FUNCTION_ARN.to_owned(),
                    ),
                    ("lambda-runtime-trace-id", TRACE_ID.to_owned()),
                ];
                write_response(&mut out, "200 OK", &headers, payload.to_string().as_bytes())?;
                continue;
            }
            ("POST", "/2018-06-01/runtime/init/error") => {
                lock(state)
                    .init_errors
                    .push((error_type, body_json(&req.body)));
                ACCEPTED
            }
            ("POST", _) if invocation.is_some_and(|(_, what)| what == "response") => {
                let id = invocation.unwrap_or_default().0.to_owned();
                let outcome = Outcome::Response(body_json(&req.body));
                lock(state).outcomes.push((id, outcome));
                ACCEPTED
            }
            ("POST", _) if invocation.is_some_and(|(_, what)| what == "error") => {
                let id = invocation.unwrap_or_default().0.to_owned();
                let outcome = Outcome::Error {
                    error_type_header: error_type,
                    body: body_json(&req.body),
                };
                lock(state).outcomes.push((id, outcome));
                ACCEPTED
            }
            (method, path) => {
                lock(state).unexpected.push(format!("{method} {path}"));
                ("404 Not Found", br#"{"errorType":"NotFound"}"#)
            }
        };
        write_response(&mut out, status, &[], body)?;
    }
    Ok(())
}

// ---- the function process -------------------------------------------------------------------

/// Where a function runs: one data directory and one Greenhouse stand-in, shared by the
/// functions of a test as the three Lambda functions share their tables and Greenhouse.
struct Deployment {
    data_dir: tempfile::TempDir,
    standin: StandIn,
    running: RunningStandIn,
}

impl Deployment {
    async fn start() -> Deployment {
        let standin = StandIn::from_dir(fixtures().join("boards")).unwrap();
        let running = standin.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        Deployment {
            data_dir: tempfile::tempdir().unwrap(),
            standin,
            running,
        }
    }

    /// The environment Lambda and template.yaml give a function, with the embedded store.
    fn env(&self, function: &str) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_LAMBDA_FUNCTION_NAME", format!("atsi-{function}")),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256".into()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "test".into()),
            ("AWS_LAMBDA_LOG_GROUP_NAME", "test".into()),
            ("ATSI_STORE", "embedded".into()),
            (
                "ATSI_DATA_DIR",
                self.data_dir.path().to_string_lossy().into_owned(),
            ),
            ("GREENHOUSE_BASE_URL", self.running.base_url()),
            ("RUST_LOG", "info".into()),
        ]
    }

    /// Runs `function` on `events` in order and returns once each has an outcome and the
    /// function has asked for the next one, with the process stopped. One process at a
    /// time: the embedded store's redb files take one process only, so the caller never
    /// overlaps two of them on a data directory.
    async fn invoke(&self, function: &str, events: Vec<Value>) -> Invocation {
        let count = events.len();
        let api = RuntimeApi::serve(events);
        let mut process = FunctionProcess::spawn(function, &api, &self.env(function));
        let started = Instant::now();
        loop {
            {
                let s = lock(&api.state);
                if s.outcomes.len() >= count && s.next_calls > count {
                    break;
                }
            }
            if let Some(status) = process.try_wait() {
                let logs = process.stop();
                panic!("{function} exited ({status}) during the test; its output:\n{logs}");
            }
            if started.elapsed() > WAIT {
                let logs = process.stop();
                panic!(
                    "{function} did not answer {count} event(s) within {WAIT:?}; its output:\n{logs}"
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let logs = process.stop();
        let s = lock(&api.state);
        assert!(
            s.unexpected.is_empty(),
            "unexpected requests: {:?}",
            s.unexpected
        );
        assert!(s.init_errors.is_empty(), "init errors: {:?}", s.init_errors);
        let outcomes = (1..=count)
            .map(|i| {
                let id = format!("req-{i}");
                let matching: Vec<&Outcome> = s
                    .outcomes
                    .iter()
                    .filter(|(got, _)| *got == id)
                    .map(|(_, o)| o)
                    .collect();
                assert_eq!(matching.len(), 1, "{id}: {:?}\n{logs}", s.outcomes);
                matching[0].clone()
            })
            .collect();
        Invocation {
            outcomes,
            next_calls: s.next_calls,
            logs,
        }
    }
}

struct Invocation {
    /// One per event, in the order the events were served.
    outcomes: Vec<Outcome>,
    next_calls: usize,
    logs: Logs,
}

impl Invocation {
    fn response(&self, i: usize) -> &Value {
        match &self.outcomes[i] {
            Outcome::Response(v) => v,
            other => panic!("event {i}: not a response: {other:?}\n{}", self.logs),
        }
    }
}

/// What the process wrote, line by line.
#[derive(Debug, Default)]
struct Logs {
    stdout: Vec<String>,
    stderr: Vec<String>,
}

impl std::fmt::Display for Logs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for line in &self.stdout {
            writeln!(f, "[stdout] {line}")?;
        }
        for line in &self.stderr {
            writeln!(f, "[stderr] {line}")?;
        }
        Ok(())
    }
}

impl Logs {
    /// Every stdout line parsed as JSON: the functions log JSON lines for CloudWatch, and
    /// a line that is not JSON would break log queries.
    fn json_lines(&self) -> Vec<Value> {
        self.all_json()
            .into_iter()
            .filter(|l| l.get("_aws").is_none())
            .collect()
    }

    /// The CloudWatch Embedded Metric Format records among stdout's lines.
    fn emf_lines(&self) -> Vec<Value> {
        self.all_json()
            .into_iter()
            .filter(|l| l.get("_aws").is_some())
            .collect()
    }

    fn all_json(&self) -> Vec<Value> {
        self.stdout
            .iter()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}\n{self}"))
            })
            .collect()
    }

    fn contains(&self, needle: &str) -> bool {
        self.stdout
            .iter()
            .chain(&self.stderr)
            .any(|l| l.contains(needle))
    }
}

/// A running function. Killed and reaped on drop, so a failing assertion never leaves one
/// behind. (If the test process itself dies, the runtime's long-poll on `next` fails with
/// the connection, and lambda_runtime then returns and the process exits.)
struct FunctionProcess {
    child: Child,
    readers: Vec<JoinHandle<Vec<String>>>,
}

fn read_lines(from: impl Read + Send + 'static) -> JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        BufReader::new(from)
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .collect()
    })
}

impl FunctionProcess {
    fn spawn(function: &str, api: &RuntimeApi, env: &[(&'static str, String)]) -> FunctionProcess {
        let mut command = Command::new(binary(function));
        // Only what Lambda would set: nothing from the developer's or tests/run's environment
        // (AWS_*, ATSI_*, RUST_LOG) reaches the function.
        command
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {function}: {e}"));
        let readers = vec![
            read_lines(child.stdout.take().unwrap()),
            read_lines(child.stderr.take().unwrap()),
        ];
        FunctionProcess { child, readers }
    }

    fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Waits for the process to exit by itself.
    async fn wait_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < within {
            if let Some(status) = self.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// Kills the process (a no-op if it has exited) and returns everything it wrote.
    fn stop(&mut self) -> Logs {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut outputs = self.readers.drain(..).map(|r| r.join().unwrap_or_default());
        Logs {
            stdout: outputs.next().unwrap_or_default(),
            stderr: outputs.next().unwrap_or_default(),
        }
    }
}

impl Drop for FunctionProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of an API Gateway proxy response, parsed.
fn body_of(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap()).unwrap()
}

// ---- the tests ------------------------------------------------------------------------------

/// The request id of the invocation a log line was written in: atsi's invocation span
/// (`request_id`), or lambda_runtime's own (`requestId`) for the runtime's lines.
fn request_id_of(line: &Value) -> Option<&str> {
    let span = &line["span"];
    span["request_id"]
        .as_str()
        .or_else(|| span["requestId"].as_str())
}

/// Asserts the function wrote only JSON log lines to stdout and nothing to stderr, that
/// each line has a level and a message, and returns the messages with their request ids.
fn json_logs(logs: &Logs) -> Vec<(String, Option<String>)> {
    assert!(logs.stderr.is_empty(), "stderr is not empty:\n{logs}");
    logs.json_lines()
        .iter()
        .map(|line| {
            assert!(line["level"].is_string(), "no level: {line}");
            let message = line["fields"]["message"].as_str();
            let message = message.unwrap_or_else(|| panic!("no message: {line}"));
            (message.to_owned(), request_id_of(line).map(str::to_owned))
        })
        .collect()
}

/// register → apply → sync, each binary in turn on one data directory and one Greenhouse,
/// as `sam local invoke` would run them one after another: what register stores, apply and
/// sync (other processes) read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_then_apply_then_sync_as_separate_processes() {
    let d = Deployment::start().await;
    let key = fixture_key("northwindtraders");

    // ---- register: PUT /v1/employers/northwind (REST API v1, stage Prod) ----
    let put = event("register-put-employer.rest-v1.json");
    assert!(
        put["body"].as_str().unwrap().contains(&key),
        "the event carries the key"
    );
    let register = d.invoke("register", vec![put]).await;
    // One event answered, then the runtime asked for the next one and was left waiting.
    assert_eq!(register.next_calls, 2);
    // The invocation's metrics went to stdout as one EMF record: the first sync's counts.
    let emf = register.logs.emf_lines();
    assert_eq!(emf.len(), 1, "{}", register.logs);
    assert_eq!(
        (
            &emf[0]["Function"],
            &emf[0]["SyncsRun"],
            &emf[0]["JobsAdded"]
        ),
        (&json!("register"), &json!(1.0), &json!(6.0))
    );
    assert_eq!(emf[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"], "atsi");
    let out = register.response(0);
    assert_eq!(out["statusCode"], 201, "{out}");
    assert_eq!(out["isBase64Encoded"], false);
    // Every function answers through `handle_event`, the path tests/events.rs replays:
    // one proxy-response envelope with `headers`, which REST and HTTP APIs both accept.
    assert_eq!(out["headers"]["content-type"], "application/json");
    assert!(out.get("multiValueHeaders").is_none(), "{out}");
    let body = body_of(out);
    assert_eq!(body["created"], true);
    assert_eq!(body["employer"]["employer_id"], "northwind");
    assert_eq!(body["employer"]["board_token"], "northwindtraders");
    assert_eq!(body["employer"]["credentials"]["state"], "valid");
    assert_eq!(body["employer"]["open_jobs"], 6);
    assert_eq!(body["first_sync"]["status"], "completed");
    assert_eq!(
        body["first_sync"]["report"]["added"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert!(
        !out.to_string().contains(&key),
        "the key is never returned: {out}"
    );
    // The key is never logged, on either stream; the logs are JSON lines, and those written
    // during the invocation carry the Runtime API's request id.
    assert!(
        !register.logs.contains(&key),
        "the key is in the logs:\n{}",
        register.logs
    );
    let messages = json_logs(&register.logs);
    assert!(
        messages.contains(&("employer registered".into(), Some("req-1".into()))),
        "{messages:?}"
    );
    assert!(
        messages.contains(&("sync finished".into(), Some("req-1".into()))),
        "{messages:?}"
    );

    // ---- apply: list the jobs (REST v1), then submit (HTTP API, base64 body) ----
    let apply = d
        .invoke(
            "apply",
            vec![
                event("apply-list-jobs.rest-v1.json"),
                event("apply-submit-application.http-v2-base64.json"),
            ],
        )
        .await;
    assert_eq!(apply.next_calls, 3);
    let jobs = apply.response(0);
    assert_eq!(jobs["statusCode"], 200, "{jobs}");
    assert_eq!(jobs["headers"]["content-type"], "application/json");
    let ids: Vec<u64> = body_of(jobs)["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (4_012_345_001..=4_012_345_006).collect::<Vec<u64>>());

    let submitted = apply.response(1);
    assert_eq!(submitted["statusCode"], 201, "{submitted}");
    assert_eq!(submitted["headers"]["content-type"], "application/json");
    assert_eq!(submitted["isBase64Encoded"], false);
    let receipt = body_of(submitted);
    assert_eq!(receipt["status"], "delivered");
    assert_eq!(receipt["job_id"], 4_012_345_001u64);
    assert_eq!(receipt["replayed"], false);
    // What Greenhouse got: the decoded base64 body, with the key register stored (read by
    // another process from the embedded secret store).
    let delivered: Vec<_> = d
        .standin
        .received()
        .into_iter()
        .filter(|r| r.job_id != atsi_greenhouse::KEY_PROBE_JOB_ID)
        .collect();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    let got = &delivered[0];
    assert_eq!(
        (got.board_token.as_str(), got.job_id, got.status),
        ("northwindtraders", 4_012_345_001, 200)
    );
    assert_eq!(
        got.authorization.as_deref(),
        Some(format!("Basic {}", b64(format!("{key}:").as_bytes())).as_str())
    );
    assert_eq!(got.body["email"], "ada.lovelace@example.com");
    assert_eq!(
        b64_decode(got.body["resume_content"].as_str().unwrap()),
        b"Ten years building payment systems in Rust."
    );
    assert!(!apply.logs.contains(&key), "{}", apply.logs);
    assert!(
        !apply.logs.contains("ada.lovelace"),
        "applicant data logged:\n{}",
        apply.logs
    );
    let messages = json_logs(&apply.logs);
    assert!(
        messages.contains(&("application settled".into(), Some("req-2".into()))),
        "{messages:?}"
    );

    // ---- sync: the EventBridge schedule, then POST .../sync (HTTP API, stage `live`) ----
    let sync = d
        .invoke(
            "sync",
            vec![
                event("sync-schedule.json"),
                event("sync-employer.http-v2-named-stage.json"),
            ],
        )
        .await;
    assert_eq!(sync.next_calls, 3);
    // The schedule's answer is the summary itself, not an API Gateway envelope.
    let summary = sync.response(0);
    assert_eq!(
        (
            &summary["employers"],
            &summary["synced"],
            &summary["failed"]
        ),
        (&json!(1), &json!(1), &json!(0)),
        "{summary}"
    );
    assert_eq!(summary["reports"][0]["ok"], true);
    assert_eq!(summary["reports"][0]["report"]["employer_id"], "northwind");
    assert_eq!(summary["reports"][0]["report"]["unchanged"], 6);
    assert!(summary.get("statusCode").is_none(), "{summary}");
    let one = sync.response(1);
    assert_eq!(one["statusCode"], 200, "{one}");
    assert_eq!(one["headers"]["content-type"], "application/json");
    assert_eq!(one["isBase64Encoded"], false);
    assert!(one.get("multiValueHeaders").is_none(), "{one}");
    assert_eq!(body_of(one)["unchanged"], 6);
    assert_eq!(body_of(one)["open_jobs"], 6);
    let messages = json_logs(&sync.logs);
    for id in ["req-1", "req-2"] {
        assert!(
            messages.contains(&("sync finished".into(), Some(id.into()))),
            "{messages:?}"
        );
    }
}

/// An event the function cannot handle fails that invocation only: lambda_runtime posts it
/// to `/invocation/{id}/error` and goes on to the next event, as Lambda expects of a warm
/// function: one bad event must not cost the next one a cold start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_event_fails_its_invocation_and_the_function_goes_on() {
    let d = Deployment::start().await;
    let sync = d
        .invoke(
            "sync",
            vec![json!({"hello": "world"}), event("sync-schedule.json")],
        )
        .await;
    let Outcome::Error {
        error_type_header,
        body,
    } = &sync.outcomes[0]
    else {
        panic!("not an error: {:?}\n{}", sync.outcomes[0], sync.logs);
    };
    assert_eq!(error_type_header.as_deref(), Some("unhandled"));
    assert_eq!(
        body["errorMessage"],
        "the event is neither an API Gateway request nor a schedule event"
    );
    // A type an operator can search for in Lambda's error metrics and logs.
    assert_eq!(body["errorType"], "atsi.UnrecognizedEvent");
    // The next event is handled by the same process: no employers yet, nothing to sync.
    let after = sync.response(1);
    assert_eq!(
        (&after["employers"], &after["synced"]),
        (&json!(0), &json!(0)),
        "{after}"
    );
    assert_eq!(sync.next_calls, 3, "it asked for a third event");
    // The failure is logged as an ERROR line of the failed invocation.
    let lines = sync.logs.json_lines();
    assert!(
        lines
            .iter()
            .any(|l| l["level"] == "ERROR" && request_id_of(l) == Some("req-1")),
        "{}",
        sync.logs
    );
    assert!(sync.logs.stderr.is_empty(), "{}", sync.logs);
}

/// A bad setting stops the cold start, before any request (README, Configuration). `main`
/// returns the configuration error before the runtime starts, so nothing is posted to
/// `/runtime/init/error` (lambda_runtime uses it only for SnapStart hooks) and `next` is
/// never called: the process logs one JSON line naming the setting and exits with
/// status 1. Lambda reports that as `Runtime.ExitError`, with the line in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misconfigured_cold_start_exits_naming_the_variable() {
    let d = Deployment::start().await;
    for function in ["register", "sync", "apply"] {
        let api = RuntimeApi::serve(vec![event("sync-schedule.json")]);
        let mut env = d.env(function);
        env.retain(|(name, _)| *name != "ATSI_STORE");
        env.push(("ATSI_STORE", "bogus".into()));
        let mut process = FunctionProcess::spawn(function, &api, &env);
        let status = process.wait_exit(WAIT).await;
        let logs = process.stop();
        let status = status.unwrap_or_else(|| panic!("{function} is still running:\n{logs}"));
        assert_eq!(status.code(), Some(1), "{function}:\n{logs}");
        let line: Value = serde_json::from_str(logs.stdout.first().expect("a log line")).unwrap();
        assert_eq!(line["level"], "ERROR", "{function}:\n{logs}");
        assert_eq!(line["fields"]["message"], "cold start failed");
        assert!(
            line["fields"]["error"]
                .as_str()
                .unwrap()
                .contains("ATSI_STORE"),
            "{line}"
        );
        let s = lock(&api.state);
        assert_eq!(s.next_calls, 0, "{function}");
        assert!(s.init_errors.is_empty(), "{function}: {:?}", s.init_errors);
        assert!(
            s.outcomes.is_empty() && s.unexpected.is_empty(),
            "{function}"
        );
    }
    // Nothing was created in the data directory.
    assert_eq!(std::fs::read_dir(d.data_dir.path()).unwrap().count(), 0);
}
