//! Replays every API Gateway and EventBridge event in `tests/events/` through the
//! function that owns it, the way `sam local invoke <Function> -e <file>` would, so the
//! documented events cannot drift from the code.

use atsi_api::Function;
use atsi_api::lambda::handle_event;
use atsi_tests::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("events")
}

fn load(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(events_dir().join(name)).unwrap()).unwrap()
}

/// The function is the file name's first word, as in the README.
fn function_of(name: &str) -> Function {
    match name.split('-').next() {
        Some("register") => Function::Register,
        Some("sync") => Function::Sync,
        Some("apply") => Function::Apply,
        other => panic!("{name}: unknown function {other:?}"),
    }
}

/// Each event, the status it must produce, and what else must hold.
const EXPECTED: &[(&str, u16)] = &[
    ("register-put-employer.rest-v1.json", 201),
    ("register-get-employer.http-v2.json", 200),
    ("register-list-employers.http-v2.json", 200),
    ("register-delete-employer.http-v2-named-stage.json", 204),
    ("sync-employer.http-v2-named-stage.json", 200),
    ("apply-list-jobs.rest-v1.json", 200),
    ("apply-get-form.http-v2.json", 200),
    ("apply-submit-application.http-v2-base64.json", 201),
    ("apply-submit-invalid.rest-v1-multi-value.json", 422),
    // An id from another deployment: the lookup's not-found answer.
    ("apply-get-application.http-v2.json", 404),
    ("apply-education-schools.http-v2.json", 200),
];

async fn replay(name: &str) -> (Harness, Value) {
    let h = Harness::start().await;
    if name != "register-put-employer.rest-v1.json" {
        assert_eq!(h.register("northwind", "northwindtraders").await.0, 201);
    }
    let out = handle_event(function_of(name), &h.services, load(name))
        .await
        .unwrap();
    (h, out)
}

fn body_of(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().unwrap()).unwrap_or(Value::Null)
}

#[test]
fn every_event_file_is_replayed() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(events_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut covered: BTreeSet<String> = EXPECTED.iter().map(|(n, _)| (*n).to_owned()).collect();
    covered.insert("sync-schedule.json".into());
    assert_eq!(on_disk, covered, "add new event files to EXPECTED");
}

#[tokio::test]
async fn http_events_answer_through_their_function() {
    for (name, status) in EXPECTED {
        let (h, out) = replay(name).await;
        assert_eq!(out["statusCode"], json!(status), "{name}: {out}");
        assert_eq!(out["isBase64Encoded"], json!(false));
        let body = body_of(&out);
        match *name {
            "register-put-employer.rest-v1.json" => {
                // REST stage `Prod` is in the path lambda_http builds; routing ignores it.
                assert_eq!(body["employer"]["board_token"], "northwindtraders");
                assert_eq!(out["headers"]["content-type"], "application/json");
            }
            "register-delete-employer.http-v2-named-stage.json" => {
                assert_eq!(out["body"], "");
                assert_eq!(h.services.employers.list().await.unwrap().len(), 0);
            }
            "sync-employer.http-v2-named-stage.json" => assert_eq!(body["unchanged"], 6),
            "apply-list-jobs.rest-v1.json" => assert_eq!(body["jobs"].as_array().unwrap().len(), 6),
            "register-list-employers.http-v2.json" => {
                // Freshly registered and synced: nobody needs attention.
                assert_eq!(body["employers"], json!([]));
            }
            "apply-education-schools.http-v2.json" => {
                // The query string reached Greenhouse's look-up: a filtered first page.
                assert_eq!(body["items"][0]["text"], "University College Cork");
                assert_eq!(body["meta"]["total_count"], 1);
            }
            "apply-get-form.http-v2.json" => {
                assert_eq!(body["form"]["job_id"], json!(4_012_345_001u64))
            }
            "apply-submit-application.http-v2-base64.json" => {
                // The body arrived base64-encoded and was decoded before parsing.
                let got = &h.deliveries()[0];
                assert_eq!(
                    got.body["question_7100000003"],
                    json!([9_100_000_001u64, 9_100_000_002u64])
                );
                assert_eq!(
                    b64_decode(got.body["resume_content"].as_str().unwrap()),
                    b"Ten years building payment systems in Rust."
                );
                let record = h
                    .services
                    .ledger
                    .find_by_idempotency_key(
                        &atsi_domain::EmployerId::parse("northwind").unwrap(),
                        "totaljobs-7f3a",
                    )
                    .await
                    .unwrap();
                assert!(
                    record.is_some(),
                    "idempotency-key header read case-insensitively"
                );
            }
            "apply-submit-invalid.rest-v1-multi-value.json" => {
                // `CONTENT-TYPE` in upper case was recognised as JSON.
                let fields: Vec<&str> = body["error"]["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["field"].as_str().unwrap())
                    .collect();
                assert_eq!(
                    fields,
                    vec!["attachments.resume.filename", "answers.question_7100000002"]
                );
                assert!(h.deliveries().is_empty());
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_schedule_event_syncs_every_employer() {
    let h = Harness::start().await;
    assert_eq!(h.register("northwind", "northwindtraders").await.0, 201);
    assert_eq!(h.register("acme", "acmeanvils").await.0, 201);
    assert!(h.standin.remove_job("acmeanvils", 6_106_073_005));
    let out = handle_event(Function::Sync, &h.services, load("sync-schedule.json"))
        .await
        .unwrap();
    assert_eq!(
        (
            out["employers"].as_u64(),
            out["synced"].as_u64(),
            out["failed"].as_u64()
        ),
        (Some(2), Some(2), Some(0))
    );
    let closed: Vec<&Value> = out["reports"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["report"]["closed"].as_array().unwrap())
        .collect();
    assert_eq!(closed, vec![&json!(6_106_073_005u64)]);
}

#[tokio::test]
async fn a_function_refuses_routes_and_events_it_does_not_own() {
    let h = Harness::start().await;
    assert_eq!(h.register("northwind", "northwindtraders").await.0, 201);
    let out = handle_event(
        Function::Register,
        &h.services,
        load("apply-list-jobs.rest-v1.json"),
    )
    .await
    .unwrap();
    assert_eq!(out["statusCode"], 404);
    assert!(
        handle_event(Function::Apply, &h.services, load("sync-schedule.json"))
            .await
            .is_err()
    );
    assert!(
        handle_event(Function::Sync, &h.services, json!({"hello": "world"}))
            .await
            .is_err()
    );
}

/// (function resource, method, path) of every API route in template.yaml.
fn template_routes() -> Vec<(String, String, String)> {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"))
            .unwrap();
    let mut resource = String::new();
    let mut routes = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !name.starts_with(' ')
        {
            resource = name.to_owned();
        }
        if let Some(props) = line.trim().strip_prefix("Properties: { ApiId: !Ref Api, ") {
            let field = |k: &str| {
                let rest = props.split(&format!("{k}: ")).nth(1).unwrap();
                let value = rest.split([',', ' ']).next().unwrap();
                value.trim_matches(['"', '\'']).to_owned()
            };
            routes.push((resource.clone(), field("Method"), field("Path")));
        }
    }
    routes
}

fn owner(function: Function) -> &'static str {
    match function {
        Function::Register => "RegisterFunction",
        Function::Sync => "SyncFunction",
        Function::Apply => "ApplyFunction",
    }
}

#[test]
fn every_template_route_is_served_by_its_function_and_has_an_event() {
    let sample = |path: &str| {
        path.replace("{employer_id}", "northwind")
            .replace("{job_id}", "4012345001")
            .replace("{application_id}", "01a23cd1-2e57-7429-9b94-af6d17322d70")
            .replace("{kind}", "schools")
    };
    let routes = template_routes();
    assert_eq!(routes.len(), 10, "{routes:?}");
    let mut from_template = BTreeSet::new();
    for (resource, method, path) in &routes {
        let method = http::Method::from_bytes(method.as_bytes()).unwrap();
        let route = atsi_api::route(&method, &sample(path))
            .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"));
        assert_eq!(owner(route.function()), resource, "{method} {path}");
        from_template.insert(format!("{:?}", std::mem::discriminant(&route)));
    }
    let mut from_events = BTreeSet::new();
    for (name, _) in EXPECTED {
        let req = lambda_http::request::from_str(&load(name).to_string()).unwrap();
        let api = atsi_api::lambda::to_api_request(req);
        let route = atsi_api::route(&api.method, &api.path).unwrap();
        assert_eq!(route.function(), function_of(name), "{name}");
        from_events.insert(format!("{:?}", std::mem::discriminant(&route)));
    }
    assert_eq!(
        from_template, from_events,
        "every template route has an event file, and no event is for a route the template lacks"
    );
}
