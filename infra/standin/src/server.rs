//! HTTP side: the Greenhouse routes, the admin routes and request logging.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, request::Parts};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::conn::{ResetHandle, ResettableListener};
use crate::education::EducationKind;
use crate::time::now_rfc3339;
use crate::validate::validate_application;
use crate::{Admission, Fault, FaultKind, ReceivedApplication, StandIn};

/// Greenhouse's own cap is undocumented; its hosted form takes 100 MB uploads, which is about
/// 134 MB once base64-encoded in a JSON body.
const BODY_LIMIT: usize = 150 * 1024 * 1024;
/// Longer than any client timeout worth having, short enough that a forgotten server ends.
const TIMEOUT_FAULT: Duration = Duration::from_secs(120);

/// Fields only the single-job GET carries, and only with `questions=true`.
const QUESTION_FIELDS: [&str; 4] = [
    "questions",
    "location_questions",
    "compliance",
    "demographic_questions",
];
const PAY_FIELD: &str = "pay_input_ranges";
/// Fields the list carries only with `content=true`.
const CONTENT_FIELDS: [&str; 3] = ["content", "departments", "offices"];

#[derive(Clone)]
struct Ctx {
    standin: StandIn,
    /// Flips to true on shutdown so injected sleeps do not hold the server open.
    shutdown: watch::Receiver<bool>,
}

pub(crate) async fn run(standin: StandIn, listener: TcpListener, shutdown: watch::Receiver<bool>) {
    let app = router(Ctx {
        standin,
        shutdown: shutdown.clone(),
    });
    let mut signal = shutdown;
    let result = axum::serve(
        ResettableListener(listener),
        app.into_make_service_with_connect_info::<ResetHandle>(),
    )
    .with_graceful_shutdown(async move {
        // An error means the sender is gone, which is a shutdown too.
        let _ = signal.wait_for(|on| *on).await;
    })
    .await;
    if let Err(err) = result {
        tracing::error!(%err, "greenhouse stand-in stopped with an error");
    }
}

fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/_standin/health", get(health))
        .route(
            "/_standin/applications",
            get(list_applications).delete(clear_applications),
        )
        .route(
            "/_standin/faults",
            get(list_faults).post(push_fault).delete(clear_faults),
        )
        .route("/_standin/outage", put(set_outage))
        .route("/_standin/request_count", get(request_count))
        .route(
            "/_standin/boards/{token}/jobs/{id}",
            put(upsert_job).delete(remove_job),
        )
        .fallback(greenhouse)
        .layer(middleware::from_fn(log_request))
        .with_state(ctx)
}

/// Marks a response whose connection gets reset, so the log does not claim it was answered.
#[derive(Clone, Copy)]
struct ConnectionReset;

async fn log_request(request: Request, next: Next) -> Response {
    // Path only: query strings and bodies are not logged, and headers (Authorization) never.
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = if response.extensions().get::<ConnectionReset>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(%method, %path, status, elapsed_ms, "request");
    response
}

// ---------------------------------------------------------------------------------------------
// Greenhouse API

enum Route {
    Board { token: String },
    Jobs { token: String },
    Job { token: String, id: Option<u64> },
    Education { token: String, kind: EducationKind },
    Apply { token: String, id: Option<u64> },
    Unknown,
}

impl Route {
    fn parse(method: &Method, path: &str) -> Route {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        let segments: Vec<&str> = path.split('/').collect();
        let is_get = method == Method::GET || method == Method::HEAD;
        let owned = |token: &str| token.to_owned();
        match segments.as_slice() {
            ["", "v1", "boards", token] if is_get && !token.is_empty() => Route::Board {
                token: owned(token),
            },
            ["", "v1", "boards", token, "jobs"] if is_get && !token.is_empty() => Route::Jobs {
                token: owned(token),
            },
            ["", "v1", "boards", token, "jobs", id] if is_get && !token.is_empty() => Route::Job {
                token: owned(token),
                id: id.parse().ok(),
            },
            ["", "v1", "boards", token, "education", kind] if is_get && !token.is_empty() => {
                match EducationKind::from_segment(kind) {
                    Some(kind) => Route::Education {
                        token: owned(token),
                        kind,
                    },
                    None => Route::Unknown,
                }
            }
            ["", "v1", "boards", token, "jobs", id] if method == Method::POST => Route::Apply {
                token: owned(token),
                id: id.parse().ok(),
            },
            _ => Route::Unknown,
        }
    }
}

struct QueryFlags {
    questions: bool,
    pay_transparency: bool,
    content: bool,
    callback: Option<String>,
}

impl QueryFlags {
    fn parse(query: Option<&str>) -> QueryFlags {
        let mut flags = QueryFlags {
            questions: false,
            pay_transparency: false,
            content: false,
            callback: None,
        };
        for pair in query.unwrap_or_default().split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "questions" => flags.questions = value == "true",
                "pay_transparency" => flags.pay_transparency = value == "true",
                "content" => flags.content = value == "true",
                // API.md 2: callback names are letters, digits, `_` and `.`; anything else is
                // ignored rather than echoed into a script.
                "callback"
                    if !value.is_empty()
                        && value
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
                {
                    flags.callback = Some(value.to_owned());
                }
                _ => {}
            }
        }
        flags
    }
}

/// An application POST, captured before any fault or check so every outcome can be recorded.
struct Submission {
    token: String,
    job_id: Option<u64>,
    authorization: Option<String>,
    content_type: Option<String>,
    body: SubmittedBody,
}

enum SubmittedBody {
    /// Parsed JSON, if the bytes were JSON at all.
    Read {
        json: Option<Value>,
        raw: Bytes,
    },
    TooLarge,
    Broken,
}

impl Submission {
    async fn read(token: String, id: Option<u64>, parts: &Parts, body: Body) -> Submission {
        let header = |name| {
            parts
                .headers
                .get(name)
                .map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let declared_len = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let body = if declared_len.is_some_and(|len| len > BODY_LIMIT as u64) {
            SubmittedBody::TooLarge
        } else {
            match axum::body::to_bytes(body, BODY_LIMIT).await {
                Ok(raw) => SubmittedBody::Read {
                    json: serde_json::from_slice(&raw).ok(),
                    raw,
                },
                // Chunked bodies over the limit fail here, as do clients that hang up.
                Err(err) if error_chain_mentions(&err, "length limit") => SubmittedBody::TooLarge,
                Err(_) => SubmittedBody::Broken,
            }
        };
        Submission {
            token,
            job_id: id,
            authorization: header(AUTHORIZATION),
            content_type: header(CONTENT_TYPE),
            body,
        }
    }

    fn record(&self, standin: &StandIn, status: u16) {
        // A non-numeric job id names no job post, so there is nothing to record it against.
        let Some(job_id) = self.job_id else {
            return;
        };
        let body = match &self.body {
            SubmittedBody::Read {
                json: Some(json), ..
            } => json.clone(),
            SubmittedBody::Read { json: None, raw } => {
                Value::String(String::from_utf8_lossy(raw).into_owned())
            }
            SubmittedBody::TooLarge | SubmittedBody::Broken => Value::Null,
        };
        standin.record(ReceivedApplication {
            board_token: self.token.clone(),
            job_id,
            authorization: self.authorization.clone(),
            content_type: self.content_type.clone(),
            body,
            status,
            received_at: now_rfc3339(),
        });
    }
}

fn error_chain_mentions(err: &(dyn std::error::Error + 'static), needle: &str) -> bool {
    let mut current = Some(err);
    while let Some(err) = current {
        if err.to_string().contains(needle) {
            return true;
        }
        current = err.source();
    }
    false
}

async fn greenhouse(State(ctx): State<Ctx>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    if path == "/_standin" || path.starts_with("/_standin/") {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "unknown admin endpoint"})),
        )
            .into_response();
    }

    let route = Route::parse(&parts.method, path);
    let admission = ctx.standin.admit(&parts.method);
    let submission = match &route {
        Route::Apply { token, id } => {
            Some(Submission::read(token.clone(), *id, &parts, body).await)
        }
        _ => None,
    };
    let finish = |response: Response| {
        if let Some(submission) = &submission {
            let status = if response.extensions().get::<ConnectionReset>().is_some() {
                0
            } else {
                response.status().as_u16()
            };
            submission.record(&ctx.standin, status);
        }
        response
    };

    match admission {
        Admission::Normal => {}
        Admission::Outage => {
            return finish(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service Unavailable",
            ));
        }
        Admission::Fault(kind) => match kind {
            FaultKind::Status { status, body } => {
                return finish(injected_status(status, body));
            }
            FaultKind::Delay { millis } => {
                sleep_unless_shutdown(&ctx, Duration::from_millis(millis)).await;
            }
            FaultKind::Timeout => {
                // Recorded on arrival: the client gives up long before the answer, and tests
                // must be able to see that the request got here without ever succeeding.
                let response = error(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout");
                if let Some(submission) = &submission {
                    submission.record(&ctx.standin, response.status().as_u16());
                }
                sleep_unless_shutdown(&ctx, TIMEOUT_FAULT).await;
                return response;
            }
            FaultKind::LegacyError { reason } => {
                return finish(
                    (
                        StatusCode::OK,
                        Json(json!({"error": "Failed to save person", "reason": reason})),
                    )
                        .into_response(),
                );
            }
            FaultKind::Reset => {
                if let Some(ConnectInfo(handle)) =
                    parts.extensions.get::<ConnectInfo<ResetHandle>>()
                {
                    handle.reset();
                }
                let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
                response.extensions_mut().insert(ConnectionReset);
                return finish(response);
            }
        },
    }

    let flags = QueryFlags::parse(parts.uri.query());
    let answer = |result: Result<Value, Refusal>| match result {
        Ok(body) => jsonp(body, &flags),
        Err(refusal) => refusal.into_response(),
    };
    let headers = &parts.headers;
    let response = match route {
        Route::Board { token } => answer(get_board(&ctx.standin, headers, &token)),
        Route::Jobs { token } => answer(list_jobs(&ctx.standin, headers, &token, &flags)),
        Route::Job { token, id } => answer(get_job(&ctx.standin, headers, &token, id, &flags)),
        Route::Education { token, kind } => answer(list_education(
            &ctx.standin,
            headers,
            &token,
            kind,
            &EducationQuery::parse(&parts.uri),
        )),
        Route::Apply { .. } => match &submission {
            Some(submission) => apply(&ctx.standin, submission),
            None => error(StatusCode::NOT_FOUND, "Job not found"),
        },
        Route::Unknown => error(StatusCode::NOT_FOUND, "Not found"),
    };
    finish(response)
}

async fn sleep_unless_shutdown(ctx: &Ctx, duration: Duration) {
    let mut shutdown = ctx.shutdown.clone();
    tokio::select! {
        () = tokio::time::sleep(duration) => {}
        _ = shutdown.wait_for(|on| *on) => {}
    }
}

/// The JSON error shape Greenhouse uses on this API.
fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"status": status.as_u16(), "error": message})),
    )
        .into_response()
}

/// Rails' answer to failed HTTP Basic auth: plain text, not JSON (API.md 4.6).
fn access_denied() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (WWW_AUTHENTICATE, "Basic realm=\"Application\""),
        ],
        "HTTP Basic: Access denied.",
    )
        .into_response()
}

fn injected_status(status: u16, body: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match body {
        None => error(status, "Injected fault"),
        Some(body) => {
            let content_type = if serde_json::from_str::<Value>(&body).is_ok() {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            };
            (status, [(CONTENT_TYPE, content_type)], body).into_response()
        }
    }
}

/// Why a GET is not answered with its resource.
enum Refusal {
    AccessDenied,
    BoardNotFound,
    JobNotFound,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::AccessDenied => access_denied(),
            Refusal::BoardNotFound => error(StatusCode::NOT_FOUND, "Job board not found"),
            Refusal::JobNotFound => error(StatusCode::NOT_FOUND, "Job not found"),
        }
    }
}

/// GETs need no credentials, but one that sends a bad key is refused (API.md 2.3).
fn check_get_auth(standin: &StandIn, headers: &HeaderMap, token: &str) -> Result<(), Refusal> {
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(());
    };
    let keys = standin.board(token, |board| board.api_keys.clone());
    if authorized(header.to_str().ok(), keys.as_deref()) {
        Ok(())
    } else {
        Err(Refusal::AccessDenied)
    }
}

/// `Basic base64("<key>:")`: the key is the user name and the password is empty.
fn authorized(header: Option<&str>, keys: Option<&[String]>) -> bool {
    let (Some(header), Some(keys)) = (header, keys) else {
        return false;
    };
    let Some((scheme, credentials)) = header.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(credentials.trim()) else {
        return false;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    match decoded.strip_suffix(':') {
        Some(key) if !key.is_empty() => keys.iter().any(|known| known == key),
        _ => false,
    }
}

/// A 200 JSON body, wrapped as JSONP when the GET asked for it.
fn jsonp(body: Value, flags: &QueryFlags) -> Response {
    match &flags.callback {
        None => Json(body).into_response(),
        Some(callback) => (
            [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
            format!("/**/{callback}({body})"),
        )
            .into_response(),
    }
}

fn get_board(standin: &StandIn, headers: &HeaderMap, token: &str) -> Result<Value, Refusal> {
    check_get_auth(standin, headers, token)?;
    standin
        .board(token, |board| board.board.clone())
        .ok_or(Refusal::BoardNotFound)
}

fn without(mut job: Value, fields: &[&str]) -> Value {
    if let Some(object) = job.as_object_mut() {
        for field in fields {
            object.remove(*field);
        }
    }
    job
}

fn list_jobs(
    standin: &StandIn,
    headers: &HeaderMap,
    token: &str,
    flags: &QueryFlags,
) -> Result<Value, Refusal> {
    check_get_auth(standin, headers, token)?;
    let content = flags.content;
    let jobs = standin
        .board(token, |board| {
            board
                .jobs
                .iter()
                .map(|(_, job)| {
                    let job = without(without(job.clone(), &QUESTION_FIELDS), &[PAY_FIELD]);
                    if content {
                        job
                    } else {
                        without(job, &CONTENT_FIELDS)
                    }
                })
                .collect::<Vec<_>>()
        })
        .ok_or(Refusal::BoardNotFound)?;
    let total = jobs.len();
    Ok(json!({"jobs": jobs, "meta": {"total": total}}))
}

fn get_job(
    standin: &StandIn,
    headers: &HeaderMap,
    token: &str,
    id: Option<u64>,
    flags: &QueryFlags,
) -> Result<Value, Refusal> {
    check_get_auth(standin, headers, token)?;
    // Unknown board, unknown job and a non-numeric id all look the same (API.md 2.3).
    let mut job = id
        .and_then(|id| {
            standin
                .board(token, |board| board.job(id).cloned())
                .flatten()
        })
        .ok_or(Refusal::JobNotFound)?;
    if !flags.questions {
        job = without(job, &QUESTION_FIELDS);
    }
    if !flags.pay_transparency {
        job = without(job, &[PAY_FIELD]);
    }
    Ok(job)
}

/// `term` and `page` of an education look-up. Greenhouse is lenient about `page`: anything
/// that is not a positive integer is the first page.
struct EducationQuery {
    term: Option<String>,
    page: usize,
}

impl EducationQuery {
    fn parse(uri: &axum::http::Uri) -> EducationQuery {
        // Percent- and `+`-decoded, unlike the flags of the other GETs, because a term is free
        // text ("Universit%C3%A4t", "computer+science").
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map(|Query(pairs)| pairs)
            .unwrap_or_default();
        let value = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let page = value("page")
            .and_then(|page| page.trim().parse::<usize>().ok())
            .filter(|page| *page > 0)
            .unwrap_or(1);
        EducationQuery {
            term: value("term"),
            page,
        }
    }
}

fn list_education(
    standin: &StandIn,
    headers: &HeaderMap,
    token: &str,
    kind: EducationKind,
    query: &EducationQuery,
) -> Result<Value, Refusal> {
    check_get_auth(standin, headers, token)?;
    standin.board(token, |_| ()).ok_or(Refusal::BoardNotFound)?;
    Ok(standin
        .education()
        .page(kind, query.term.as_deref(), query.page))
}

fn apply(standin: &StandIn, submission: &Submission) -> Response {
    // Auth comes first so that a key can be checked against a job id that does not exist
    // without creating a candidate (API.md 4.8).
    let keys = standin.board(&submission.token, |board| board.api_keys.clone());
    if !authorized(submission.authorization.as_deref(), keys.as_deref()) {
        return access_denied();
    }
    let job = submission.job_id.and_then(|id| {
        standin
            .board(&submission.token, |board| board.job(id).cloned())
            .flatten()
    });
    let Some(job) = job else {
        return error(StatusCode::NOT_FOUND, "Job not found");
    };
    let body = match &submission.body {
        SubmittedBody::Read {
            json: Some(Value::Object(body)),
            ..
        } => body,
        SubmittedBody::Read { .. } | SubmittedBody::Broken => {
            return error(StatusCode::BAD_REQUEST, "Invalid JSON");
        }
        SubmittedBody::TooLarge => {
            return error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
        }
    };
    match validate_application(&job, body, &standin.education()) {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"success": "Candidate saved successfully"})),
        )
            .into_response(),
        Err(message) => error(StatusCode::UNPROCESSABLE_ENTITY, &message),
    }
}

// ---------------------------------------------------------------------------------------------
// Admin API

fn admin_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

async fn health() -> Json<Value> {
    Json(json!({"ok": true}))
}

async fn list_applications(State(ctx): State<Ctx>) -> Json<Vec<ReceivedApplication>> {
    Json(ctx.standin.received())
}

async fn clear_applications(State(ctx): State<Ctx>) -> StatusCode {
    ctx.standin.clear_received();
    StatusCode::NO_CONTENT
}

async fn list_faults(State(ctx): State<Ctx>) -> Json<Vec<Fault>> {
    Json(ctx.standin.queued_faults())
}

async fn push_fault(State(ctx): State<Ctx>, Json(fault): Json<Fault>) -> Response {
    match &fault.kind {
        FaultKind::Status { status, .. } if StatusCode::from_u16(*status).is_err() => {
            return admin_error(StatusCode::BAD_REQUEST, "status must be 100-999");
        }
        _ => {}
    }
    ctx.standin.push_fault(fault);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(ctx): State<Ctx>) -> StatusCode {
    ctx.standin.clear_faults();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Outage {
    on: bool,
}

async fn set_outage(State(ctx): State<Ctx>, Json(outage): Json<Outage>) -> StatusCode {
    ctx.standin.set_outage(outage.on);
    StatusCode::NO_CONTENT
}

async fn request_count(State(ctx): State<Ctx>) -> Json<Value> {
    Json(json!({"count": ctx.standin.request_count()}))
}

async fn remove_job(State(ctx): State<Ctx>, Path((token, id)): Path<(String, String)>) -> Response {
    match id.parse::<u64>() {
        Ok(id) if ctx.standin.remove_job(&token, id) => StatusCode::NO_CONTENT.into_response(),
        _ => admin_error(StatusCode::NOT_FOUND, "no such board or job"),
    }
}

async fn upsert_job(
    State(ctx): State<Ctx>,
    Path((token, id)): Path<(String, String)>,
    Json(mut job): Json<Value>,
) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return admin_error(StatusCode::BAD_REQUEST, "job id must be an integer");
    };
    let Some(object) = job.as_object_mut() else {
        return admin_error(StatusCode::BAD_REQUEST, "job must be a JSON object");
    };
    match object.get("id") {
        None | Some(Value::Null) => {
            object.insert("id".to_owned(), json!(id));
        }
        Some(body_id) if body_id.as_u64() == Some(id) => {}
        Some(_) => {
            return admin_error(
                StatusCode::BAD_REQUEST,
                "the job's \"id\" does not match the path",
            );
        }
    }
    if ctx.standin.upsert_job(&token, job) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        admin_error(StatusCode::NOT_FOUND, "no such board")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(credentials: &str) -> String {
        format!("Basic {}", STANDARD.encode(credentials))
    }

    #[test]
    fn basic_auth_needs_the_key_with_an_empty_password() {
        let keys = vec!["k1".to_owned()];
        let keys = Some(keys.as_slice());
        assert!(authorized(Some(&basic("k1:")), keys));
        assert!(authorized(
            Some(&format!("basic  {}", STANDARD.encode("k1:"))),
            keys
        ));
        assert!(!authorized(None, keys));
        assert!(!authorized(Some(&basic("k1:")), None));
        assert!(!authorized(Some(&basic("k1")), keys));
        assert!(!authorized(Some(&basic("k1:secret")), keys));
        assert!(!authorized(Some(&basic("k2:")), keys));
        assert!(!authorized(Some(&basic(":")), keys));
        assert!(!authorized(Some("k1"), keys));
        assert!(!authorized(Some("Basic k1:"), keys));
        assert!(!authorized(
            Some(&format!("Bearer {}", STANDARD.encode("k1:"))),
            keys
        ));
    }

    #[test]
    fn education_query_decodes_the_term_and_defaults_the_page() {
        let parse = |query: &str| {
            let uri: axum::http::Uri = format!("/v1/boards/a/education/schools{query}")
                .parse()
                .expect("uri");
            let parsed = EducationQuery::parse(&uri);
            (parsed.term, parsed.page)
        };
        assert_eq!(parse(""), (None, 1));
        assert_eq!(
            parse("?term=Universit%C3%A4t&page=2"),
            (Some("Universität".to_owned()), 2)
        );
        assert_eq!(
            parse("?term=computer+science&page=x"),
            (Some("computer science".to_owned()), 1)
        );
        assert_eq!(parse("?page=0"), (None, 1));
        assert_eq!(parse("?page=-3&page=4"), (None, 4));
        assert_eq!(parse("?page=99999999999999999999999"), (None, 1));
    }

    #[test]
    fn routes() {
        let is = |method: Method, path: &str, expected: &str| {
            let got = match Route::parse(&method, path) {
                Route::Board { token } => format!("board {token}"),
                Route::Jobs { token } => format!("jobs {token}"),
                Route::Job { token, id } => format!("job {token} {id:?}"),
                Route::Education { token, kind } => format!("education {token} {kind:?}"),
                Route::Apply { token, id } => format!("apply {token} {id:?}"),
                Route::Unknown => "unknown".to_owned(),
            };
            assert_eq!(got, expected, "{method} {path}");
        };
        is(Method::GET, "/v1/boards/Acme", "board Acme");
        is(Method::GET, "/v1/boards/acme/", "board acme");
        is(Method::HEAD, "/v1/boards/acme/jobs", "jobs acme");
        is(Method::GET, "/v1/boards/acme/jobs/12", "job acme Some(12)");
        is(Method::GET, "/v1/boards/acme/jobs/x", "job acme None");
        is(
            Method::POST,
            "/v1/boards/acme/jobs/12",
            "apply acme Some(12)",
        );
        is(Method::POST, "/v1/boards/acme/jobs", "unknown");
        is(Method::DELETE, "/v1/boards/acme/jobs/12", "unknown");
        is(Method::GET, "/v1/boards//jobs", "unknown");
        is(Method::GET, "/v1/boards/acme/offices", "unknown");
        is(
            Method::GET,
            "/v1/boards/acme/education/schools",
            "education acme Schools",
        );
        is(
            Method::HEAD,
            "/v1/boards/acme/education/degrees/",
            "education acme Degrees",
        );
        is(
            Method::GET,
            "/v1/boards/acme/education/disciplines",
            "education acme Disciplines",
        );
        is(Method::GET, "/v1/boards/acme/education/majors", "unknown");
        is(Method::GET, "/v1/boards/acme/education", "unknown");
        is(Method::POST, "/v1/boards/acme/education/schools", "unknown");
    }
}
