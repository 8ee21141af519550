//! Apply fidelity: every field kind Greenhouse takes, from the form a board renders to
//! the exact JSON Greenhouse receives; and the field cases that break real integrations,
//! one test each, named after the case.

use atsi_tests::*;
use greenhouse_standin::{Fault, FaultKind, FaultTarget};
use http::Method;
use serde_json::{Map, Value, json};
use std::time::Duration;

const RUST_JOB: u64 = 4_012_345_001;
const WAREHOUSE_JOB: u64 = 4_012_345_002;
const SRE_JOB: u64 = 6_106_073_003;
// base64("Hello, world!\n")
const FILE: &str = "SGVsbG8sIHdvcmxkIQo=";

async fn northwind() -> Harness {
    let h = Harness::start().await;
    assert_eq!(h.register("northwind", "northwindtraders").await.0, 201);
    h
}

async fn acme() -> Harness {
    let h = Harness::start().await;
    assert_eq!(h.register("acme", "acmeanvils").await.0, 201);
    h
}

/// The least a jobseeker must give for the Senior Rust Engineer job.
fn rust_base() -> Value {
    json!({
        "answers": {
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "question_7100000002": 1, "question_7100000003": [9100000001u64],
            "location": "Berlin, Germany", "latitude": "52.52", "longitude": "13.405"
        },
        "attachments": {"resume": {"filename": "cv.pdf", "content_base64": FILE}},
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    })
}

/// What Greenhouse must receive for [`rust_base`].
fn rust_base_received() -> Map<String, Value> {
    let Value::Object(m) = json!({
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "question_7100000002": 1, "question_7100000003": [9100000001u64],
        "location": "Berlin, Germany", "latitude": "52.52", "longitude": "13.405",
        "resume_content": FILE, "resume_content_filename": "cv.pdf",
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    }) else {
        unreachable!()
    };
    m
}

fn with(mut v: Value, section: &str, key: &str, value: Value) -> Value {
    v[section][key] = value;
    v
}

fn expected(base: Map<String, Value>, extra: Value) -> Value {
    let mut m = base;
    if let Value::Object(e) = extra {
        m.extend(e);
    }
    Value::Object(m)
}

/// Submits and answers the body Greenhouse received, asserting it was accepted.
async fn delivered(h: &Harness, employer: &str, job: u64, submission: &Value) -> Value {
    let before = h.deliveries().len();
    let (status, body) = h.apply(employer, job, submission).await;
    assert_eq!(status, 201, "{body}");
    let got = h.deliveries();
    assert_eq!(got.len(), before + 1, "one POST to Greenhouse");
    let last = got.last().unwrap();
    assert_eq!((last.job_id, last.status), (job, 200));
    last.body.clone()
}

async fn refused(h: &Harness, employer: &str, job: u64, submission: &Value) -> Value {
    let (status, body) = h.apply(employer, job, submission).await;
    assert_eq!(status, 422, "{body}");
    assert!(h.deliveries().is_empty(), "Greenhouse was not called");
    body
}

// ---- every field kind, end to end -------------------------------------------------

#[tokio::test]
async fn field_kind_text_and_textarea() {
    let h = northwind().await;
    let sub = with(
        with(
            rust_base(),
            "answers",
            "question_7100000001",
            json!(" https://linkedin.com/in/ada "),
        ),
        "answers",
        "question_7100000004",
        json!("85000\nnegotiable"),
    );
    let got = delivered(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(
        got,
        expected(
            rust_base_received(),
            json!({"question_7100000001": "https://linkedin.com/in/ada", "question_7100000004": "85000\nnegotiable"})
        )
    );
}

#[tokio::test]
async fn field_kind_single_and_boolean_like_selects_send_the_options_value() {
    let h = northwind().await;
    // "No" is option 0: a falsy value that must still be sent, as an int.
    let got = delivered(
        &h,
        "northwind",
        RUST_JOB,
        &with(rust_base(), "answers", "question_7100000002", json!("0")),
    )
    .await;
    assert_eq!(
        got,
        expected(rust_base_received(), json!({"question_7100000002": 0}))
    );
}

#[tokio::test]
async fn field_kind_multi_select_is_an_array_under_the_bare_key() {
    let h = northwind().await;
    let got = delivered(
        &h,
        "northwind",
        RUST_JOB,
        &with(
            rust_base(),
            "answers",
            "question_7100000003",
            json!([9100000002u64, "9100000004"]),
        ),
    )
    .await;
    assert_eq!(
        got,
        expected(
            rust_base_received(),
            json!({"question_7100000003": [9100000002u64, 9100000004u64]})
        )
    );
    assert!(got.get("question_7100000003[]").is_none());
}

#[tokio::test]
async fn field_kind_hidden_is_sent_when_the_board_has_it() {
    let h = northwind().await;
    let sub = json!({
        "answers": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "question_7100000011": 1, "question_7100000013": "REF-42"},
        "data_compliance": {"gdpr_consent_given": true}
    });
    let got = delivered(&h, "northwind", WAREHOUSE_JOB, &sub).await;
    assert_eq!(
        got,
        json!({
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "question_7100000011": 1, "question_7100000013": "REF-42",
            "data_compliance": {"gdpr_consent_given": true}
        })
    );
}

#[tokio::test]
async fn field_kind_file_question_is_content_and_filename() {
    let h = northwind().await;
    let sub = with(
        rust_base(),
        "attachments",
        "question_7100000005",
        json!({"filename": "sample.rtf", "content_base64": FILE}),
    );
    let got = delivered(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(
        got,
        expected(
            rust_base_received(),
            json!({"question_7100000005_content": FILE, "question_7100000005_content_filename": "sample.rtf"})
        )
    );
}

#[tokio::test]
async fn field_kind_resume_and_cover_letter_as_file_text_and_url() {
    let h = northwind().await;
    let mut as_text = rust_base();
    as_text["attachments"] = json!({"cover_letter": {"filename": "letter.docx", "url": "https://files.example.com/letter.docx?sig=abc"}});
    as_text["answers"]["resume_text"] = json!("Ten years of Rust.");
    as_text["answers"]["cover_letter_text"] = json!("Dear Northwind,");
    let got = delivered(&h, "northwind", RUST_JOB, &as_text).await;
    let mut base = rust_base_received();
    base.remove("resume_content");
    base.remove("resume_content_filename");
    assert_eq!(
        got,
        expected(
            base,
            json!({
                "resume_text": "Ten years of Rust.", "cover_letter_text": "Dear Northwind,",
                "cover_letter_url": "https://files.example.com/letter.docx?sig=abc", "cover_letter_url_filename": "letter.docx"
            })
        )
    );
    let as_file = with(
        rust_base(),
        "attachments",
        "cover_letter",
        json!({"filename": "letter.docx", "content_base64": b64(&cover_letter_docx())}),
    );
    let got = delivered(&h, "northwind", RUST_JOB, &as_file).await;
    assert_eq!(
        b64_decode(got["cover_letter_content"].as_str().unwrap()),
        cover_letter_docx()
    );
}

#[tokio::test]
async fn field_kind_location_is_a_complete_triple() {
    let h = northwind().await;
    let sub = with(
        with(rust_base(), "answers", "latitude", json!(38.72)),
        "answers",
        "location",
        json!("Lisbon, Portugal"),
    );
    let got = delivered(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(
        (&got["location"], &got["latitude"], &got["longitude"]),
        (
            &json!("Lisbon, Portugal"),
            &json!("38.72"),
            &json!("13.405")
        )
    );
}

fn sre_base() -> Value {
    json!({
        "answers": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "question_30000000002": 0},
        "attachments": {"resume": {"filename": "cv.docx", "content_base64": FILE}}
    })
}

#[tokio::test]
async fn field_kind_eeoc_answers_keep_the_option_values_type() {
    let h = acme().await;
    let mut sub = sre_base();
    sub["answers"]["gender"] = json!(2);
    sub["answers"]["hispanic_ethnicity"] = json!("No");
    sub["answers"]["veteran_status"] = json!("3");
    sub["answers"]["disability_status"] = json!(1);
    let got = delivered(&h, "acme", SRE_JOB, &sub).await;
    assert_eq!(
        got,
        json!({
            "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "question_30000000002": 0,
            "resume_content": FILE, "resume_content_filename": "cv.docx",
            "gender": "2", "hispanic_ethnicity": "No", "veteran_status": "3", "disability_status": "1"
        })
    );
}

#[tokio::test]
async fn field_kind_demographic_answers_with_free_text_and_their_consent() {
    let h = acme().await;
    let mut sub = sre_base();
    sub["demographic_answers"] = json!([
        {"question_id": 4000101, "answer_options": [{"answer_option_id": 4000204, "text": "In my own words"}]},
        {"question_id": 4000102, "answer_options": [{"answer_option_id": 4000301}, {"answer_option_id": 4000302}]}
    ]);
    sub["data_compliance"] = json!({"gdpr_demographic_data_consent_given": true});
    let got = delivered(&h, "acme", SRE_JOB, &sub).await;
    assert_eq!(
        got["demographic_answers"],
        json!([
            {"question_id": 4000101, "answer_options": [{"answer_option_id": 4000204, "text": "In my own words"}]},
            {"question_id": 4000102, "answer_options": [{"answer_option_id": 4000301}, {"answer_option_id": 4000302}]}
        ])
    );
    assert_eq!(
        got["data_compliance"],
        json!({"gdpr_demographic_data_consent_given": true})
    );
}

#[tokio::test]
async fn field_kind_gdpr_consents_as_the_job_asks_and_demographic_only_when_it_applies() {
    let h = northwind().await;
    // Processing + retention (the Rust job) were checked in every test above; the legacy
    // single consent goes alone, and a consent the job does not ask for is not sent.
    let mut sub = json!({
        "answers": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "question_7100000011": 0},
        "data_compliance": {"gdpr_consent_given": true, "gdpr_processing_consent_given": true, "gdpr_demographic_data_consent_given": true}
    });
    let got = delivered(&h, "northwind", WAREHOUSE_JOB, &sub).await;
    assert_eq!(got["data_compliance"], json!({"gdpr_consent_given": true}));
    sub["data_compliance"] = json!({});
    // The café job asks for the legacy consent too; without it, nothing is sent.
    sub["answers"]
        .as_object_mut()
        .unwrap()
        .remove("question_7100000011");
    let (status, body) = h.apply("northwind", 4_012_345_003, &sub).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("data_compliance.gdpr_consent_given"))
    );
    assert_eq!(h.deliveries().len(), 1);
}

/// The id of the first look-up item matching `term`, as a board's picker would offer it.
async fn first_id(h: &Harness, kind: &str, term: &str) -> u64 {
    let path = format!("/v1/employers/northwind/education/{kind}?term={term}");
    let (status, found) = h.call(Method::GET, &path, None).await;
    assert_eq!(status, 200, "{found}");
    found["items"][0]["id"].as_u64().unwrap()
}

/// A job that asks for education: one the employer edited to require it.
async fn require_education(h: &Harness) {
    let board: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap();
    let mut job = board["jobs"][1].clone();
    job["education"] = json!("education_required");
    job["updated_at"] = json!("2026-12-02T00:00:00Z");
    h.standin.upsert_job("northwindtraders", job);
    assert_eq!(
        h.call(Method::POST, "/v1/employers/northwind/sync", None)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn field_kind_educations_from_the_look_ups_and_employments() {
    let h = northwind().await;
    require_education(&h).await;
    let (_, form) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/jobs/{WAREHOUSE_JOB}/form"),
            None,
        )
        .await;
    assert_eq!(form["form"]["education"], "required");
    // The board's pickers use the look-ups.
    let school = first_id(&h, "schools", "cork").await;
    let degree = first_id(&h, "degrees", "bachelor").await;
    let discipline = first_id(&h, "disciplines", "computer").await;
    let (_, page3) = h
        .call(
            Method::GET,
            "/v1/employers/northwind/education/schools?page=3",
            None,
        )
        .await;
    assert_eq!(
        (
            page3["items"].as_array().unwrap().len(),
            page3["meta"]["total_count"].as_u64()
        ),
        (30, Some(230))
    );

    let base = json!({
        "answers": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "question_7100000011": 1},
        "data_compliance": {"gdpr_consent_given": true}
    });
    let body = refused(&h, "northwind", WAREHOUSE_JOB, &base).await;
    assert_eq!(body["error"]["field"], "educations");
    let mut sub = base.clone();
    sub["educations"] = json!([{"school_name_id": school, "degree_id": degree.to_string(), "discipline_id": discipline,
                                "start_date": {"month": "9", "year": "2012"}, "end_date": {"month": 6, "year": 2016}}]);
    sub["employments"] = json!([
        {"company_name": "Analytical Engines Ltd", "title": "Programmer", "start_date": {"month": 7, "year": 2016}, "current": true},
        {"company_name": "Babbage & Co", "title": "Intern", "start_date": {"month": 6, "year": 2015}, "end_date": {"month": 8, "year": 2015}, "current": "false"}
    ]);
    let got = delivered(&h, "northwind", WAREHOUSE_JOB, &sub).await;
    assert_eq!(
        got["educations"],
        json!([{"school_name_id": school, "degree_id": degree, "discipline_id": discipline,
        "start_date": {"month": 9, "year": 2012}, "end_date": {"month": 6, "year": 2016}}])
    );
    assert_eq!(
        got["employments"],
        json!([
            {"company_name": "Analytical Engines Ltd", "title": "Programmer", "start_date": {"month": 7, "year": 2016}, "current": true},
            {"company_name": "Babbage & Co", "title": "Intern", "start_date": {"month": 6, "year": 2015}, "end_date": {"month": 8, "year": 2015}, "current": false}
        ])
    );
    // Greenhouse's rule: a past employment needs its end.
    let mut open_ended = sub.clone();
    open_ended["employments"][1]
        .as_object_mut()
        .unwrap()
        .remove("end_date");
    let (status, body) = h.apply("northwind", WAREHOUSE_JOB, &open_ended).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("employments[1].end_date"))
    );
}

#[tokio::test]
async fn field_kind_source_tracking_and_applicant_ip() {
    let h = northwind().await;
    let mut sub = rust_base();
    sub["mapped_url_token"] = json!("totaljobs");
    sub["applicant_ip"] = json!("2001:db8::7");
    let got = delivered(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(
        got,
        expected(
            rust_base_received(),
            json!({"mapped_url_token": "totaljobs", "applicant_ip": "2001:db8::7"})
        )
    );
}

// ---- field cases ---------------------------------------------------------------------

#[tokio::test]
async fn field_case_browser_resume_base64_with_data_prefix_and_line_breaks_is_sent_clean() {
    let h = northwind().await;
    let clean = b64(&resume_docx());
    let wrapped: Vec<String> = clean
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let browser = format!(
        "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64,{}",
        wrapped.join("\r\n")
    );
    let sub = with(
        rust_base(),
        "attachments",
        "resume",
        json!({"filename": "cv.docx", "content_base64": browser}),
    );
    let got = delivered(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(got["resume_content"], json!(clean));
    assert_eq!(
        b64_decode(got["resume_content"].as_str().unwrap()),
        resume_docx()
    );
}

#[tokio::test]
async fn field_case_the_key_goes_as_basic_key_colon_only_on_the_post_and_a_plain_401_is_understood()
{
    let h = northwind().await;
    delivered(&h, "northwind", RUST_JOB, &rust_base()).await;
    let key = fixture_key("northwindtraders");
    let auth = h.deliveries()[0].authorization.clone().unwrap();
    assert_eq!(auth, format!("Basic {}", b64(format!("{key}:").as_bytes())));
    assert_ne!(
        auth,
        format!("Basic {}", b64(key.as_bytes())),
        "the colon is what Greenhouse needs"
    );
    // The stand-in answers 401 to a GET carrying a wrong key (API.md §2.3): syncing works
    // only because GETs carry no key at all.
    assert_eq!(
        h.call(Method::POST, "/v1/employers/northwind/sync", None)
            .await
            .0,
        200
    );
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::Status {
            status: 401,
            body: Some("HTTP Basic: Access denied.\n".into()),
        },
    ));
    let (status, body) = h.apply("northwind", RUST_JOB, &rust_base()).await;
    assert_eq!(
        (status, error_of(&body)),
        (502, (Some("employer_credentials_invalid"), Some(false)))
    );
}

#[tokio::test]
async fn field_case_a_200_without_success_is_a_failure() {
    let h = northwind().await;
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::LegacyError {
            reason: "Validation failed: Email is invalid".into(),
        },
    ));
    let (status, body) = h.apply("northwind", RUST_JOB, &rust_base()).await;
    assert_eq!(
        (status, error_of(&body).0),
        (422, Some("greenhouse_rejected"))
    );
    let id = body["error"]["application_id"].as_str().unwrap();
    let (_, view) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/applications/{id}"),
            None,
        )
        .await;
    assert_eq!(view["status"], "rejected");
}

#[tokio::test]
async fn field_case_answers_to_questions_the_job_does_not_have_are_refused_not_dropped() {
    let h = northwind().await;
    let body = refused(
        &h,
        "northwind",
        RUST_JOB,
        &with(
            rust_base(),
            "answers",
            "question_7100000099",
            json!("stale question"),
        ),
    )
    .await;
    assert_eq!(
        (
            body["error"]["errors"][0]["code"].as_str(),
            body["error"]["field"].as_str()
        ),
        (Some("unknown_field"), Some("answers.question_7100000099"))
    );
}

#[tokio::test]
async fn field_case_a_required_custom_question_left_empty_is_refused_before_greenhouse() {
    let h = northwind().await;
    // Greenhouse itself would accept this and lose the answer (API.md §4.1).
    let body = refused(
        &h,
        "northwind",
        RUST_JOB,
        &with(rust_base(), "answers", "question_7100000003", json!([])),
    )
    .await;
    assert_eq!(body["error"]["errors"][0]["code"], "required");
    assert_eq!(
        body["error"]["errors"][0]["label"],
        "Which languages can you work in?"
    );
}

#[tokio::test]
async fn field_case_a_404_on_a_job_is_confirmed_against_the_board_before_closing() {
    let h = northwind().await;
    assert!(h.standin.remove_job("northwindtraders", RUST_JOB));
    // The list and the job's own GET are served; the board GET answers 404, as it
    // would for a board Greenhouse cannot find: the job must not be closed on that.
    let pass = || Fault::once(FaultTarget::Get, FaultKind::Delay { millis: 0 });
    h.standin.push_fault(pass());
    h.standin.push_fault(pass());
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Status {
            status: 404,
            body: Some(r#"{"status":404,"error":"Job board not found"}"#.into()),
        },
    ));
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(
        (
            report["closed"].as_array().unwrap().len(),
            &report["failed"]
        ),
        (0, &json!([RUST_JOB]))
    );
    // With the board confirmed, the next sync closes it.
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(report["closed"], json!([RUST_JOB]));
}

#[tokio::test]
async fn field_case_a_job_missing_from_the_list_once_is_not_closed() {
    let h = northwind().await;
    // One list without the job (a glitch): its own GET still finds it, so it stays open.
    let board: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap();
    let others: Vec<Value> = board["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["id"] != json!(RUST_JOB))
        .cloned()
        .collect();
    let list = json!({"jobs": others, "meta": {"total": others.len()}});
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Status {
            status: 200,
            body: Some(list.to_string()),
        },
    ));
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(report["closed"], json!([]));
    let (status, _) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/jobs/{RUST_JOB}/form"),
            None,
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn field_case_gdpr_consent_demanded_and_not_given_is_refused_and_never_defaulted() {
    let h = northwind().await;
    let mut sub = rust_base();
    sub["data_compliance"] = json!({"gdpr_processing_consent_given": true});
    let body = refused(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(
        body["error"]["field"],
        "data_compliance.gdpr_retention_consent_given"
    );
    sub["data_compliance"]["gdpr_retention_consent_given"] = json!(false);
    let body = refused(&h, "northwind", RUST_JOB, &sub).await;
    assert_eq!(body["error"]["errors"][0]["code"], "consent_required");
}

#[tokio::test]
async fn field_case_an_outage_reaches_the_board_as_retryable_not_as_a_rejection() {
    let h = northwind().await;
    for fault in [
        FaultKind::Status {
            status: 502,
            body: Some("<html>Bad Gateway</html>".into()),
        },
        FaultKind::Status {
            status: 503,
            body: None,
        },
        FaultKind::Timeout,
    ] {
        h.standin
            .push_fault(Fault::once(FaultTarget::Post, fault.clone()));
        let (status, body) = h.apply("northwind", RUST_JOB, &rust_base()).await;
        assert_eq!(status, 503, "{fault:?}: {body}");
        assert_eq!(error_of(&body).1, Some(true), "{fault:?}");
    }
}

#[tokio::test]
async fn stale_form_answers_409_with_the_refreshed_form_and_the_board_gets_it() {
    let mut h = northwind().await;
    let (_, old) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/jobs/{RUST_JOB}/form"),
            None,
        )
        .await;
    let old_version = old["form"]["version"].as_str().unwrap().to_owned();
    // The employer makes the salary question required at Greenhouse; no sync has run.
    let board: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap();
    let mut job = board["jobs"][0].clone();
    job["questions"][9]["required"] = json!(true);
    job["updated_at"] = json!("2026-12-03T09:00:00Z");
    h.standin.upsert_job("northwindtraders", job);
    // Questions older than the configured age are fetched again before checking.
    h.services.settings.form_max_age = Duration::ZERO;
    let mut sub = rust_base();
    sub["form_version"] = json!(old_version);
    let (status, body) = h.apply("northwind", RUST_JOB, &sub).await;
    assert_eq!(
        (status, error_of(&body).0),
        (409, Some("form_outdated")),
        "{body}"
    );
    let new_form = &body["error"]["form"];
    assert_ne!(new_form["version"], json!(old_version));
    assert_eq!(new_form["questions"][9]["required"], json!(true));
    assert!(h.deliveries().is_empty());
    let (_, served) = h
        .call(
            Method::GET,
            &format!("/v1/employers/northwind/jobs/{RUST_JOB}/form"),
            None,
        )
        .await;
    assert_eq!(
        &served["form"], new_form,
        "the board now gets the refreshed form"
    );
    // Answered on the new form, it goes through.
    sub["form_version"] = new_form["version"].clone();
    sub["answers"]["question_7100000004"] = json!("90000");
    delivered(&h, "northwind", RUST_JOB, &sub).await;
}
