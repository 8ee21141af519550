//! The main job on the AWS adapters (DynamoDB on moto and on DynamoDB Local, Secrets
//! Manager on moto), and the races that conditional writes must settle.

use atsi_store_aws::testing::Emulator;
use atsi_tests::*;
use http::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const RUST_JOB: u64 = 4_012_345_001;

fn submission() -> Value {
    json!({
        "answers": {
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada.lovelace@example.com",
            "question_7100000002": 1, "question_7100000003": [9100000001u64],
            "location": "London, United Kingdom", "latitude": "51.5072", "longitude": "-0.1276"
        },
        "attachments": {"resume": {"filename": "cv.docx", "content_base64": b64(&resume_docx())}},
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    })
}

fn board_job(index: usize) -> Value {
    let board: Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("boards/northwindtraders.json")).unwrap(),
    )
    .unwrap();
    board["jobs"][index].clone()
}

async fn main_job(emulator: Emulator) {
    let h = Harness::start_aws(emulator).await;
    let (status, registered) = h.register("northwind", "northwindtraders").await;
    assert_eq!(status, 201, "{registered}");
    assert_eq!(
        registered["first_sync"]["report"]["added"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let (_, jobs) = h
        .call(Method::GET, "/v1/employers/northwind/jobs", None)
        .await;
    assert_eq!(
        jobs["jobs"].as_array().unwrap().len(),
        6,
        "open jobs come from the sparse index"
    );

    let key = [("Idempotency-Key", "aws-1")];
    let path = format!("/v1/employers/northwind/jobs/{RUST_JOB}/applications");
    let (status, receipt) = h
        .call_with(Method::POST, &path, Some(&submission()), &key)
        .await;
    assert_eq!(status, 201, "{receipt}");
    let (status, again) = h
        .call_with(Method::POST, &path, Some(&submission()), &key)
        .await;
    assert_eq!(
        (status, &again["application_id"]),
        (200, &receipt["application_id"])
    );
    let got = h.deliveries();
    assert_eq!(got.len(), 1, "sent once");
    let fixture_key = fixture_key("northwindtraders");
    assert_eq!(
        got[0].authorization.as_deref(),
        Some(format!("Basic {}", b64(format!("{fixture_key}:").as_bytes())).as_str())
    );
    assert_eq!(
        b64_decode(got[0].body["resume_content"].as_str().unwrap()),
        resume_docx()
    );

    // A job removed at Greenhouse closes on the next sync; applying then answers 410.
    assert!(h.standin.remove_job("northwindtraders", RUST_JOB));
    let (_, report) = h
        .call(Method::POST, "/v1/employers/northwind/sync", None)
        .await;
    assert_eq!(report["closed"], json!([RUST_JOB]));
    let (status, body) = h.call(Method::POST, &path, Some(&submission())).await;
    assert_eq!((status, error_of(&body).0), (410, Some("job_closed")));

    let (status, view) = h
        .call(
            Method::GET,
            &format!(
                "/v1/employers/northwind/applications/{}",
                receipt["application_id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!((status, view["status"].as_str()), (200, Some("delivered")));
    let (status, _) = h
        .call(Method::DELETE, "/v1/employers/northwind", None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        h.call(Method::GET, "/v1/employers/northwind/jobs", None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn the_main_job_on_moto() {
    main_job(Emulator::Moto).await;
}

#[tokio::test]
async fn the_main_job_on_dynamodb_local() {
    main_job(Emulator::DynamoDbLocal).await;
}

#[tokio::test]
async fn two_concurrent_syncs_of_one_employer_leave_consistent_state() {
    let h = Harness::start_aws(Emulator::Moto).await;
    assert_eq!(h.register("northwind", "northwindtraders").await.0, 201);
    // Greenhouse changes: one job closes, one changes its questions, one is new.
    h.standin.remove_job("northwindtraders", RUST_JOB);
    let mut changed = board_job(1);
    changed["updated_at"] = json!("2026-12-02T08:00:00Z");
    changed["questions"][7]["required"] = json!(true);
    h.standin.upsert_job("northwindtraders", changed);
    let mut added = board_job(2);
    added["id"] = json!(4_012_345_099u64);
    h.standin.upsert_job("northwindtraders", added);

    let sync = || h.call(Method::POST, "/v1/employers/northwind/sync", None);
    let (a, b) = tokio::join!(sync(), sync());
    for (status, body) in [&a, &b] {
        assert!(*status == 200 || *status == 409, "{status} {body}");
    }
    let id = atsi_domain::EmployerId::parse("northwind").unwrap();
    let open: BTreeSet<u64> = h
        .services
        .jobs
        .list_open(&id)
        .await
        .unwrap()
        .iter()
        .map(|j| j.job_id)
        .collect();
    let listed_now = [
        4_012_345_002u64,
        4_012_345_003,
        4_012_345_004,
        4_012_345_005,
        4_012_345_006,
        4_012_345_099,
    ];
    assert_eq!(
        open,
        BTreeSet::from(listed_now),
        "open exactly what Greenhouse lists"
    );
    let all = h.services.jobs.list(&id).await.unwrap();
    let closed: Vec<u64> = all
        .iter()
        .filter(|j| !j.is_open())
        .map(|j| j.job_id)
        .collect();
    assert_eq!(closed, vec![RUST_JOB]);
    let warehouse = all.iter().find(|j| j.job_id == 4_012_345_002).unwrap();
    assert!(
        warehouse.detail.questions[7].required,
        "the changed questions are stored"
    );
    let employer = h.services.employers.get(&id).await.unwrap().unwrap();
    assert_eq!(employer.last_sync.map(|s| s.ok), Some(true));
}

/// Secret names under the harness's prefix, straight from Secrets Manager.
async fn secret_names(prefix_of: &str) -> Vec<String> {
    let conf = atsi_store_aws::testing::config(&Emulator::Moto.endpoint()).await;
    let client = aws_sdk_secretsmanager::Client::new(&conf);
    let listed = client.list_secrets().max_results(100).send().await.unwrap();
    listed
        .secret_list()
        .iter()
        .filter_map(|s| s.name())
        .filter(|n| n.starts_with(prefix_of))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_registration_racing_a_removal_leaves_consistent_state() {
    let h = Harness::start_aws(Emulator::Moto).await;
    let id = atsi_domain::EmployerId::parse("northwind").unwrap();
    for round in 0..6 {
        if h.services.employers.get(&id).await.unwrap().is_none() {
            assert_eq!(
                h.register("northwind", "northwindtraders").await.0,
                201,
                "round {round}"
            );
        }
        let register = h.register("northwind", "northwindtraders");
        let remove = h.call(Method::DELETE, "/v1/employers/northwind", None);
        let ((put, put_body), (delete, delete_body)) = tokio::join!(register, remove);
        assert!(
            [200, 201, 409].contains(&put),
            "round {round}: {put} {put_body}"
        );
        assert!(
            [204, 404, 409].contains(&delete),
            "round {round}: {delete} {delete_body}"
        );

        // Either the employer is there with its key, or neither is, nor any job.
        match h.services.employers.get(&id).await.unwrap() {
            Some(e) => {
                let key = h.services.secrets.get(&e.key_ref).await.unwrap();
                assert!(key.is_some(), "round {round}: employer without its key");
            }
            None => {
                assert!(
                    h.services.jobs.list(&id).await.unwrap().is_empty(),
                    "round {round}: jobs outlived the employer"
                );
            }
        }
    }
    // No key is left behind that no employer points to.
    if let Some(key_ref) = h
        .services
        .employers
        .get(&id)
        .await
        .unwrap()
        .map(|e| e.key_ref)
    {
        let prefix = key_ref.rsplit_once('/').unwrap().0.to_owned();
        assert_eq!(secret_names(&prefix).await, vec![key_ref]);
    }
}

#[test]
fn the_template_sets_every_variable_the_code_reads_for_every_function() {
    let path = std::env::var("ATSI_TEST_TABLES_JSON")
        .expect("run ./tests/run: it derives the template's facts");
    let facts: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let functions = facts["function_environment"]
        .as_object()
        .expect("function_environment");
    assert_eq!(functions.len(), 3, "{functions:?}");
    for (function, env) in functions {
        let set: Vec<&str> = env
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for name in atsi_api::ENVIRONMENT {
            assert!(set.contains(name), "{function} does not set {name}");
        }
        for name in atsi_api::EMBEDDED_ENVIRONMENT {
            assert!(!set.contains(name), "{function} sets the local-only {name}");
        }
    }
}
