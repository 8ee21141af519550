//! Validation and mapping per field kind, on the fixture boards' real forms: what passes
//! becomes exactly the JSON Greenhouse expects; what fails names its field.

use atsi_domain::form::ApplicationForm;
use atsi_domain::greenhouse::JobDetail;
use atsi_domain::mapping::{greenhouse_body, ledger_copy};
use atsi_domain::validate::{ValidationLimits, validate};
use atsi_domain::{FieldError, Submission};
use serde_json::{Map, Value, json};

const LIMITS: ValidationLimits = ValidationLimits {
    max_attachment_bytes: 64,
};
// base64("Hello, world!\n")
const FILE: &str = "SGVsbG8sIHdvcmxkIQo=";

fn form(token: &str, job_id: u64) -> ApplicationForm {
    let path = format!(
        "{}/../../infra/fixtures/boards/{token}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let board: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let job = board["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == job_id)
        .unwrap();
    ApplicationForm::from_job(&serde_json::from_value::<JobDetail>(job.clone()).unwrap())
}

/// Northwind's Senior Rust Engineer: text, textarea, single and multi select, files,
/// location triple, processing + retention consent.
fn rust_job() -> ApplicationForm {
    form("northwindtraders", 4_012_345_001)
}

fn base() -> Value {
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

fn with(mut v: Value, path: &[&str], value: Value) -> Value {
    let mut cur = &mut v;
    for p in &path[..path.len() - 1] {
        cur = &mut cur[*p];
    }
    cur.as_object_mut()
        .unwrap()
        .insert(path[path.len() - 1].into(), value);
    v
}

fn without(mut v: Value, path: &[&str]) -> Value {
    let mut cur = &mut v;
    for p in &path[..path.len() - 1] {
        cur = &mut cur[*p];
    }
    cur.as_object_mut().unwrap().remove(path[path.len() - 1]);
    v
}

fn body(form: &ApplicationForm, sub: Value) -> Map<String, Value> {
    let sub: Submission = serde_json::from_value(sub).unwrap();
    greenhouse_body(
        &validate(form, &sub, LIMITS).unwrap_or_else(|e| panic!("unexpected errors: {e:?}")),
    )
}

fn errors(form: &ApplicationForm, sub: Value) -> Vec<FieldError> {
    let sub: Submission = serde_json::from_value(sub).unwrap();
    validate(form, &sub, LIMITS).expect_err("submission should be refused")
}

fn codes(errs: &[FieldError]) -> Vec<(&str, &str)> {
    errs.iter().map(|e| (e.field.as_str(), e.code)).collect()
}

#[test]
fn a_complete_submission_maps_to_exactly_greenhouses_body() {
    let sent = body(&rust_job(), base());
    assert_eq!(
        Value::Object(sent),
        json!({
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "question_7100000002": 1,
            "question_7100000003": [9100000001u64],
            "location": "Berlin, Germany", "latitude": "52.52", "longitude": "13.405",
            "resume_content": FILE, "resume_content_filename": "cv.pdf",
            "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
        })
    );
}

#[test]
fn text_and_textarea_answers_are_trimmed_strings() {
    let sent = body(
        &rust_job(),
        with(
            with(
                base(),
                &["answers", "question_7100000004"],
                json!("  60000 "),
            ),
            &["answers", "phone"],
            json!("+44 20 7946 0000"),
        ),
    );
    assert_eq!(sent["question_7100000004"], json!("60000"));
    assert_eq!(sent["phone"], json!("+44 20 7946 0000"));
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "question_7100000004"], json!({"a": 1})),
    );
    assert_eq!(
        codes(&errs),
        vec![("answers.question_7100000004", "invalid_type")]
    );
}

#[test]
fn single_select_sends_the_options_own_value() {
    // A board that stringifies everything still names option 1.
    let sent = body(
        &rust_job(),
        with(base(), &["answers", "question_7100000002"], json!("0")),
    );
    assert_eq!(sent["question_7100000002"], json!(0));
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "question_7100000002"], json!(7)),
    );
    assert_eq!(
        codes(&errs),
        vec![("answers.question_7100000002", "invalid_option")]
    );
    assert_eq!(
        errs[0].label.as_deref(),
        Some("Do you have the right to work in the EU?")
    );
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "question_7100000002"], json!("Yes")),
    );
    assert_eq!(errs[0].code, "invalid_option", "labels are not values");
}

#[test]
fn multi_select_is_an_array_of_ints_under_the_bare_key() {
    let sent = body(
        &rust_job(),
        with(
            base(),
            &["answers", "question_7100000003"],
            json!(["9100000002", 9100000004u64, 9100000002u64]),
        ),
    );
    assert_eq!(
        sent["question_7100000003"],
        json!([9100000002u64, 9100000004u64]),
        "deduplicated, typed"
    );
    assert!(!sent.contains_key("question_7100000003[]"));
    let errs = errors(
        &rust_job(),
        with(
            base(),
            &["answers", "question_7100000003"],
            json!(9100000001u64),
        ),
    );
    assert_eq!(
        codes(&errs),
        vec![("answers.question_7100000003", "invalid_type")]
    );
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "question_7100000003"], json!([1])),
    );
    assert_eq!(
        codes(&errs),
        vec![("answers.question_7100000003", "invalid_option")]
    );
    // The `[]` spelling is Greenhouse's multipart name, not a field of our form.
    let errs = errors(
        &rust_job(),
        with(
            base(),
            &["answers", "question_7100000003[]"],
            json!([9100000001u64]),
        ),
    );
    assert!(codes(&errs).contains(&("answers.question_7100000003[]", "unknown_field")));
    // An empty array is no answer to a required question.
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "question_7100000003"], json!([])),
    );
    assert_eq!(
        codes(&errs),
        vec![("answers.question_7100000003", "required")]
    );
}

#[test]
fn files_become_content_and_filename_pairs() {
    let messy = format!(
        "data:application/pdf;base64,{}\n{}",
        &FILE[..10],
        &FILE[10..]
    );
    let sub = with(
        with(
            base(),
            &["attachments", "resume"],
            json!({"filename": "CV.PDF", "content_base64": messy}),
        ),
        &["attachments", "question_7100000005"],
        json!({"filename": "sample.txt", "content_base64": FILE}),
    );
    let sent = body(&rust_job(), sub);
    assert_eq!(
        sent["resume_content"],
        json!(FILE),
        "data: prefix and line break removed"
    );
    assert_eq!(sent["resume_content_filename"], json!("CV.PDF"));
    assert_eq!(sent["question_7100000005_content"], json!(FILE));
    assert_eq!(
        sent["question_7100000005_content_filename"],
        json!("sample.txt")
    );
}

#[test]
fn a_file_can_be_a_url_greenhouse_fetches() {
    let sub = with(
        base(),
        &["attachments", "cover_letter"],
        json!({"filename": "letter.docx", "url": "https://files.example.com/l.docx?sig=1"}),
    );
    let sent = body(&rust_job(), sub);
    assert_eq!(
        sent["cover_letter_url"],
        json!("https://files.example.com/l.docx?sig=1")
    );
    assert_eq!(sent["cover_letter_url_filename"], json!("letter.docx"));
    let errs = errors(
        &rust_job(),
        with(
            base(),
            &["attachments", "cover_letter"],
            json!({"filename": "l.pdf", "url": "ftp://x/l.pdf"}),
        ),
    );
    assert_eq!(
        codes(&errs),
        vec![("attachments.cover_letter.url", "invalid_url")]
    );
}

#[test]
fn bad_files_are_refused_with_their_field() {
    let cases = [
        (
            json!({"filename": "setup.exe", "content_base64": FILE}),
            "attachments.resume.filename",
            "unsupported_file_type",
        ),
        (
            json!({"filename": "cv.pdf", "content_base64": ""}),
            "attachments.resume.content_base64",
            "empty_file",
        ),
        (
            json!({"filename": "cv.pdf", "content_base64": "%%%"}),
            "attachments.resume.content_base64",
            "invalid_base64",
        ),
        (
            json!({"filename": "cv.pdf", "content_base64": "A".repeat(200)}),
            "attachments.resume.content_base64",
            "file_too_large",
        ),
        (
            json!({"filename": "cv.pdf"}),
            "attachments.resume",
            "invalid_attachment",
        ),
    ];
    for (attachment, field, code) in cases {
        let errs = errors(
            &rust_job(),
            with(base(), &["attachments", "resume"], attachment),
        );
        assert!(
            codes(&errs).contains(&(field, code)),
            "{field} {code}: {errs:?}"
        );
    }
    let errs = errors(
        &rust_job(),
        with(
            base(),
            &["attachments", "question_7100000002"],
            json!({"filename": "a.pdf", "content_base64": FILE}),
        ),
    );
    assert!(codes(&errs).contains(&("attachments.question_7100000002", "not_a_file_field")));
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "resume"], json!(FILE)),
    );
    assert!(codes(&errs).contains(&("answers.resume", "file_expected")));
}

#[test]
fn required_questions_accept_any_of_their_fields() {
    let no_resume = without(base(), &["attachments", "resume"]);
    let errs = errors(&rust_job(), no_resume.clone());
    assert_eq!(codes(&errs), vec![("attachments.resume", "required")]);
    assert_eq!(errs[0].label.as_deref(), Some("Resume/CV"));
    let sent = body(
        &rust_job(),
        with(
            no_resume,
            &["answers", "resume_text"],
            json!("Ten years of Rust."),
        ),
    );
    assert_eq!(sent["resume_text"], json!("Ten years of Rust."));
    let errs = errors(
        &rust_job(),
        without(
            without(base(), &["answers", "email"]),
            &["answers", "question_7100000002"],
        ),
    );
    assert_eq!(
        codes(&errs),
        vec![
            ("answers.email", "required"),
            ("answers.question_7100000002", "required")
        ]
    );
}

#[test]
fn hidden_fields_are_sent_only_when_given() {
    let warehouse = form("northwindtraders", 4_012_345_002);
    let sub = json!({
        "answers": {"first_name": "A", "last_name": "B", "email": "a@example.com", "question_7100000011": 1, "question_7100000013": "REF-42"},
        "data_compliance": {"gdpr_consent_given": true}
    });
    let sent = body(&warehouse, sub.clone());
    assert_eq!(sent["question_7100000013"], json!("REF-42"));
    assert_eq!(
        sent["data_compliance"],
        json!({"gdpr_consent_given": true}),
        "legacy single consent"
    );
    let sent = body(
        &warehouse,
        without(sub, &["answers", "question_7100000013"]),
    );
    assert!(!sent.contains_key("question_7100000013"));
}

#[test]
fn location_is_sent_as_a_complete_triple() {
    // Northwind's Data Protection Officer asks for a location without requiring it.
    let dpo = form("northwindtraders", 4_012_345_004);
    let dpo_base = json!({
        "answers": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "question_7100000021": 1, "resume_text": "cv", "cover_letter_text": "hello"},
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    });
    let sent = body(&dpo, dpo_base.clone());
    assert!(!sent.contains_key("location"), "optional and not given");
    let sub = with(
        with(
            with(
                dpo_base.clone(),
                &["answers", "location"],
                json!("Lisbon, Portugal"),
            ),
            &["answers", "latitude"],
            json!(38.72),
        ),
        &["answers", "longitude"],
        json!("-9.14"),
    );
    let sent = body(&dpo, sub);
    assert_eq!(
        (&sent["location"], &sent["latitude"], &sent["longitude"]),
        (&json!("Lisbon, Portugal"), &json!("38.72"), &json!("-9.14"))
    );
    let errs = errors(
        &dpo,
        with(dpo_base.clone(), &["answers", "location"], json!("Lisbon")),
    );
    assert_eq!(
        codes(&errs),
        vec![
            ("answers.latitude", "location_incomplete"),
            ("answers.longitude", "location_incomplete")
        ]
    );
    let sub = with(
        with(
            with(dpo_base, &["answers", "location"], json!("X")),
            &["answers", "latitude"],
            json!("91"),
        ),
        &["answers", "longitude"],
        json!("0"),
    );
    assert_eq!(
        codes(&errors(&dpo, sub)),
        vec![("answers.latitude", "invalid_coordinate")]
    );
    // Required location (the Rust job): a missing part is reported once, as required.
    let errs = errors(&rust_job(), without(base(), &["answers", "longitude"]));
    assert_eq!(codes(&errs), vec![("answers.longitude", "required")]);
}

#[test]
fn gdpr_consent_is_required_and_never_defaulted() {
    let errs = errors(&rust_job(), without(base(), &["data_compliance"]));
    assert_eq!(
        codes(&errs),
        vec![
            (
                "data_compliance.gdpr_processing_consent_given",
                "consent_required"
            ),
            (
                "data_compliance.gdpr_retention_consent_given",
                "consent_required"
            )
        ]
    );
    let errs = errors(
        &rust_job(),
        with(
            base(),
            &["data_compliance", "gdpr_retention_consent_given"],
            json!(false),
        ),
    );
    assert_eq!(
        codes(&errs),
        vec![(
            "data_compliance.gdpr_retention_consent_given",
            "consent_required"
        )]
    );
    // Consent a job does not ask for is not passed on.
    let sent = body(
        &rust_job(),
        with(
            base(),
            &["data_compliance", "gdpr_consent_given"],
            json!(true),
        ),
    );
    assert!(sent["data_compliance"].get("gdpr_consent_given").is_none());
}

fn acme_sre() -> ApplicationForm {
    form("acmeanvils", 6_106_073_003)
}

fn acme_base() -> Value {
    json!({
        "answers": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com", "question_30000000002": 0},
        "attachments": {"resume": {"filename": "cv.docx", "content_base64": FILE}}
    })
}

#[test]
fn eeoc_answers_keep_the_options_string_type() {
    let sent = body(
        &acme_sre(),
        with(
            with(acme_base(), &["answers", "gender"], json!(2)),
            &["answers", "veteran_status"],
            json!("3"),
        ),
    );
    assert_eq!(sent["gender"], json!("2"), "echoed as Greenhouse typed it");
    assert_eq!(sent["veteran_status"], json!("3"));
    let errs = errors(
        &acme_sre(),
        with(acme_base(), &["answers", "gender"], json!("9")),
    );
    assert_eq!(codes(&errs), vec![("answers.gender", "invalid_option")]);
}

#[test]
fn demographic_answers_need_their_consent_when_it_applies() {
    let answers = json!([
        {"question_id": 4000101, "answer_options": [{"answer_option_id": 4000204, "text": "agender"}]}
    ]);
    let errs = errors(
        &acme_sre(),
        with(acme_base(), &["demographic_answers"], answers.clone()),
    );
    assert_eq!(
        codes(&errs),
        vec![(
            "data_compliance.gdpr_demographic_data_consent_given",
            "consent_required"
        )]
    );
    let sub = with(
        with(acme_base(), &["demographic_answers"], answers),
        &["data_compliance"],
        json!({"gdpr_demographic_data_consent_given": true}),
    );
    let sent = body(&acme_sre(), sub);
    assert_eq!(
        sent["demographic_answers"],
        json!([{"question_id": 4000101, "answer_options": [{"answer_option_id": 4000204, "text": "agender"}]}])
    );
    assert_eq!(
        sent["data_compliance"],
        json!({"gdpr_demographic_data_consent_given": true})
    );
    // No demographic answers: the demographic consent is not sent at all.
    let sent = body(
        &acme_sre(),
        with(
            acme_base(),
            &["data_compliance"],
            json!({"gdpr_demographic_data_consent_given": true}),
        ),
    );
    assert!(!sent.contains_key("data_compliance"));
}

#[test]
fn demographic_answers_are_checked_against_the_questions() {
    let consent = json!({"gdpr_demographic_data_consent_given": true});
    let cases = [
        (
            json!([{"question_id": 1, "answer_options": []}]),
            "demographic_answers[0].question_id",
            "unknown_field",
        ),
        (
            json!([{"question_id": 4000101, "answer_options": [{"answer_option_id": 1}]}]),
            "demographic_answers[0].answer_options[0]",
            "invalid_option",
        ),
        (
            json!([{"question_id": 4000101, "answer_options": [{"answer_option_id": 4000201, "text": "x"}]}]),
            "demographic_answers[0].answer_options[0].text",
            "text_not_allowed",
        ),
        (
            json!([{"question_id": 4000101, "answer_options": [{"answer_option_id": 4000201}, {"answer_option_id": 4000202}]}]),
            "demographic_answers[0].answer_options",
            "invalid_type",
        ),
    ];
    for (answers, field, code) in cases {
        let sub = with(
            with(acme_base(), &["demographic_answers"], answers),
            &["data_compliance"],
            consent.clone(),
        );
        assert!(
            codes(&errors(&acme_sre(), sub.clone())).contains(&(field, code)),
            "{field} {code}"
        );
    }
}

#[test]
fn names_email_and_phone_follow_greenhouses_rules() {
    let cases = [
        (
            "first_name",
            json!("Ada https://spam.example"),
            "url_not_allowed",
        ),
        ("last_name", json!("visit www.cheap.biz"), "url_not_allowed"),
        ("last_name", json!("spam.com"), "url_not_allowed"),
        ("phone", json!("call example.io/now"), "url_not_allowed"),
        ("email", json!("not-an-email"), "invalid_email"),
        ("email", json!("a@localhost"), "invalid_email"),
        ("first_name", json!("A".repeat(256)), "too_long"),
    ];
    for (name, value, code) in cases {
        let errs = errors(&rust_job(), with(base(), &["answers", name], value));
        let field = format!("answers.{name}");
        assert!(
            codes(&errs).contains(&(field.as_str(), code)),
            "{name}: {errs:?}"
        );
    }
    for fine in ["J.R.R.", "St.John", "Anne-Marie O'Neil", "Zoë"] {
        body(
            &rust_job(),
            with(base(), &["answers", "last_name"], json!(fine)),
        );
    }
}

#[test]
fn unknown_answers_and_bad_tracking_are_refused() {
    let errs = errors(
        &rust_job(),
        with(base(), &["answers", "question_999"], json!("x")),
    );
    assert_eq!(
        codes(&errs),
        vec![("answers.question_999", "unknown_field")]
    );
    let errs = errors(
        &rust_job(),
        with(
            with(base(), &["applicant_ip"], json!("999.1.1.1")),
            &["mapped_url_token"],
            json!("has space"),
        ),
    );
    assert_eq!(
        codes(&errs),
        vec![
            ("mapped_url_token", "invalid_token"),
            ("applicant_ip", "invalid_ip")
        ]
    );
    let sent = body(
        &rust_job(),
        with(
            with(base(), &["applicant_ip"], json!(" 2001:db8::1 ")),
            &["mapped_url_token"],
            json!("totaljobs"),
        ),
    );
    assert_eq!(
        (&sent["applicant_ip"], &sent["mapped_url_token"]),
        (&json!("2001:db8::1"), &json!("totaljobs"))
    );
}

#[test]
fn the_ledger_copy_has_no_file_content() {
    let sub: Submission = serde_json::from_value(base()).unwrap();
    let copy = ledger_copy(&validate(&rust_job(), &sub, LIMITS).unwrap());
    assert_eq!(copy["resume_content"]["omitted"], json!(true));
    assert_eq!(copy["resume_content"]["size"], json!(14));
    assert!(!Value::Object(copy).to_string().contains(FILE));
}

#[test]
fn submission_debug_shows_keys_not_answers() {
    let sub: Submission = serde_json::from_value(base()).unwrap();
    let printed = format!("{sub:?}");
    assert!(
        printed.contains("first_name") && !printed.contains("Lovelace") && !printed.contains(FILE)
    );
}

#[test]
fn hostile_text_is_refused_before_greenhouse() {
    let cases = [
        (
            with(
                base(),
                &["answers", "first_name"],
                json!("Ada\u{0}Lovelace"),
            ),
            "answers.first_name",
            "invalid_characters",
        ),
        (
            with(
                base(),
                &["answers", "last_name"],
                json!("L\u{1b}[31m\r\nX-Injected: 1"),
            ),
            "answers.last_name",
            "invalid_characters",
        ),
        (
            with(
                base(),
                &["answers", "phone"],
                json!(99999999999999999999999999999.0),
            ),
            "answers.phone",
            "invalid_type",
        ),
        (
            with(
                base(),
                &["answers", "first_name"],
                json!("\u{200b}\u{200b}"),
            ),
            "answers.first_name",
            "required",
        ),
        (
            with(
                base(),
                &["answers", "email"],
                json!("Ada <ada@example.com>"),
            ),
            "answers.email",
            "invalid_email",
        ),
        (
            with(base(), &["answers", "latitude"], json!("1e1")),
            "answers.latitude",
            "invalid_coordinate",
        ),
        (
            with(
                base(),
                &["attachments", "resume", "filename"],
                json!("../../etc/passwd.pdf"),
            ),
            "attachments.resume.filename",
            "invalid_filename",
        ),
        (
            with(
                base(),
                &["attachments", "resume", "filename"],
                json!("cv.exe\u{0}.pdf"),
            ),
            "attachments.resume.filename",
            "invalid_filename",
        ),
        (
            with(
                base(),
                &["attachments", "resume", "filename"],
                json!(".pdf"),
            ),
            "attachments.resume.filename",
            "invalid_filename",
        ),
        (
            with(base(), &["attachments", "resume", "filename"], json!("cv")),
            "attachments.resume.filename",
            "unsupported_file_type",
        ),
    ];
    for (sub, field, code) in cases {
        let errs = errors(&rust_job(), sub);
        assert!(
            codes(&errs).contains(&(field, code)),
            "{field} {code}: {errs:?}"
        );
    }
    // Line breaks are fine where the jobseeker writes paragraphs.
    let sent = body(
        &rust_job(),
        with(
            base(),
            &["answers", "question_7100000004"],
            json!("line one\nline two"),
        ),
    );
    assert_eq!(sent["question_7100000004"], json!("line one\nline two"));
    // Whole numbers still count as text answers.
    let sent = body(
        &rust_job(),
        with(base(), &["answers", "question_7100000004"], json!(85000)),
    );
    assert_eq!(sent["question_7100000004"], json!("85000"));
}

#[test]
fn oversized_submissions_are_refused_whole() {
    let mut sub = base();
    for i in 0..501 {
        sub["answers"][format!("question_{i}")] = json!("x");
    }
    let errs = errors(&rust_job(), sub);
    assert_eq!(
        codes(&errs),
        vec![("answers", "too_many_fields")],
        "one error, not 501"
    );
}

#[test]
fn demographic_answers_are_deduplicated_and_empty_ones_dropped() {
    let sub = with(
        with(
            acme_base(),
            &["demographic_answers"],
            json!([
                {"question_id": 4000101, "answer_options": []},
                {"question_id": 4000102, "answer_options": [{"answer_option_id": 4000301}, {"answer_option_id": 4000301}]}
            ]),
        ),
        &["data_compliance"],
        json!({"gdpr_demographic_data_consent_given": true}),
    );
    let sent = body(&acme_sre(), sub);
    assert_eq!(
        sent["demographic_answers"],
        json!([{"question_id": 4000102, "answer_options": [{"answer_option_id": 4000301}]}])
    );
}
