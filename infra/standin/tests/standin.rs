//! Drives a served stand-in over HTTP with the real fixture boards.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use greenhouse_standin::{
    EducationItem, EducationLists, Fault, FaultKind, FaultTarget, FixtureBoard, RunningStandIn,
    StandIn,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/boards");
const NW: &str = "northwindtraders";
const NW_KEY: &str = "nw_jobboard_4c1f0e9a7b2d48d6a1c3";
const ACME_KEY: &str = "acme_jb_91ad55e0c2f64b7e8e10";
/// Senior Rust Engineer: selects question_7100000002 (0/1) and question_7100000003 (multi).
const RUST_JOB: u64 = 4_012_345_001;
const ACCESS_DENIED: &str = "HTTP Basic: Access denied.";
/// From `infra/fixtures/education.json`.
const BACHELORS: u64 = 5001;
const COMPUTER_SCIENCE: u64 = 6007;
const UCC: u64 = 4_000_000_008;

struct Harness {
    standin: StandIn,
    running: RunningStandIn,
    client: Client,
}

impl Harness {
    async fn start() -> Harness {
        Harness::serve(StandIn::from_dir(FIXTURES).expect("fixtures load")).await
    }

    async fn serve(standin: StandIn) -> Harness {
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

fn education_entry(school: Value, degree: Value, discipline: Value) -> Value {
    json!({
        "school_name_id": school,
        "degree_id": degree,
        "discipline_id": discipline,
        "start_date": {"month": "9", "year": "2016"},
        "end_date": {"month": "6", "year": "2020"}
    })
}

fn texts(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .expect("items array")
        .iter()
        .map(|item| item["text"].as_str().expect("text"))
        .collect()
}

#[tokio::test]
async fn education_lists_filter_by_term() {
    let h = Harness::start().await;
    let (status, degrees) = h
        .get_json(&format!("/v1/boards/{NW}/education/degrees"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(degrees["meta"], json!({"total_count": 12, "per_page": 100}));
    assert_eq!(
        degrees["items"][0],
        json!({"id": BACHELORS, "text": "Bachelor's Degree"})
    );

    let (_, masters) = h
        .get_json(&format!("/v1/boards/{NW}/education/degrees?term=MASTER"))
        .await;
    assert_eq!(
        texts(&masters),
        [
            "Master's Degree",
            "Master of Business Administration (M.B.A.)"
        ]
    );
    assert_eq!(masters["meta"]["total_count"], 2);

    let (_, engineering) = h
        .get_json(&format!(
            "/v1/boards/{NW}/education/disciplines?term=engineering"
        ))
        .await;
    assert_eq!(
        texts(&engineering),
        [
            "Civil Engineering",
            "Electrical Engineering",
            "Mechanical Engineering"
        ]
    );
    let (_, computing) = h
        .get_json(&format!(
            "/v1/boards/{NW}/education/disciplines?term=computer+science"
        ))
        .await;
    assert_eq!(
        computing["items"],
        json!([{"id": COMPUTER_SCIENCE, "text": "Computer Science"}])
    );

    // Percent-encoded UTF-8, matched case-insensitively.
    let (_, tu) = h
        .get_json(&format!(
            "/v1/boards/{NW}/education/schools?term=UNIVERSIT%C3%84T"
        ))
        .await;
    assert_eq!(texts(&tu), ["Technische Universität Berlin"]);
    let (_, cork) = h
        .get_json(&format!("/v1/boards/{NW}/education/schools?term=cork"))
        .await;
    assert_eq!(
        cork["items"],
        json!([{"id": UCC, "text": "University College Cork"}])
    );

    let (status, none) = h
        .get_json(&format!("/v1/boards/{NW}/education/schools?term=sorbonne"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        none,
        json!({"items": [], "meta": {"total_count": 0, "per_page": 100}})
    );
}

#[tokio::test]
async fn education_lists_paginate_by_a_hundred() {
    let h = Harness::start().await;
    let page = |query: &'static str| {
        let h = &h;
        async move {
            let (status, body) = h
                .get_json(&format!("/v1/boards/{NW}/education/schools{query}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{query}");
            body
        }
    };
    let first = page("").await;
    assert_eq!(first["meta"], json!({"total_count": 230, "per_page": 100}));
    assert_eq!(first["items"].as_array().map(Vec::len), Some(100));
    assert_eq!(first["items"][0]["id"], 4_000_000_001_u64);

    let second = page("?page=2").await;
    assert_eq!(second["items"].as_array().map(Vec::len), Some(100));
    assert_eq!(second["items"][0]["id"], 4_000_000_101_u64);

    let third = page("?page=3").await;
    assert_eq!(third["meta"], json!({"total_count": 230, "per_page": 100}));
    assert_eq!(third["items"].as_array().map(Vec::len), Some(30));
    assert_eq!(third["items"][29]["id"], 4_000_000_230_u64);

    let past_the_end = page("?page=4").await;
    assert_eq!(
        past_the_end,
        json!({"items": [], "meta": {"total_count": 230, "per_page": 100}})
    );

    // Lenient like Greenhouse: a page that is not a positive integer is the first page.
    for query in ["?page=0", "?page=abc", "?page=-2", "?page=", "?page=1"] {
        assert_eq!(page(query).await, first, "{query}");
    }

    // The count and the pages are of the filtered list.
    let example = page("?term=example&page=3").await;
    assert_eq!(example["meta"]["total_count"], 220);
    assert_eq!(
        texts(&example).first().copied(),
        Some("University of Example 201")
    );
    assert_eq!(example["items"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn education_lists_follow_the_get_rules() {
    let h = Harness::start().await;
    for kind in ["degrees", "disciplines", "schools"] {
        let (status, body) = h
            .get_json(&format!("/v1/boards/nosuchboard/education/{kind}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{kind}");
        assert_eq!(body, json!({"status": 404, "error": "Job board not found"}));
        // Board tokens match case-insensitively here too.
        let (status, _) = h
            .get(&format!("/v1/boards/NorthwindTraders/education/{kind}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}");
    }
    let (status, _) = h.get(&format!("/v1/boards/{NW}/education/majors")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let path = format!("/v1/boards/{NW}/education/degrees");
    let with_key = |key: &str| {
        h.client
            .get(h.url(&path))
            .header("Authorization", basic(key))
            .send()
    };
    let reply = Reply::from(with_key(ACME_KEY).await.expect("GET")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.text, ACCESS_DENIED);
    assert_eq!(
        with_key(NW_KEY).await.expect("GET").status(),
        StatusCode::OK
    );

    let (status, text) = h.get(&format!("{path}?term=phd&callback=cb")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("/**/cb({\"items\":"), "{text}");

    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Status {
            status: 502,
            body: None,
        },
    ));
    let (status, body) = h.get_json(&path).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body, json!({"status": 502, "error": "Injected fault"}));
    h.standin.set_outage(true);
    let (status, _) = h.get(&path).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    h.standin.set_outage(false);
    let (status, _) = h.get(&path).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn application_education_ids_must_come_from_the_lists() {
    let h = Harness::start().await;
    let valid = education_entry(json!(UCC), json!(BACHELORS), json!(COMPUTER_SCIENCE));
    let reply = h
        .apply(
            RUST_JOB,
            Some(&basic(NW_KEY)),
            &with(application(), "educations", json!([valid])),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    // Numeric strings, as multipart forms carry them, name the same ids.
    let as_strings = education_entry(
        json!(UCC.to_string()),
        json!("5001"),
        json!(COMPUTER_SCIENCE.to_string()),
    );
    let reply = h
        .apply(
            RUST_JOB,
            Some(&basic(NW_KEY)),
            &with(application(), "educations", json!([as_strings])),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

    let cases = [
        (
            education_entry(
                json!(4_000_000_999_u64),
                json!(BACHELORS),
                json!(COMPUTER_SCIENCE),
            ),
            "educations[0].school_name_id is not a valid school",
        ),
        (
            // A degree id is not a school id.
            education_entry(json!(BACHELORS), json!(BACHELORS), json!(COMPUTER_SCIENCE)),
            "educations[0].school_name_id is not a valid school",
        ),
        (
            education_entry(json!(UCC), json!(6001), json!(COMPUTER_SCIENCE)),
            "educations[0].degree_id is not a valid degree",
        ),
        (
            education_entry(json!(UCC), json!(BACHELORS), json!(-6007)),
            "educations[0].discipline_id is not a valid discipline",
        ),
        (
            education_entry(json!(UCC), json!(BACHELORS), json!("Computer Science")),
            "educations[0].discipline_id must be an id",
        ),
    ];
    for (entry, message) in &cases {
        let reply = h
            .apply(
                RUST_JOB,
                Some(&basic(NW_KEY)),
                &with(application(), "educations", json!([entry])),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert_eq!(reply.json(), json!({"status": 422, "error": message}));
    }
    let statuses: Vec<u16> = h.standin.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 200, 422, 422, 422, 422, 422]);
}

/// A scratch copy of the boards directory with no `education.json` beside it.
struct ScratchFixtures(std::path::PathBuf);

impl ScratchFixtures {
    fn new(name: &str) -> ScratchFixtures {
        let root =
            std::env::temp_dir().join(format!("greenhouse-standin-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let boards = root.join("boards");
        std::fs::create_dir_all(&boards).expect("scratch dir");
        let source = std::path::Path::new(FIXTURES).join(format!("{NW}.json"));
        std::fs::copy(source, boards.join(format!("{NW}.json"))).expect("copy board");
        ScratchFixtures(root)
    }

    fn boards(&self) -> std::path::PathBuf {
        self.0.join("boards")
    }
}

impl Drop for ScratchFixtures {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn without_education_json_the_lists_are_empty_and_ids_unchecked() {
    let scratch = ScratchFixtures::new("no-education");
    let h = Harness::serve(StandIn::from_dir(scratch.boards()).expect("fixtures load")).await;
    for kind in ["degrees", "disciplines", "schools"] {
        let (status, body) = h
            .get_json(&format!("/v1/boards/{NW}/education/{kind}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}");
        assert_eq!(
            body,
            json!({"items": [], "meta": {"total_count": 0, "per_page": 100}})
        );
    }
    let any_ids = education_entry(json!(1), json!(2), json!(3));
    let reply = h
        .apply(
            RUST_JOB,
            Some(&basic(NW_KEY)),
            &with(application(), "educations", json!([any_ids])),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);

    // A broken education.json is a load error, not silently empty lists.
    std::fs::write(scratch.0.join("education.json"), r#"{"school": []}"#).expect("write");
    let err = StandIn::from_dir(scratch.boards()).expect_err("unknown field");
    assert!(err.to_string().contains("education.json"), "{err}");
}

#[tokio::test]
async fn with_education_sets_the_lists_in_code() {
    let text = std::fs::read_to_string(std::path::Path::new(FIXTURES).join(format!("{NW}.json")))
        .expect("read board");
    let board: FixtureBoard = serde_json::from_str(&text).expect("board fixture");
    let item = |id: u64, text: &str| EducationItem {
        id,
        text: text.to_owned(),
    };
    let standin = StandIn::from_boards(vec![board]).with_education(EducationLists {
        degrees: vec![item(1, "Bachelor's Degree")],
        disciplines: vec![item(2, "Physics")],
        schools: vec![item(3, "University College Cork")],
    });
    let h = Harness::serve(standin).await;
    let (_, schools) = h
        .get_json(&format!("/v1/boards/{NW}/education/schools"))
        .await;
    assert_eq!(
        schools,
        json!({"items": [{"id": 3, "text": "University College Cork"}],
               "meta": {"total_count": 1, "per_page": 100}})
    );
    let reply = h
        .apply(
            RUST_JOB,
            Some(&basic(NW_KEY)),
            &with(
                application(),
                "educations",
                json!([education_entry(json!(3), json!(1), json!(2))]),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = h
        .apply(
            RUST_JOB,
            Some(&basic(NW_KEY)),
            &with(
                application(),
                "educations",
                json!([education_entry(json!(1), json!(1), json!(2))]),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reply.json()["error"],
        "educations[0].school_name_id is not a valid school"
    );
}
