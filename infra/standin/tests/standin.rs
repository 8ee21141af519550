//! Drives a served stand-in over HTTP with the real fixture boards.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use greenhouse_standin::{Fault, FaultKind, FaultTarget, RunningStandIn, StandIn};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/boards");
const NW: &str = "northwindtraders";
const NW_KEY: &str = "nw_jobboard_4c1f0e9a7b2d48d6a1c3";
const ACME_KEY: &str = "acme_jb_91ad55e0c2f64b7e8e10";
/// Senior Rust Engineer: selects question_7100000002 (0/1) and question_7100000003 (multi).
const RUST_JOB: u64 = 4_012_345_001;
const ACCESS_DENIED: &str = "HTTP Basic: Access denied.";

struct Harness {
    standin: StandIn,
    running: RunningStandIn,
    client: Client,
}

impl Harness {
    async fn start() -> Harness {
        let standin = StandIn::from_dir(FIXTURES).expect("fixtures load");
        let running = standin
            .serve("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("serve");
        Harness {
            standin,
            running,
            client: Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url())
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        let (status, text) = self.get(path).await;
        (status, serde_json::from_str(&text).expect("JSON body"))
    }

    async fn apply(&self, job: u64, authorization: Option<&str>, body: &Value) -> Reply {
        let mut request = self
            .client
            .post(self.url(&format!("/v1/boards/{NW}/jobs/{job}")))
            .json(body);
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        Reply::from(request.send().await.expect("POST")).await
    }
}

struct Reply {
    status: StatusCode,
    content_type: String,
    text: String,
}

impl Reply {
    async fn from(response: reqwest::Response) -> Reply {
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("body");
        Reply {
            status,
            content_type,
            text,
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text).expect("JSON body")
    }
}

fn basic(key: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{key}:")))
}

fn application() -> Value {
    json!({
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
        "resume_content": STANDARD.encode("%PDF-1.4 résumé"),
        "resume_content_filename": "ada-cv.pdf",
        "question_7100000002": 1,
        "question_7100000003": [9_100_000_001_u64, 9_100_000_003_u64],
        "location": "Lisbon, Portugal",
        "latitude": "38.72",
        "longitude": "-9.14",
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    })
}

fn with(mut body: Value, key: &str, value: Value) -> Value {
    body[key] = value;
    body
}

#[tokio::test]
async fn board_get_is_case_insensitive_and_unknown_board_is_404() {
    let h = Harness::start().await;
    let (status, board) = h.get_json("/v1/boards/NorthwindTraders").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board["name"], "Northwind Traders");
    assert_eq!(
        board["content"],
        "<p>Careers at Northwind: logistics, food and software across Europe.</p>"
    );

    let (status, body) = h.get_json("/v1/boards/nosuchboard").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"status": 404, "error": "Job board not found"}));
    let (status, body) = h.get_json("/v1/boards/nosuchboard/jobs").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"status": 404, "error": "Job board not found"}));
}

#[tokio::test]
async fn job_list_omits_questions_and_content_unless_asked() {
    let h = Harness::start().await;
    let (status, list) = h.get_json(&format!("/v1/boards/{NW}/jobs")).await;
    assert_eq!(status, StatusCode::OK);
    let jobs = list["jobs"].as_array().expect("jobs array");
    assert_eq!(list["meta"]["total"], 6);
    assert_eq!(jobs.len(), 6);
    assert_eq!(jobs[0]["id"], RUST_JOB);
    assert_eq!(jobs[0]["title"], "Senior Rust Engineer (Payments)");
    assert!(jobs[0]["data_compliance"].is_array());
    for job in jobs {
        let job = job.as_object().expect("job object");
        for absent in [
            "questions",
            "location_questions",
            "compliance",
            "demographic_questions",
            "pay_input_ranges",
            "content",
            "departments",
            "offices",
        ] {
            assert!(!job.contains_key(absent), "{absent} in {}", job["id"]);
        }
    }

    let (status, list) = h
        .get_json(&format!("/v1/boards/{NW}/jobs?content=true"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let first = &list["jobs"][0];
    assert!(
        first["content"]
            .as_str()
            .expect("content")
            .starts_with("&lt;")
    );
    assert!(first["departments"].is_array());
    assert!(first["offices"].is_array());
    assert!(first.get("questions").is_none());
    assert!(first.get("pay_input_ranges").is_none());
}

#[tokio::test]
async fn single_job_with_and_without_questions() {
    let h = Harness::start().await;
    let (status, job) = h
        .get_json(&format!("/v1/boards/{NW}/jobs/{RUST_JOB}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(job["id"], RUST_JOB);
    assert!(job["content"].is_string());
    assert!(job.get("questions").is_none());
    assert!(job.get("location_questions").is_none());
    assert!(job.get("pay_input_ranges").is_none());

    let (status, job) = h
        .get_json(&format!(
            "/v1/boards/{NW}/jobs/{RUST_JOB}?questions=true&pay_transparency=true"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(job["questions"][0]["fields"][0]["name"], "first_name");
    assert_eq!(
        job["location_questions"][0]["fields"][0]["name"],
        "location"
    );
    assert!(job["pay_input_ranges"].is_array());

    let (_, job) = h
        .get_json("/v1/boards/acmeanvils/jobs/6106073003?questions=true")
        .await;
    assert_eq!(job["compliance"][1]["type"], "eeoc");
    assert_eq!(
        job["demographic_questions"]["questions"][0]["id"],
        4_000_101
    );
    assert!(job.get("pay_input_ranges").is_none());

    let not_found = json!({"status": 404, "error": "Job not found"});
    for path in [
        format!("/v1/boards/{NW}/jobs/6106073003"), // exists, but on the other board
        format!("/v1/boards/{NW}/jobs/1"),
        format!("/v1/boards/{NW}/jobs/abc"),
        "/v1/boards/nosuchboard/jobs/1".to_owned(),
    ] {
        let (status, body) = h.get_json(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body, not_found, "{path}");
    }
}

#[tokio::test]
async fn get_with_a_bad_key_is_refused_and_jsonp_wraps() {
    let h = Harness::start().await;
    let response = h
        .client
        .get(h.url(&format!("/v1/boards/{NW}")))
        .header("Authorization", basic(ACME_KEY))
        .send()
        .await
        .expect("GET");
    let reply = Reply::from(response).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.text, ACCESS_DENIED);

    let response = h
        .client
        .get(h.url(&format!("/v1/boards/{NW}")))
        .header("Authorization", basic(NW_KEY))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), StatusCode::OK);

    let (status, text) = h.get(&format!("/v1/boards/{NW}?callback=cb_1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("/**/cb_1({"), "{text}");
    assert!(text.ends_with("})"), "{text}");
}

#[tokio::test]
async fn accepted_application_is_recorded_intact() {
    let h = Harness::start().await;
    let body = application();
    let reply = h.apply(RUST_JOB, Some(&basic(NW_KEY)), &body).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"success": "Candidate saved successfully"})
    );

    let received = h.standin.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.board_token, NW);
    assert_eq!(got.job_id, RUST_JOB);
    assert_eq!(got.authorization.as_deref(), Some(basic(NW_KEY).as_str()));
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert_eq!(got.body, body);
    assert_eq!(got.status, 200);
    assert_eq!(got.received_at.len(), "2026-01-05T09:00:00.000Z".len());
    assert!(got.received_at.ends_with('Z'));

    // Same records over the admin API; then cleared.
    let (status, listed) = h.get_json("/_standin/applications").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed[0]["body"], body);
    assert_eq!(listed[0]["status"], 200);
    let status = h
        .client
        .delete(h.url("/_standin/applications"))
        .send()
        .await
        .expect("DELETE")
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(h.standin.received().is_empty());
}

#[tokio::test]
async fn bad_credentials_get_plain_text_401_and_are_recorded() {
    let h = Harness::start().await;
    let body = application();
    let raw = format!("Basic {NW_KEY}");
    let no_colon = format!("Basic {}", STANDARD.encode(NW_KEY));
    let other_board = basic(ACME_KEY);
    let cases = [
        None,
        Some(NW_KEY),
        Some(raw.as_str()),
        Some(no_colon.as_str()),
        Some(other_board.as_str()),
        Some("Basic !!!not-base64"),
    ];
    for authorization in cases {
        let reply = h.apply(RUST_JOB, authorization, &body).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_eq!(reply.text, ACCESS_DENIED);
        assert!(reply.content_type.starts_with("text/plain"));
    }
    // Auth is checked before the job exists, so a bad key never learns about job ids.
    let reply = h.apply(1, Some(&other_board), &body).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let received = h.standin.received();
    assert_eq!(received.len(), cases.len() + 1);
    assert!(received.iter().all(|r| r.status == 401));
    assert_eq!(received[0].authorization, None);
    assert_eq!(received[1].authorization.as_deref(), Some(NW_KEY));
}

#[tokio::test]
async fn unknown_job_and_bad_json() {
    let h = Harness::start().await;
    let reply = h.apply(1, Some(&basic(NW_KEY)), &application()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({"status": 404, "error": "Job not found"})
    );

    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &json!([1, 2]))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        json!({"status": 400, "error": "Invalid JSON"})
    );

    let response = h
        .client
        .post(h.url(&format!("/v1/boards/{NW}/jobs/{RUST_JOB}")))
        .header("Authorization", basic(NW_KEY))
        .body("first_name=Ada")
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let received = h.standin.received();
    assert_eq!(
        received.iter().map(|r| r.status).collect::<Vec<_>>(),
        [404, 400, 400]
    );
    assert_eq!(received[2].body, json!("first_name=Ada"));
    assert_eq!(received[2].content_type, None);

    // A JSON body without a JSON content type is still accepted.
    let response = h
        .client
        .post(h.url(&format!("/v1/boards/{NW}/jobs/{RUST_JOB}")))
        .header("Authorization", basic(NW_KEY))
        .header("Content-Type", "text/plain")
        .body(application().to_string())
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn greenhouse_validation_failures_are_422() {
    let h = Harness::start().await;
    let cases = [
        (
            with(application(), "email", json!("ada(at)example.com")),
            "email is not a valid email address",
        ),
        (
            with(application(), "resume_content_filename", json!("cv.exe")),
            "resume_content_filename has an unsupported file type (supported: pdf, doc, docx, txt, rtf)",
        ),
        (
            with(application(), "resume_content", json!("")),
            "resume_content is empty (files must be larger than 0 bytes)",
        ),
        (
            with(application(), "question_7100000002", json!("Yes")),
            "question_7100000002 must be one of its option values (0, 1), got \"Yes\"",
        ),
        (
            with(
                application(),
                "question_7100000003",
                json!([9_100_000_009_u64]),
            ),
            "question_7100000003 contains 9100000009, which is not one of its options (9100000001, 9100000002, 9100000003, 9100000004)",
        ),
        (
            with(
                application(),
                "last_name",
                json!("Lovelace https://ada.dev"),
            ),
            "last_name must not contain a URL",
        ),
        (
            with(application(), "first_name", json!("")),
            "first_name can't be blank",
        ),
    ];
    for (body, message) in &cases {
        let reply = h.apply(RUST_JOB, Some(&basic(NW_KEY)), body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert_eq!(reply.json(), json!({"status": 422, "error": message}));
    }
    let received = h.standin.received();
    assert_eq!(received.len(), cases.len());
    assert!(received.iter().all(|r| r.status == 422));

    // Greenhouse does not enforce required custom questions, and drops unknown ones.
    let mut lax = application();
    let object = lax.as_object_mut().expect("object");
    object.remove("question_7100000002");
    object.insert("question_999".to_owned(), json!("ignored"));
    let reply = h.apply(RUST_JOB, Some(&basic(NW_KEY)), &lax).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn status_fault_is_consumed_once() {
    let h = Harness::start().await;
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::Status {
            status: 503,
            body: None,
        },
    ));
    // A GET does not match a POST fault.
    let (status, _) = h.get(&format!("/v1/boards/{NW}")).await;
    assert_eq!(status, StatusCode::OK);

    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &application())
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        reply.json(),
        json!({"status": 503, "error": "Injected fault"})
    );
    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &application())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let statuses: Vec<u16> = h.standin.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 200]);
    assert!(h.standin.queued_faults().is_empty());
}

#[tokio::test]
async fn faults_over_admin_http_with_raw_body_and_times() {
    let h = Harness::start().await;
    let response = h
        .client
        .post(h.url("/_standin/faults"))
        .json(&json!({
            "target": "get",
            "kind": {"type": "status", "status": 502, "body": "<html>Bad Gateway</html>"},
            "times": 2
        }))
        .send()
        .await
        .expect("POST fault");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for _ in 0..2 {
        let (status, text) = h.get(&format!("/v1/boards/{NW}")).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert_eq!(text, "<html>Bad Gateway</html>");
    }
    let (status, _) = h.get(&format!("/v1/boards/{NW}")).await;
    assert_eq!(status, StatusCode::OK);

    // Cleared faults never fire.
    h.standin.push_fault(Fault::once(
        FaultTarget::Any,
        FaultKind::Status {
            status: 500,
            body: None,
        },
    ));
    let status = h
        .client
        .delete(h.url("/_standin/faults"))
        .send()
        .await
        .expect("DELETE")
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = h.get(&format!("/v1/boards/{NW}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn legacy_error_fault_answers_200_with_error_body() {
    let h = Harness::start().await;
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::LegacyError {
            reason: "Job application not live".to_owned(),
        },
    ));
    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &application())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        json!({"error": "Failed to save person", "reason": "Job application not live"})
    );
    assert_eq!(h.standin.received()[0].status, 200);
}

#[tokio::test]
async fn delay_timeout_and_reset_faults() {
    let h = Harness::start().await;
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Delay { millis: 250 },
    ));
    let started = Instant::now();
    let (status, _) = h.get(&format!("/v1/boards/{NW}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));

    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Timeout));
    let err = h
        .client
        .post(h.url(&format!("/v1/boards/{NW}/jobs/{RUST_JOB}")))
        .header("Authorization", basic(NW_KEY))
        .json(&application())
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("the stand-in must not answer in time");
    assert!(err.is_timeout(), "{err:?}");

    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Reset));
    let err = h
        .client
        .post(h.url(&format!("/v1/boards/{NW}/jobs/{RUST_JOB}")))
        .header("Authorization", basic(NW_KEY))
        .json(&application())
        .send()
        .await
        .expect_err("the connection must drop");
    let reset =
        std::iter::successors(Some(&err as &dyn std::error::Error), |e| e.source()).any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionReset)
        });
    assert!(reset, "{err:?}");

    let statuses: Vec<u16> = h.standin.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [504, 0]);

    // The server carries on after a reset.
    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &application())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn removed_job_is_gone_and_upsert_brings_jobs_back() {
    let h = Harness::start().await;
    assert!(h.standin.remove_job("NorthwindTraders", RUST_JOB));
    assert!(!h.standin.remove_job(NW, RUST_JOB));

    let (status, body) = h
        .get_json(&format!("/v1/boards/{NW}/jobs/{RUST_JOB}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"status": 404, "error": "Job not found"}));
    let (_, list) = h.get_json(&format!("/v1/boards/{NW}/jobs")).await;
    assert_eq!(list["meta"]["total"], 5);
    assert!(
        list["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .all(|job| job["id"] != RUST_JOB)
    );
    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &application())
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Admin: delete another job, then add a new one.
    let delete = |id: u64| {
        h.client
            .delete(h.url(&format!("/_standin/boards/{NW}/jobs/{id}")))
            .send()
    };
    assert_eq!(delete(4_012_345_002).await.expect("DELETE").status(), 204);
    assert_eq!(delete(4_012_345_002).await.expect("DELETE").status(), 404);
    let new_job = json!({"title": "Barista", "location": {"name": "Oslo"}, "content": "&lt;p&gt;Coffee&lt;/p&gt;",
        "questions": [{"required": true, "label": "First Name",
            "fields": [{"name": "first_name", "type": "input_text", "values": []}]}]});
    let status = h
        .client
        .put(h.url(&format!("/_standin/boards/{NW}/jobs/42")))
        .json(&new_job)
        .send()
        .await
        .expect("PUT")
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, job) = h
        .get_json(&format!("/v1/boards/{NW}/jobs/42?questions=true"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(job["id"], 42);
    assert_eq!(job["title"], "Barista");
    assert_eq!(job["questions"][0]["label"], "First Name");
    let (_, list) = h.get_json(&format!("/v1/boards/{NW}/jobs")).await;
    assert_eq!(list["meta"]["total"], 5);
    assert_eq!(list["jobs"][4]["id"], 42);

    // Replacing keeps the position; an unknown board is refused.
    assert!(
        h.standin
            .upsert_job(NW, json!({"id": 42, "title": "Head Barista"}))
    );
    assert!(!h.standin.upsert_job("nosuchboard", json!({"id": 42})));
    let (_, job) = h.get_json(&format!("/v1/boards/{NW}/jobs/42")).await;
    assert_eq!(job["title"], "Head Barista");
}

#[tokio::test]
async fn outage_switch_answers_503_until_off() {
    let h = Harness::start().await;
    let outage = |on: bool| {
        h.client
            .put(h.url("/_standin/outage"))
            .json(&json!({ "on": on }))
            .send()
    };
    assert_eq!(outage(true).await.expect("PUT").status(), 204);
    let (status, body) = h.get_json(&format!("/v1/boards/{NW}")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body, json!({"status": 503, "error": "Service Unavailable"}));
    let reply = h
        .apply(RUST_JOB, Some(&basic(NW_KEY)), &application())
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(h.standin.received()[0].status, 503);
    // Admin endpoints keep working during an outage.
    let (status, health) = h.get_json("/_standin/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health, json!({"ok": true}));

    assert_eq!(outage(false).await.expect("PUT").status(), 204);
    let (status, _) = h.get(&format!("/v1/boards/{NW}")).await;
    assert_eq!(status, StatusCode::OK);

    h.standin.set_outage(true);
    let (status, _) = h.get(&format!("/v1/boards/{NW}/jobs")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    h.standin.set_outage(false);
    let (status, _) = h.get(&format!("/v1/boards/{NW}/jobs")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn request_count_skips_admin_requests() {
    let h = Harness::start().await;
    h.get(&format!("/v1/boards/{NW}")).await;
    h.get("/v1/boards/nosuchboard").await;
    h.get("/v1/nothing-here").await;
    h.get("/_standin/health").await;
    h.get("/_standin/applications").await;
    assert_eq!(h.standin.request_count(), 3);
    let (_, count) = h.get_json("/_standin/request_count").await;
    assert_eq!(count, json!({"count": 3}));
}

#[tokio::test]
async fn dropping_stops_serving() {
    let h = Harness::start().await;
    let url = h.url("/_standin/health");
    drop(h);
    // The drop only signals; give the server task a moment to close the listener.
    let mut down = false;
    for _ in 0..50 {
        if Client::new().get(&url).send().await.is_err() {
            down = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(down, "still answering after drop");
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let h = Harness::start().await;
    let url = h.url("/_standin/health");
    let (status, _) = h.get("/_standin/health").await;
    assert_eq!(status, StatusCode::OK);
    h.running.shutdown_and_wait().await;
    let err = Client::new()
        .get(url)
        .send()
        .await
        .expect_err("server is down");
    assert!(err.is_connect(), "{err:?}");
}

#[tokio::test]
async fn shutdown_cuts_a_hanging_timeout_fault_short() {
    let h = Harness::start().await;
    h.standin
        .push_fault(Fault::once(FaultTarget::Get, FaultKind::Timeout));
    let hanging = tokio::spawn(h.client.get(h.url(&format!("/v1/boards/{NW}"))).send());
    // Let the request reach the server before shutting down.
    while h.standin.request_count() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::timeout(Duration::from_secs(5), h.running.shutdown_and_wait())
        .await
        .expect("shutdown must not wait for the 120 s timeout fault");
    let response = hanging.await.expect("task").expect("answered");
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
}
