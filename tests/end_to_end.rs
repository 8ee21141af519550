//! register → sync → form → apply against the Greenhouse stand-in, asserting what
//! Greenhouse received byte for byte, and the paths where nothing must reach it.

use atsi_store::ApplicationStatus;
use atsi_tests::*;
use greenhouse_standin::{Fault, FaultKind, FaultTarget};
use http::Method;
use serde_json::{Value, json};

const RUST_JOB: u64 = 4_012_345_001;
const SRE_JOB: u64 = 6_106_073_003;

fn northwind_submission() -> Value {
    json!({
        "answers": {
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada.lovelace@example.com",
            "phone": "+44 20 7946 0000",
            "question_7100000001": "https://www.linkedin.com/in/ada",
            "question_7100000002": 1,
            "question_7100000003": [9100000001u64, 9100000003u64],
            "question_7100000004": "85000",
            "location": "London, United Kingdom", "latitude": "51.5072", "longitude": "-0.1276"
        },
        "attachments": {
            "resume": {"filename": "ada-cv.docx", "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "content_base64": b64(&resume_docx())},
            "cover_letter": {"filename": "letter.docx", "content_base64": b64(&cover_letter_docx())}
        },
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true},
        "mapped_url_token": "totaljobs",
        "applicant_ip": "203.0.113.7"
    })
}

async fn registered() -> Harness {
    let h = Harness::start().await;
    let (status, body) = h.register("northwind", "northwindtraders").await;
    assert_eq!(status, 201, "{body}");
    h
}

/// Greenhouse answers the next application POST with an outage.
fn greenhouse_503_once(h: &Harness) {
    let outage = FaultKind::Status {
        status: 503,
        body: None,
    };
    h.standin.push_fault(Fault::once(FaultTarget::Post, outage));
}

fn apply_path(employer: &str, job: u64) -> String {
    format!("/v1/employers/{employer}/jobs/{job}/applications")
}

#[tokio::test]
async fn register_sync_apply_delivers_exactly_what_greenhouse_expects() {
    let h = registered().await;
    let (status, jobs) = h
        .call(Method::GET, "/v1/employers/northwind/jobs", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 6);
    let (status, form) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/jobs/{RUST_JOB}/form"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let mut submission = northwind_submission();
    submission["form_version"] = form["form"]["version"].clone();

    let (status, receipt) = h.apply("northwind", RUST_JOB, &submission).await;
    assert_eq!(status, 201, "{receipt}");
    assert_eq!(receipt["status"], "delivered");

    let received = h.deliveries();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(
        (got.board_token.as_str(), got.job_id, got.status),
        ("northwindtraders", RUST_JOB, 200)
    );
    let key = fixture_key("northwindtraders");
    assert_eq!(
        got.authorization.as_deref(),
        Some(format!("Basic {}", b64(format!("{key}:").as_bytes())).as_str())
    );
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        b64_decode(got.body["resume_content"].as_str().unwrap()),
        resume_docx(),
        "resume bytes intact"
    );
    assert_eq!(
        b64_decode(got.body["cover_letter_content"].as_str().unwrap()),
        cover_letter_docx()
    );
    assert_eq!(
        got.body,
        json!({
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada.lovelace@example.com",
            "phone": "+44 20 7946 0000",
            "question_7100000001": "https://www.linkedin.com/in/ada",
            "question_7100000002": 1,
            "question_7100000003": [9100000001u64, 9100000003u64],
            "question_7100000004": "85000",
            "location": "London, United Kingdom", "latitude": "51.5072", "longitude": "-0.1276",
            "resume_content": b64(&resume_docx()), "resume_content_filename": "ada-cv.docx",
            "cover_letter_content": b64(&cover_letter_docx()), "cover_letter_content_filename": "letter.docx",
            "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true},
            "mapped_url_token": "totaljobs",
            "applicant_ip": "203.0.113.7"
        })
    );

    // The ledger has the outcome and no file content.
    let record = h
        .services
        .ledger
        .get(receipt["application_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status, ApplicationStatus::Delivered);
    assert_eq!(record.outcome.as_deref(), Some("delivered"));
    assert_eq!(
        record.payload["resume_content"]["size"],
        json!(resume_docx().len())
    );
    assert!(
        !Value::Object(record.payload)
            .to_string()
            .contains(&b64(&resume_docx())[..64])
    );
}

#[tokio::test]
async fn eeoc_demographics_and_file_questions_arrive_in_greenhouses_shape() {
    let h = Harness::start().await;
    assert_eq!(h.register("acme", "acmeanvils").await.0, 201);
    let submission = json!({
        "answers": {
            "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com",
            "question_30000000002": 0, "question_30000000003": [60000000002u64],
            "gender": "2", "veteran_status": 3, "disability_status": "3"
        },
        "attachments": {"resume": {"filename": "cv.docx", "content_base64": b64(&resume_docx())}},
        "demographic_answers": [{"question_id": 4000101, "answer_options": [{"answer_option_id": 4000204, "text": "Prefer my own words"}]}],
        "data_compliance": {"gdpr_demographic_data_consent_given": true}
    });
    let (status, body) = h.apply("acme", SRE_JOB, &submission).await;
    assert_eq!(status, 201, "{body}");
    let got = &h.deliveries()[0];
    assert_eq!(got.job_id, SRE_JOB, "a post id above 2^32 survives");
    assert_eq!(
        got.body,
        json!({
            "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com",
            "question_30000000002": 0, "question_30000000003": [60000000002u64],
            "gender": "2", "veteran_status": "3", "disability_status": "3",
            "resume_content": b64(&resume_docx()), "resume_content_filename": "cv.docx",
            "demographic_answers": [{"question_id": 4000101, "answer_options": [{"answer_option_id": 4000204, "text": "Prefer my own words"}]}],
            "data_compliance": {"gdpr_demographic_data_consent_given": true}
        })
    );
    // The Account Executive job requires a file question.
    let ae = json!({
        "answers": {"first_name": "G", "last_name": "H", "email": "g@example.com", "question_30000000011": [60000000011u64], "question_30000000012": "120", "resume_text": "cv"},
        "attachments": {"question_30000000013": {"filename": "reference.pdf", "content_base64": b64(b"%PDF-1.4 reference")}}
    });
    let (status, body) = h.apply("acme", 6_106_073_004, &ae).await;
    assert_eq!(status, 201, "{body}");
    let got = &h.deliveries()[1];
    assert_eq!(
        b64_decode(got.body["question_30000000013_content"].as_str().unwrap()),
        b"%PDF-1.4 reference"
    );
    assert_eq!(
        got.body["question_30000000013_content_filename"],
        "reference.pdf"
    );
}

#[tokio::test]
async fn invalid_submissions_get_422_naming_the_field_and_greenhouse_receives_nothing() {
    let h = registered().await;
    let mut missing = northwind_submission();
    missing["answers"]
        .as_object_mut()
        .unwrap()
        .remove("question_7100000002");
    let mut not_offered = northwind_submission();
    not_offered["answers"]["question_7100000003"] = json!([9100000001u64, 42]);
    let mut exe = northwind_submission();
    exe["attachments"]["resume"]["filename"] = json!("cv.exe");
    for (submission, field, code) in [
        (missing, "answers.question_7100000002", "required"),
        (not_offered, "answers.question_7100000003", "invalid_option"),
        (exe, "attachments.resume.filename", "unsupported_file_type"),
    ] {
        let (status, body) = h.apply("northwind", RUST_JOB, &submission).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["field"], field);
        assert_eq!(body["error"]["errors"][0]["code"], code);
        assert_eq!(body["error"]["errors"][0]["field"], field);
    }
    assert!(h.deliveries().is_empty(), "Greenhouse was not called");
    let ledger = h
        .services
        .ledger
        .list_by_employer(&"northwind".parse_employer())
        .await
        .unwrap();
    assert_eq!(ledger.len(), 3, "every submission is recorded");
    assert!(
        ledger
            .iter()
            .all(|r| r.status == ApplicationStatus::Rejected
                && r.outcome.as_deref() == Some("validation_failed"))
    );
    assert!(
        !serde_json::to_string(&ledger).unwrap().contains("Lovelace"),
        "refusals keep field names, not answers"
    );
}

trait ParseEmployer {
    fn parse_employer(&self) -> atsi_domain::EmployerId;
}
impl ParseEmployer for &str {
    fn parse_employer(&self) -> atsi_domain::EmployerId {
        atsi_domain::EmployerId::parse(self).unwrap()
    }
}

#[tokio::test]
async fn a_job_removed_between_syncs_is_closed_and_applying_answers_410() {
    let h = registered().await;
    assert!(h.standin.remove_job("northwindtraders", RUST_JOB));
    let (status, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["closed"], json!([RUST_JOB]));
    assert_eq!(report["open_jobs"], 5);
    let (status, jobs) = h
        .call(Method::GET, "/v1/employers/northwind/jobs", None)
        .await;
    assert_eq!(status, 200);
    assert!(
        jobs["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["job_id"] != json!(RUST_JOB))
    );
    let (status, body) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/jobs/{RUST_JOB}/form"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (410, Some("job_closed"))
    );
    let (status, body) = h
        .apply("northwind", RUST_JOB, &northwind_submission())
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (410, Some("job_closed"))
    );
    assert!(h.deliveries().is_empty(), "Greenhouse was not called");
    // Published again: the next sync reopens it.
    let job = serde_json::from_slice::<Value>(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap()["jobs"][0]
        .clone();
    assert!(h.standin.upsert_job("northwindtraders", job));
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(report["updated"], json!([RUST_JOB]));
}

#[tokio::test]
async fn sync_fetches_questions_only_for_new_or_changed_jobs() {
    let h = registered().await;
    // Registration: the board check, the key probe, the list, and one GET per job.
    let after_register = h.standin.request_count();
    assert_eq!(after_register, 1 + 1 + 1 + 6);
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(
        (
            report["added"].as_array().unwrap().len(),
            report["unchanged"].as_u64()
        ),
        (0, Some(6))
    );
    assert_eq!(
        h.standin.request_count(),
        after_register + 1,
        "an unchanged board costs one list call"
    );
    let mut job = serde_json::from_slice::<Value>(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap()["jobs"][1]
        .clone();
    job["updated_at"] = json!("2026-12-01T10:00:00Z");
    job["questions"][6]["required"] = json!(true);
    h.standin.upsert_job("northwindtraders", job);
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(report["updated"], json!([4_012_345_002u64]));
    assert_eq!(h.standin.request_count(), after_register + 1 + 2);
    let (_, form) = h
        .call(
            Method::GET,
            "/v1/employers/northwind/jobs/4012345002/form",
            None,
        )
        .await;
    assert_eq!(
        form["form"]["questions"][6]["required"],
        json!(true),
        "the changed questions are served"
    );
}

#[tokio::test]
async fn registration_checks_the_token_and_never_shows_the_key() {
    let h = Harness::start().await;
    let (status, body) = h.register_with_key("ghost", "nosuchboard", "k").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        (
            body["error"]["code"].as_str(),
            body["error"]["field"].as_str()
        ),
        (Some("board_not_found"), Some("board_token"))
    );
    let (status, _) = h.call(Method::GET, "/v1/employers/ghost", None).await;
    assert_eq!(status, 404, "nothing stored for a refused registration");

    let key = fixture_key("northwindtraders");
    let (status, registered) = h.register("northwind", "northwindtraders").await;
    assert_eq!(status, 201);
    assert_eq!(
        registered["first_sync"]["report"]["added"]
            .as_array()
            .unwrap()
            .len(),
        6,
        "the first sync ran"
    );
    let (status, employer) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!(status, 200);
    assert_eq!(employer["board_token"], "northwindtraders");
    assert_eq!(employer["board_name"], "Northwind Traders");
    assert_eq!(employer["open_jobs"], 6);
    assert!(
        employer["key_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(employer["last_sync"]["ok"].as_bool().unwrap());
    for shown in [&registered, &employer] {
        assert!(
            !shown.to_string().contains(&key),
            "the key is never returned"
        );
    }
    // A key Greenhouse refuses (here another board's) is refused at registration and
    // leaves the registered key in place.
    let (status, body) = h
        .register_with_key("northwind", "northwindtraders", &fixture_key("acmeanvils"))
        .await;
    assert_eq!(
        (
            status,
            body["error"]["code"].as_str(),
            body["error"]["field"].as_str()
        ),
        (422, Some("api_key_refused"), Some("api_key"))
    );
    let (_, unchanged) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!(unchanged["key_fingerprint"], employer["key_fingerprint"]);
    let probes: Vec<u64> = h.standin.received().iter().map(|r| r.job_id).collect();
    assert_eq!(
        probes,
        vec![0, 0],
        "keys are probed on job 0, which creates nothing"
    );
    // Registering again rotates: 200, same employer.
    let (status, rotated) = h.register("northwind", "northwindtraders").await;
    assert_eq!((status, rotated["created"].as_bool()), (200, Some(false)));
    let (status, body) = h
        .register_with_key("bad", "northwindtraders", "has space")
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("api_key"))
    );
}

#[tokio::test]
async fn removal_deletes_key_jobs_and_mapping() {
    let h = registered().await;
    let id = "northwind".parse_employer();
    let key_ref = h
        .services
        .employers
        .get(&id)
        .await
        .unwrap()
        .unwrap()
        .key_ref;
    let (status, _) = h
        .call(Method::DELETE, "/v1/employers/northwind", None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        h.call(Method::GET, "/v1/employers/northwind", None).await.0,
        404
    );
    let (status, body) = h
        .apply("northwind", RUST_JOB, &northwind_submission())
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("employer_not_found"))
    );
    assert!(h.services.secrets.get(&key_ref).await.unwrap().is_none());
    assert!(h.services.jobs.list(&id).await.unwrap().is_empty());
    assert_eq!(
        h.call(Method::DELETE, "/v1/employers/northwind", None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn an_outage_is_retryable_and_an_idempotent_retry_sends_once() {
    let h = registered().await;
    greenhouse_503_once(&h);
    let headers = [("Idempotency-Key", "board-abc-123")];
    let path = apply_path("northwind", RUST_JOB);
    let (status, body) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &headers)
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        error_of(&body),
        (Some("greenhouse_unavailable"), Some(true))
    );
    let failed_id = body["error"]["application_id"].as_str().unwrap().to_owned();
    assert_eq!(
        h.services
            .ledger
            .get(&failed_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        ApplicationStatus::Failed
    );

    let (status, first) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &headers)
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        first["application_id"],
        failed_id.as_str(),
        "the retry settles the same ledger record"
    );
    let (status, again) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &headers)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (again["replayed"].as_bool(), &again["application_id"]),
        (Some(true), &first["application_id"])
    );
    let statuses: Vec<u16> = h.deliveries().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![503, 200], "delivered once, never twice");

    let mut other = northwind_submission();
    other["answers"]["first_name"] = json!("Someone else");
    let (status, body) = h
        .call_with(Method::POST, &path, Some(&other), &headers)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("idempotency_key_reused"))
    );
}

#[tokio::test]
async fn field_case_a_timeout_reaches_the_board_as_retryable_and_a_retry_resends_once() {
    let h = registered().await;
    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Timeout));
    let key = [("Idempotency-Key", "timeout-1")];
    let path = apply_path("northwind", RUST_JOB);
    let (status, body) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(error_of(&body), (Some("greenhouse_timeout"), Some(true)));
    let (status, body) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(status, 201, "{body}");
    let statuses: Vec<u16> = h.deliveries().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![504, 200],
        "the timed-out POST, then one resend"
    );
}

#[tokio::test]
async fn a_refused_key_marks_the_employer_and_is_not_retryable() {
    let h = registered().await;
    // The employer revokes the key in Greenhouse after registration.
    let id = "northwind".parse_employer();
    let revoked = atsi_domain::credentials::ApiKey::new("revoked-key");
    let stored = h.services.employers.get(&id).await.unwrap().unwrap();
    let mut swapped = stored.clone();
    swapped.key_ref = h.services.secrets.create(&id, &revoked).await.unwrap();
    swapped.revision = "test-revision".into();
    h.services
        .employers
        .put(&swapped, Some(&stored.revision))
        .await
        .unwrap();
    let (status, body) = h
        .apply("northwind", RUST_JOB, &northwind_submission())
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(
        error_of(&body),
        (Some("employer_credentials_invalid"), Some(false))
    );
    assert_eq!(h.deliveries()[0].status, 401);
    let (_, employer) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!(employer["credentials"]["state"], "invalid");
    assert!(!body.to_string().contains("revoked-key"));
}

#[tokio::test]
async fn data_survives_a_restart() {
    let h = registered().await;
    let (status, receipt) = h
        .apply("northwind", RUST_JOB, &northwind_submission())
        .await;
    assert_eq!(status, 201);
    let Harness { dir, services, .. } = h;
    drop(services);
    let h = Harness::start_in(dir).await;
    let (status, employer) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!((status, employer["open_jobs"].as_u64()), (200, Some(6)));
    let record = h
        .services
        .ledger
        .get(receipt["application_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(record.unwrap().status, ApplicationStatus::Delivered);
    let key_ref = employer["key_ref"].as_str().map(str::to_owned);
    assert_eq!(key_ref, None, "where the key is kept is not shown");
    let stored = h
        .services
        .employers
        .get(&"northwind".parse_employer())
        .await
        .unwrap()
        .unwrap();
    assert!(
        h.services
            .secrets
            .get(&stored.key_ref)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn bad_requests_get_one_error_shape() {
    let h = registered().await;
    let cases: Vec<(Method, String, Option<Value>, u16, &str)> = vec![
        (Method::GET, "/nope".into(), None, 404, "route_not_found"),
        (
            Method::PATCH,
            "/v1/employers/northwind".into(),
            None,
            405,
            "method_not_allowed",
        ),
        (
            Method::GET,
            "/v1/employers/north%20wind".into(),
            None,
            400,
            "invalid_parameter",
        ),
        (
            Method::GET,
            "/v1/employers/northwind/jobs/12x/form".into(),
            None,
            400,
            "invalid_parameter",
        ),
        (
            Method::GET,
            "/v1/employers/nobody/jobs".into(),
            None,
            404,
            "employer_not_found",
        ),
        (
            Method::GET,
            "/v1/employers/northwind/jobs/1/form".into(),
            None,
            404,
            "job_not_found",
        ),
        (
            Method::POST,
            apply_path("northwind", RUST_JOB),
            None,
            400,
            "invalid_body",
        ),
        (
            Method::POST,
            apply_path("northwind", RUST_JOB),
            Some(json!([1, 2])),
            400,
            "invalid_body",
        ),
        (
            Method::POST,
            apply_path("northwind", RUST_JOB),
            Some(json!({"answerz": {}})),
            400,
            "invalid_body",
        ),
        (
            Method::PUT,
            "/v1/employers/x".into(),
            Some(json!({"board_token": "t"})),
            400,
            "invalid_body",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let (got, resp) = h.call(method.clone(), &path, body.as_ref()).await;
        assert_eq!(
            (got, resp["error"]["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {resp}"
        );
        assert_eq!(resp["error"]["request_id"], "test");
        assert!(
            resp["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let (status, body) = h
        .call_with(
            Method::POST,
            &apply_path("northwind", RUST_JOB),
            Some(&northwind_submission()),
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("unsupported_media_type"))
    );
}

#[tokio::test]
async fn concurrent_retries_after_an_outage_deliver_exactly_once() {
    let h = registered().await;
    greenhouse_503_once(&h);
    let key = [("Idempotency-Key", "retry-race-1")];
    let path = apply_path("northwind", RUST_JOB);
    let submission = northwind_submission();
    let (status, _) = h
        .call_with(Method::POST, &path, Some(&submission), &key)
        .await;
    assert_eq!(status, 503);
    // Greenhouse is slow now, so the retries overlap.
    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Delay { millis: 300 }).times(5));
    let retry = || h.call_with(Method::POST, &path, Some(&submission), &key);
    let results = tokio::join!(retry(), retry(), retry(), retry(), retry());
    let mut statuses = [
        results.0.0,
        results.1.0,
        results.2.0,
        results.3.0,
        results.4.0,
    ];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [201, 409, 409, 409, 409],
        "one resend, the others see it in progress"
    );
    let accepted = h.deliveries().iter().filter(|r| r.status == 200).count();
    assert_eq!(accepted, 1, "Greenhouse got the application once");
}

#[tokio::test]
async fn an_idempotency_key_names_one_application_not_one_body() {
    let h = registered().await;
    let key = [("Idempotency-Key", "board-key-1")];
    let dpo = json!({
        "answers": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                    "question_7100000021": 1, "resume_text": "cv", "cover_letter_text": "hi"},
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    });
    let first = h
        .call_with(
            Method::POST,
            &apply_path("northwind", 4_012_345_004),
            Some(&dpo),
            &key,
        )
        .await;
    assert_eq!(first.0, 201);
    // The same body for the job's other post is another application.
    let (status, body) = h
        .call_with(
            Method::POST,
            &apply_path("northwind", 4_012_345_005),
            Some(&dpo),
            &key,
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0),
        (409, Some("idempotency_key_reused"))
    );
    assert_eq!(h.deliveries().len(), 1);
}

#[tokio::test]
async fn hostile_requests_get_clear_errors_and_reach_nobody() {
    let h = registered().await;
    let path = apply_path("northwind", RUST_JOB);
    // serde reads structs from arrays by position; the API takes objects only.
    let (status, body) = h
        .call(Method::POST, &path, Some(&json!(["v", {}, {}])))
        .await;
    assert_eq!((status, error_of(&body).0), (400, Some("invalid_body")));
    let (status, body) = h
        .call(
            Method::PUT,
            "/v1/employers/arr",
            Some(&json!(["northwindtraders", "k"])),
        )
        .await;
    assert_eq!((status, error_of(&body).0), (400, Some("invalid_body")));
    // A wrong type names its field and does not echo the value.
    let mut wrong = northwind_submission();
    wrong["data_compliance"]["gdpr_processing_consent_given"] = json!("secret-value");
    let (status, body) = h.call(Method::POST, &path, Some(&wrong)).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["field"],
        "data_compliance.gdpr_processing_consent_given"
    );
    assert!(!body.to_string().contains("secret-value"));
    for ct in ["text/jsonx", "application/x-www-form-urlencoded; notjson"] {
        let (status, body) = h
            .call_with(
                Method::POST,
                &path,
                Some(&northwind_submission()),
                &[("content-type", ct)],
            )
            .await;
        assert_eq!(
            (status, error_of(&body).0),
            (400, Some("unsupported_media_type")),
            "{ct}"
        );
    }
    let (status, _) = h
        .call_with(
            Method::POST,
            &path,
            Some(&northwind_submission()),
            &[("content-type", "application/json; charset=utf-8")],
        )
        .await;
    assert_eq!(status, 201);
    // A non-ASCII or empty Idempotency-Key is refused, not ignored.
    for raw in [&b"candidature-\xc3\xa9-1"[..], b""] {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
        headers.insert(
            "idempotency-key",
            http::HeaderValue::from_bytes(raw).unwrap(),
        );
        let req = atsi_api::ApiRequest {
            method: Method::POST,
            path: path.clone(),
            query: None,
            headers,
            body: serde_json::to_vec(&northwind_submission()).unwrap().into(),
            request_id: "test".into(),
        };
        let resp = atsi_api::handle_any(&h.services, req).await;
        assert_eq!(resp.status, 400);
        assert_eq!(
            resp.body.unwrap()["error"]["code"],
            "invalid_idempotency_key"
        );
    }
    assert_eq!(
        h.deliveries().len(),
        1,
        "only the one valid request was delivered"
    );
    // A key that cannot be a Greenhouse key is refused before any call.
    let (status, body) = h.register_with_key("k", "northwindtraders", "ключ").await;
    assert_eq!((status, error_of(&body).0), (422, Some("invalid_api_key")));
}

#[tokio::test]
async fn a_legacy_error_body_on_the_job_list_closes_nothing() {
    let h = registered().await;
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::LegacyError {
            reason: "Board not live".into(),
        },
    ));
    let (status, body) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(
        (status, error_of(&body)),
        (502, (Some("greenhouse_error"), Some(false)))
    );
    let (_, jobs) = h
        .call(Method::GET, "/v1/employers/northwind/jobs", None)
        .await;
    assert_eq!(jobs["jobs"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_board_can_look_up_an_application_it_lost_track_of() {
    let h = registered().await;
    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Timeout));
    let (status, body) = h
        .apply("northwind", RUST_JOB, &northwind_submission())
        .await;
    assert_eq!(status, 503);
    let id = body["error"]["application_id"].as_str().unwrap().to_owned();
    let (status, view) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["status"].as_str(), view["outcome"].as_str()),
        (Some("failed"), Some("greenhouse_timeout"))
    );
    assert!(view.get("payload").is_none(), "answers are not served back");
    assert_eq!(h.register("acme", "acmeanvils").await.0, 201);
    let (status, body) = h
        .call(
            Method::GET,
            &format!("/v1/employers/acme/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(
        (status, error_of(&body).0),
        (404, Some("application_not_found")),
        "another employer's id"
    );
    let (status, _) = h
        .call(
            Method::GET,
            "/v1/employers/northwind/applications/nope",
            None,
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_delivered_application_replays_even_after_the_form_changed() {
    let mut h = registered().await;
    let key = [("Idempotency-Key", "replay-after-edit")];
    let path = apply_path("northwind", RUST_JOB);
    let (status, first) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(status, 201, "{first}");
    // The employer edits the questions; atsi refreshes them before checking.
    let board: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap();
    let mut job = board["jobs"][0].clone();
    job["questions"][9]["required"] = json!(true);
    h.standin.upsert_job("northwindtraders", job);
    h.services.settings.form_max_age = std::time::Duration::ZERO;
    let (status, again) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["replayed"].as_bool(), &again["application_id"]),
        (Some(true), &first["application_id"])
    );
    assert_eq!(h.deliveries().len(), 1);
}

#[tokio::test]
async fn a_delivery_after_a_passing_401_restores_the_credentials() {
    let h = registered().await;
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::Status {
            status: 401,
            body: Some("HTTP Basic: Access denied.".into()),
        },
    ));
    assert_eq!(
        h.apply("northwind", RUST_JOB, &northwind_submission())
            .await
            .0,
        502
    );
    // A good sync does not hide the refused key.
    assert_eq!(
        h.call(Method::POST, "/v1/employers/northwind/sync", None)
            .await
            .0,
        200
    );
    let (_, employer) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!(employer["credentials"]["state"], "invalid");
    assert!(employer["last_error"].as_str().unwrap().contains("401"));
    // Greenhouse takes the key again: healthy.
    assert_eq!(
        h.apply("northwind", RUST_JOB, &northwind_submission())
            .await
            .0,
        201
    );
    let (_, employer) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!(employer["credentials"]["state"], "valid");
    assert_eq!(employer["attention"], json!([]));
    let (status, body) = h
        .call(Method::GET, "/v1/employers?attention=maybe", None)
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (400, Some("attention"))
    );
}

#[tokio::test]
async fn an_attempt_abandoned_mid_way_is_taken_over_by_a_retry() {
    let h = registered().await;
    let key = [("Idempotency-Key", "abandoned-1")];
    let path = apply_path("northwind", RUST_JOB);
    let (status, first) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(status, 201);
    // As if the function had been stopped right after recording the attempt, long ago.
    let id = first["application_id"].as_str().unwrap();
    let delivered = h.services.ledger.get(id).await.unwrap().unwrap();
    let mut stuck = delivered.clone();
    stuck.status = ApplicationStatus::Pending;
    stuck.outcome = None;
    stuck.attempt_at = Some("2026-01-01T00:00:00Z".into());
    h.services
        .ledger
        .update(&stuck, (ApplicationStatus::Delivered, delivered.attempt))
        .await
        .unwrap();
    let (status, again) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["application_id"], first["application_id"]);
    let record = h.services.ledger.get(id).await.unwrap().unwrap();
    assert_eq!(
        (record.status, record.attempt),
        (ApplicationStatus::Delivered, 2)
    );
    // A fresh pending attempt is left alone.
    let mut running = record.clone();
    running.status = ApplicationStatus::Pending;
    running.attempt_at = Some(chrono::Utc::now().to_rfc3339());
    h.services
        .ledger
        .update(&running, (ApplicationStatus::Delivered, 2))
        .await
        .unwrap();
    let (status, body) = h
        .call_with(Method::POST, &path, Some(&northwind_submission()), &key)
        .await;
    assert_eq!(
        (status, error_of(&body).0),
        (409, Some("application_in_progress"))
    );
}
