//! `HttpGreenhouse` against the Greenhouse stand-in over loopback: the same adapter that
//! talks to `boards-api.greenhouse.io`, so these tests exercise real HTTP, real status
//! codes and real connection failures rather than a mocked trait.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::Duration;

use atsi_domain::BoardToken;
use atsi_domain::greenhouse::{JobDetail, JobPostId, JobSummary};
use atsi_greenhouse::{
    ApiKey, Greenhouse, GreenhouseConfig, GreenhouseError, HttpGreenhouse, Submitted,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use greenhouse_standin::{Fault, FaultKind, FaultTarget, RunningStandIn, StandIn};
use serde_json::{Map, Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/fixtures/boards");
const NW: &str = "northwindtraders";
const ACME: &str = "acmeanvils";
/// Senior Rust Engineer: the northwind job with a multi-select and a pay range.
const RUST_JOB: JobPostId = 4_012_345_001;
/// Above 2^32, so a client that parsed ids as u32 or f32 would mangle it.
const ACME_SRE_JOB: JobPostId = 6_106_073_003;

struct Harness {
    standin: StandIn,
    running: RunningStandIn,
}

impl Harness {
    async fn start() -> Harness {
        let standin = StandIn::from_dir(FIXTURES).expect("fixtures load");
        let running = standin
            .serve("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("serve");
        Harness { standin, running }
    }

    fn client(&self) -> HttpGreenhouse {
        client_for(GreenhouseConfig::new(self.running.base_url()))
    }
}

fn client_for(config: GreenhouseConfig) -> HttpGreenhouse {
    HttpGreenhouse::new(config).expect("client builds")
}

fn token(raw: &str) -> BoardToken {
    BoardToken::parse(raw).expect("valid token")
}

/// The fixture file itself, read independently of the stand-in, so that a stand-in bug
/// that dropped jobs could not make the comparison pass.
fn fixture(board: &str) -> Value {
    let path = format!("{FIXTURES}/{board}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn fixture_jobs(board: &str) -> Vec<Value> {
    fixture(board)["jobs"]
        .as_array()
        .expect("jobs array")
        .clone()
}

fn fixture_job(board: &str, id: JobPostId) -> Value {
    fixture_jobs(board)
        .into_iter()
        .find(|job| job["id"].as_u64() == Some(id))
        .unwrap_or_else(|| panic!("job {id} not in {board} fixture"))
}

fn fixture_key(board: &str) -> ApiKey {
    ApiKey::new(
        fixture(board)["api_keys"][0]
            .as_str()
            .expect("fixture has a key"),
    )
}

/// The smallest body Greenhouse accepts, plus both kinds of select so the stand-in's
/// option checks run against what we send.
fn application() -> Map<String, Value> {
    let Value::Object(map) = json!({
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "question_7100000002": 1,
        "question_7100000003": [9_100_000_001_u64, 9_100_000_003_u64],
    }) else {
        unreachable!("literal is an object")
    };
    map
}

fn transient(result: Result<Submitted, GreenhouseError>) -> (Option<u16>, String, bool) {
    match result {
        Err(GreenhouseError::Transient {
            status,
            reason,
            maybe_delivered,
        }) => (status, reason, maybe_delivered),
        other => panic!("expected Transient, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Reads

#[tokio::test]
async fn board_names_both_fixture_boards_and_unknown_is_not_found() {
    let h = Harness::start().await;
    let gh = h.client();
    for (board, name) in [(NW, "Northwind Traders"), (ACME, "Acme Anvils")] {
        let got = gh.board(&token(board)).await.expect("board");
        assert_eq!(got.name.as_deref(), Some(name));
        assert_eq!(
            Some(&Value::from(got.content)),
            fixture(board)["board"].get("content"),
        );
    }
    // Tokens are case-insensitive on Greenhouse; the client must pass them through as-is.
    let got = gh.board(&token("NorthwindTraders")).await.expect("board");
    assert_eq!(got.name.as_deref(), Some("Northwind Traders"));

    assert_eq!(
        gh.board(&token("nosuchboard")).await,
        Err(GreenhouseError::NotFound {
            message: "Job board not found".into()
        })
    );
    assert_eq!(
        gh.jobs(&token("nosuchboard")).await,
        Err(GreenhouseError::NotFound {
            message: "Job board not found".into()
        })
    );
}

#[tokio::test]
async fn jobs_returns_every_fixture_job_with_large_ids_intact() {
    let h = Harness::start().await;
    let gh = h.client();
    for board in [NW, ACME] {
        let got = gh.jobs(&token(board)).await.expect("jobs");
        let want_ids: Vec<u64> = fixture_jobs(board)
            .iter()
            .map(|job| job["id"].as_u64().expect("integer id"))
            .collect();
        let got_ids: Vec<u64> = got.iter().map(|job| job.id).collect();
        assert_eq!(got_ids, want_ids, "{board}: ids in fixture order");

        // Field-for-field: every summary field survives the trip, not just the ids.
        let want: Vec<JobSummary> = fixture_jobs(board)
            .into_iter()
            .map(|job| serde_json::from_value(job).expect("fixture job is a summary"))
            .collect();
        assert_eq!(got, want, "{board}");
    }

    let acme = gh.jobs(&token(ACME)).await.expect("jobs");
    assert_eq!(acme[0].id, ACME_SRE_JOB);
    assert!(ACME_SRE_JOB > u64::from(u32::MAX));
}

#[tokio::test]
async fn job_carries_questions_pay_ranges_and_escaped_content() {
    let h = Harness::start().await;
    let gh = h.client();
    let job = gh.job(&token(NW), RUST_JOB).await.expect("job");

    assert_eq!(job.summary.id, RUST_JOB);
    assert_eq!(job.summary.title, "Senior Rust Engineer (Payments)");
    let multi = job
        .questions
        .iter()
        .flat_map(|q| &q.fields)
        .find(|f| f.name == "question_7100000003[]")
        .expect("multi-select question present");
    assert_eq!(multi.kind.as_deref(), Some("multi_value_multi_select"));
    let labels: Vec<&str> = multi.values.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["English", "German", "French", "Dutch"]);
    assert_eq!(job.location_questions[0].fields[0].name, "location");

    // Only present because the client asks for pay_transparency=true.
    assert_eq!(job.pay_input_ranges.len(), 1);
    assert_eq!(job.pay_input_ranges[0].min_cents, Some(8_500_000));
    assert_eq!(job.pay_input_ranges[0].max_cents, Some(10_500_000));
    assert_eq!(
        job.pay_input_ranges[0].currency_type.as_deref(),
        Some("EUR")
    );

    // The adapter must not unescape: that is the domain's job, done exactly once.
    let raw_content = fixture_job(NW, RUST_JOB)["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(raw_content.starts_with("&lt;h2&gt;"));
    assert_eq!(job.content.as_deref(), Some(raw_content.as_str()));
    assert!(
        job.content_html()
            .expect("html")
            .starts_with("<h2>About the role</h2>")
    );

    // The whole detail equals the fixture: nothing dropped between wire and struct.
    let want: JobDetail =
        serde_json::from_value(fixture_job(NW, RUST_JOB)).expect("fixture job is a detail");
    assert_eq!(job, want);
}

#[tokio::test]
async fn job_on_the_large_id_board_and_unknown_jobs() {
    let h = Harness::start().await;
    let gh = h.client();
    let job = gh.job(&token(ACME), ACME_SRE_JOB).await.expect("job");
    assert_eq!(job.summary.id, ACME_SRE_JOB);
    assert!(!job.pay_input_ranges.is_empty());
    assert_eq!(job.compliance[1].kind.as_deref(), Some("eeoc"));
    assert_eq!(
        job.demographic_questions.expect("demographics").questions[0].id,
        4_000_101
    );

    let not_found = Err(GreenhouseError::NotFound {
        message: "Job not found".into(),
    });
    assert_eq!(gh.job(&token(NW), 1).await, not_found);
    // Exists, but on the other board: ids are not global lookups.
    assert_eq!(gh.job(&token(NW), ACME_SRE_JOB).await, not_found);
    // An unknown board looks the same on the single-job GET (API.md §2.3).
    assert_eq!(gh.job(&token("nosuchboard"), RUST_JOB).await, not_found);

    // A closed job disappears from reads.
    assert!(h.standin.remove_job(NW, RUST_JOB));
    assert_eq!(gh.job(&token(NW), RUST_JOB).await, not_found);
    let ids: Vec<u64> = gh
        .jobs(&token(NW))
        .await
        .expect("jobs")
        .iter()
        .map(|j| j.id)
        .collect();
    assert!(!ids.contains(&RUST_JOB), "{ids:?}");
}

/// Serves `connections` requests with one canned JSON body that reads as a board, a job
/// list and a job alike, and hands back each request head. The stand-in does not record
/// GETs, so this is the only way to see exactly what the client put on the wire.
fn capture_server(connections: usize) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let body = r#"{"id":1,"title":"t","name":"Captured","jobs":[]}"#;
        let mut heads = Vec::new();
        for _ in 0..connections {
            let (stream, _) = listener.accept().expect("accept");
            stream
                .set_read_timeout(Some(Duration::from_secs(2)))
                .expect("timeout");
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).expect("read") == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let mut stream = reader.into_inner();
            // `Connection: close` forces one connection per request, so each accept sees
            // exactly one request head.
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .expect("write");
            heads.push(head);
        }
        heads
    });
    (base, handle)
}

#[tokio::test]
async fn gets_carry_no_authorization_header() {
    let (base, server) = capture_server(3);
    let gh = client_for(GreenhouseConfig::new(base));
    assert_eq!(
        gh.board(&token(NW)).await.expect("board").name.as_deref(),
        Some("Captured")
    );
    assert!(gh.jobs(&token(NW)).await.expect("jobs").is_empty());
    assert_eq!(
        gh.job(&token(NW), RUST_JOB).await.expect("job").summary.id,
        1
    );
    let heads = server.join().expect("capture thread");

    let request_lines: Vec<&str> = heads.iter().filter_map(|h| h.lines().next()).collect();
    assert_eq!(
        request_lines,
        [
            "GET /v1/boards/northwindtraders HTTP/1.1",
            "GET /v1/boards/northwindtraders/jobs HTTP/1.1",
            "GET /v1/boards/northwindtraders/jobs/4012345001?questions=true&pay_transparency=true HTTP/1.1",
        ]
    );
    for head in &heads {
        let lower = head.to_ascii_lowercase();
        assert!(!lower.contains("\nauthorization:"), "{head}");
        assert!(lower.contains("\nuser-agent: atsi/"), "{head}");
    }
}

#[tokio::test]
async fn gets_succeed_where_a_wrong_authorization_header_would_be_refused() {
    // The stand-in answers 401 to a GET carrying a key that is not the board's (as
    // Greenhouse does, API.md §2.3). Reads of one board after a POST with the other
    // board's key still work, so no key leaks from submit into later reads.
    let h = Harness::start().await;
    let gh = h.client();
    assert_eq!(
        gh.submit(&token(NW), RUST_JOB, &fixture_key(ACME), &application())
            .await,
        Err(GreenhouseError::InvalidKey)
    );
    assert_eq!(
        gh.board(&token(NW)).await.expect("board").name.as_deref(),
        Some("Northwind Traders")
    );
}

// ---------------------------------------------------------------------------------------
// Submissions

#[tokio::test]
async fn submit_with_the_fixture_key_is_delivered_and_recorded_exactly() {
    let h = Harness::start().await;
    let gh = h.client();
    let key = fixture_key(NW);
    let body = application();

    let got = gh.submit(&token(NW), RUST_JOB, &key, &body).await;
    assert_eq!(
        got,
        Ok(Submitted {
            status: 200,
            message: "Candidate saved successfully".into()
        })
    );

    let received = h.standin.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    let expected_auth = format!(
        "Basic {}",
        STANDARD.encode(format!("{}:", "nw_jobboard_4c1f0e9a7b2d48d6a1c3"))
    );
    assert_eq!(r.authorization.as_deref(), Some(expected_auth.as_str()));
    assert_eq!(r.body, Value::Object(body));
    assert_eq!(r.board_token, NW);
    assert_eq!(r.job_id, RUST_JOB);
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn submit_refusals_map_to_invalid_key_not_found_and_rejected() {
    let h = Harness::start().await;
    let gh = h.client();
    let key = fixture_key(NW);

    // The stand-in's 401 is plain text, like Rails' Basic auth failure.
    assert_eq!(
        gh.submit(&token(NW), RUST_JOB, &ApiKey::new("wrong"), &application())
            .await,
        Err(GreenhouseError::InvalidKey)
    );
    assert_eq!(
        gh.submit(&token(NW), 1, &key, &application()).await,
        Err(GreenhouseError::NotFound {
            message: "Job not found".into()
        })
    );

    let mut bad_email = application();
    bad_email.insert("email".into(), json!("not-an-email"));
    let got = gh.submit(&token(NW), RUST_JOB, &key, &bad_email).await;
    assert_eq!(
        got,
        Err(GreenhouseError::Rejected {
            status: 422,
            reason: "email is not a valid email address".into()
        })
    );
    assert!(!got.unwrap_err().is_retryable());

    let statuses: Vec<u16> = h.standin.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 404, 422]);
}

#[tokio::test]
async fn submit_injected_503_is_transient_and_not_delivered() {
    let h = Harness::start().await;
    let gh = h.client();
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::Status {
            status: 503,
            body: None,
        },
    ));
    let got = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    assert_eq!(
        got,
        Err(GreenhouseError::Transient {
            status: Some(503),
            reason: "Injected fault".into(),
            maybe_delivered: false,
        })
    );
    assert!(got.unwrap_err().is_retryable());

    // The fault was used up: the retry goes through.
    let retry = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    assert_eq!(retry.map(|s| s.status), Ok(200));
}

#[tokio::test]
async fn submit_legacy_200_error_is_rejected() {
    let h = Harness::start().await;
    let gh = h.client();
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::LegacyError {
            reason: "Job application not live".into(),
        },
    ));
    let got = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    match got {
        Err(GreenhouseError::Rejected { status, reason }) => {
            assert_eq!(status, 200);
            assert!(reason.contains("Job application not live"), "{reason}");
            assert_eq!(reason, "Failed to save person: Job application not live");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
}

#[tokio::test]
async fn outage_is_transient_for_reads_and_submissions() {
    let h = Harness::start().await;
    let gh = h.client();
    h.standin.set_outage(true);
    let (status, reason, maybe_delivered) = transient(
        gh.submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
            .await,
    );
    assert_eq!(status, Some(503));
    assert_eq!(reason, "Service Unavailable");
    assert!(!maybe_delivered);
    assert_eq!(
        gh.board(&token(NW)).await,
        Err(GreenhouseError::Transient {
            status: Some(503),
            reason: "Service Unavailable".into(),
            maybe_delivered: false,
        })
    );

    h.standin.set_outage(false);
    assert!(gh.board(&token(NW)).await.is_ok());
}

#[tokio::test]
async fn submit_timeout_may_have_delivered() {
    let h = Harness::start().await;
    let gh = client_for(GreenhouseConfig {
        submit_timeout: Duration::from_millis(300),
        ..GreenhouseConfig::new(h.running.base_url())
    });
    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Timeout));
    let started = std::time::Instant::now();
    let got = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    assert_eq!(
        got,
        Err(GreenhouseError::Transient {
            status: None,
            reason: "timed out".into(),
            maybe_delivered: true,
        })
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "timeout ignored"
    );
    // The stand-in did get the body: this is exactly the case where a blind retry could
    // create a second candidate.
    assert_eq!(h.standin.received().len(), 1);
}

#[tokio::test]
async fn submit_connection_reset_after_sending_may_have_delivered() {
    let h = Harness::start().await;
    let gh = h.client();
    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Reset));
    let (status, reason, maybe_delivered) = transient(
        gh.submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
            .await,
    );
    assert_eq!(status, None);
    assert_eq!(reason, "connection failed");
    assert!(maybe_delivered);
    let received = h.standin.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].status, 0, "stand-in answered nothing");
}

#[tokio::test]
async fn closed_port_could_not_connect_and_was_not_delivered() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let gh = client_for(GreenhouseConfig::new(format!("http://127.0.0.1:{port}")));
    let got = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    assert_eq!(
        got,
        Err(GreenhouseError::Transient {
            status: None,
            reason: "could not connect".into(),
            maybe_delivered: false,
        })
    );
    assert!(matches!(
        gh.board(&token(NW)).await,
        Err(GreenhouseError::Transient {
            maybe_delivered: false,
            ..
        })
    ));
}

#[test]
fn base_url_trailing_slash_is_trimmed() {
    assert_eq!(
        GreenhouseConfig::new("http://127.0.0.1:1/").base_url,
        "http://127.0.0.1:1"
    );
    assert_eq!(
        GreenhouseConfig::default().base_url,
        GreenhouseConfig::PRODUCTION_BASE_URL
    );
}

#[tokio::test]
async fn read_timeout_is_transient_and_reads_never_count_as_delivered() {
    let h = Harness::start().await;
    let gh = client_for(GreenhouseConfig {
        read_timeout: Duration::from_millis(200),
        ..GreenhouseConfig::new(h.running.base_url())
    });
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Delay { millis: 2_000 },
    ));
    assert_eq!(
        gh.jobs(&token(NW)).await,
        Err(GreenhouseError::Transient {
            status: None,
            reason: "timed out".into(),
            maybe_delivered: false,
        })
    );
}

#[tokio::test]
async fn odd_answers_are_classified_by_status_and_shape() {
    let h = Harness::start().await;
    let gh = h.client();
    let status = |status: u16, body: &str| {
        Fault::once(
            FaultTarget::Any,
            FaultKind::Status {
                status,
                body: Some(body.to_owned()),
            },
        )
    };

    // A 2xx that is not the resource (a captive portal, a CDN error page).
    h.standin
        .push_fault(status(200, "<html>maintenance</html>"));
    assert!(matches!(
        gh.board(&token(NW)).await,
        Err(GreenhouseError::Malformed { .. })
    ));
    h.standin
        .push_fault(status(200, "<html>maintenance</html>"));
    assert_eq!(
        gh.submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
            .await,
        Err(GreenhouseError::Malformed {
            reason: "200 without a JSON body".into()
        })
    );
    // JSON, but without `success`: not a delivery.
    h.standin.push_fault(status(200, r#"{"ok":true}"#));
    assert!(matches!(
        gh.submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
            .await,
        Err(GreenhouseError::Rejected { status: 200, .. })
    ));

    h.standin
        .push_fault(status(429, r#"{"status":429,"error":"Too Many Requests"}"#));
    let got = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    assert_eq!(
        got,
        Err(GreenhouseError::Transient {
            status: Some(429),
            reason: "Too Many Requests".into(),
            maybe_delivered: false,
        })
    );

    h.standin.push_fault(status(400, "Bad Request"));
    let got = gh
        .submit(&token(NW), RUST_JOB, &fixture_key(NW), &application())
        .await;
    assert_eq!(
        got,
        Err(GreenhouseError::Rejected {
            status: 400,
            reason: "Bad Request".into()
        })
    );
    assert!(!got.unwrap_err().is_retryable());
}

#[tokio::test]
async fn verify_key_accepts_the_boards_key_and_refuses_others_without_a_candidate() {
    let h = Harness::start().await;
    let client = h.client();
    client
        .verify_key(&token(NW), &fixture_key(NW))
        .await
        .expect("the board's own key is accepted");
    assert_eq!(
        client.verify_key(&token(NW), &fixture_key(ACME)).await,
        Err(GreenhouseError::InvalidKey)
    );
    assert_eq!(
        client.verify_key(&token(NW), &ApiKey::new("typo")).await,
        Err(GreenhouseError::InvalidKey)
    );
    // Each probe went to job post 0, which no board has: nothing was saved.
    let received = h.standin.received();
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .all(|r| r.job_id == atsi_greenhouse::KEY_PROBE_JOB_ID && r.status != 200)
    );
}
