//! Operators learn of failures from CloudWatch: the functions' EMF records under injected
//! Greenhouse failures, the health listing, and the consistency between the metrics the
//! code emits and the ones template.yaml's alarms and dashboard refer to.

use atsi_tests::*;
use greenhouse_standin::{Fault, FaultKind, FaultTarget};
use http::Method;
use serde_json::{Value, json};
use std::time::Duration;

const RUST_JOB: u64 = 4_012_345_001;

fn submission() -> Value {
    json!({
        "answers": {
            "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
            "question_7100000002": 1, "question_7100000003": [9100000001u64],
            "location": "Berlin, Germany", "latitude": "52.52", "longitude": "13.405"
        },
        "attachments": {"resume": {"filename": "cv.pdf", "content_base64": "SGVsbG8sIHdvcmxkIQo="}},
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    })
}

/// The least for the General Application (prospect) post.
fn general_application() -> Value {
    json!({
        "answers": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "resume_text": "cv"},
        "data_compliance": {"gdpr_processing_consent_given": true, "gdpr_retention_consent_given": true}
    })
}

/// The sum of a metric over the emitted records matching `function` (and `class`).
fn total(h: &Harness, function: &str, name: &str, class: Option<&str>) -> f64 {
    h.emitted
        .lock()
        .unwrap()
        .iter()
        .filter(|d| d["Function"] == function && class.is_none_or(|c| d["Class"] == c))
        .filter_map(|d| match &d[name] {
            Value::Number(n) => n.as_f64(),
            Value::Array(values) => Some(values.len() as f64),
            _ => None,
        })
        .sum()
}

/// A day in the life with everything going wrong once: what an operator must be told.
async fn troubled_day() -> Harness {
    let mut h = Harness::start().await;
    h.services.settings.sync_stale_after = Duration::from_secs(3600);
    assert_eq!(h.register("northwind", "northwindtraders").await.0, 201);
    assert_eq!(h.register("acme", "acmeanvils").await.0, 201);
    // Delivered.
    assert_eq!(h.apply("northwind", RUST_JOB, &submission()).await.0, 201);
    // Refused by validation.
    let mut invalid = submission();
    invalid["answers"]["email"] = json!("nope");
    assert_eq!(h.apply("northwind", RUST_JOB, &invalid).await.0, 422);
    // Greenhouse down, then slow.
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::Status {
            status: 503,
            body: None,
        },
    ));
    assert_eq!(h.apply("northwind", RUST_JOB, &submission()).await.0, 503);
    h.standin
        .push_fault(Fault::once(FaultTarget::Post, FaultKind::Timeout));
    assert_eq!(h.apply("northwind", RUST_JOB, &submission()).await.0, 503);
    // The employer revoked its key.
    h.standin.push_fault(Fault::once(
        FaultTarget::Post,
        FaultKind::Status {
            status: 401,
            body: Some("HTTP Basic: Access denied.".into()),
        },
    ));
    assert_eq!(h.apply("northwind", RUST_JOB, &submission()).await.0, 502);
    // Greenhouse refuses one (its own check), says the job is gone, answers garbage.
    let gh = |status: u16, body: &str| {
        Fault::once(
            FaultTarget::Post,
            FaultKind::Status {
                status,
                body: Some(body.into()),
            },
        )
    };
    h.standin
        .push_fault(gh(422, r#"{"status":422,"error":"Invalid phone"}"#));
    assert_eq!(h.apply("northwind", RUST_JOB, &submission()).await.0, 422);
    h.standin.push_fault(gh(200, "<html>maintenance</html>"));
    assert_eq!(h.apply("northwind", RUST_JOB, &submission()).await.0, 502);
    h.standin
        .push_fault(gh(404, r#"{"status":404,"error":"Job not found"}"#));
    assert_eq!(
        h.apply("northwind", 4_012_345_006, &general_application())
            .await
            .0,
        410
    );
    // A registration whose first sync fails: the board and key checks pass, the list does not.
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Delay { millis: 0 },
    ));
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Status {
            status: 503,
            body: None,
        },
    ));
    let (status, body) = h.register("acme-eu", "acmeanvils").await;
    assert_eq!(
        (status, body["first_sync"]["status"].as_str()),
        (201, Some("failed"))
    );
    // A sync that cannot reach Greenhouse.
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Status {
            status: 503,
            body: None,
        },
    ));
    assert_eq!(
        h.call(Method::POST, "/v1/employers/acme/sync", None)
            .await
            .0,
        503
    );
    // Acme's board stops answering: its scheduled syncs fail from now on, and after an
    // hour without a successful one it is stale.
    let mut acme = h
        .services
        .employers
        .get(&atsi_domain::EmployerId::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let read = acme.revision.clone();
    acme.last_successful_sync_at = Some("2026-01-01T00:00:00Z".into());
    acme.revision = "stale".into();
    h.services.employers.put(&acme, Some(&read)).await.unwrap();
    // The schedule syncs employers in id order: acme's list call meets the outage.
    h.standin.push_fault(Fault::once(
        FaultTarget::Get,
        FaultKind::Status {
            status: 503,
            body: None,
        },
    ));
    let out = h.scheduled_sync().await;
    assert_eq!(out["employers"], 3, "{out}");
    h
}

#[tokio::test]
async fn injected_failures_emit_the_records_that_trip_the_failure_alarms() {
    let h = troubled_day().await;
    // DeliveryFailuresAlarm: ApplicationsFailed{Function=apply} >= 1.
    assert_eq!(
        total(&h, "apply", "ApplicationsFailed", None),
        4.0,
        "503, timeout, 401, garbage"
    );
    assert_eq!(total(&h, "apply", "ApplicationsDelivered", None), 1.0);
    // RejectionRateAlarm reads rejected against delivered.
    assert_eq!(
        total(&h, "apply", "ApplicationsRejected", None),
        3.0,
        "ours, Greenhouse's, job gone"
    );
    assert_eq!(total(&h, "apply", "ApplicationsReceived", None), 8.0);
    // CredentialsRefusedAlarm.
    assert_eq!(total(&h, "apply", "CredentialsInvalid", None), 1.0);
    for (class, n) in [
        ("success", 1.0),
        ("unavailable", 1.0),
        ("timeout", 1.0),
        ("invalid_key", 1.0),
        ("rejected", 1.0),
        ("not_found", 1.0),
        ("malformed", 1.0),
    ] {
        assert_eq!(
            total(&h, "apply", "GreenhouseResponses", Some(class)),
            n,
            "{class}"
        );
    }
    let latencies: usize = h
        .emitted
        .lock()
        .unwrap()
        .iter()
        .filter(|d| d["Function"] == "apply")
        .map(|d| match &d["DeliveryLatency"] {
            Value::Array(v) => v.len(),
            Value::Number(_) => 1,
            _ => 0,
        })
        .sum();
    assert_eq!(latencies, 7, "one latency per POST");
    // Syncs: three first syncs at registration (one failed), the failed on-demand one, the
    // three scheduled ones (acme's failed).
    assert_eq!(total(&h, "register", "SyncsRun", None), 3.0);
    assert_eq!(total(&h, "register", "SyncsFailed", None), 1.0);
    assert_eq!(total(&h, "register", "JobsAdded", None), 9.0);
    assert_eq!(total(&h, "sync", "SyncsRun", None), 4.0);
    assert_eq!(total(&h, "sync", "SyncsFailed", None), 2.0);
    // StaleSyncAlarm and EmployersWithInvalidCredentialsAlarm, from the schedule.
    assert_eq!(total(&h, "sync", "EmployersStale", None), 1.0);
    assert_eq!(
        total(&h, "sync", "EmployersWithInvalidCredentials", None),
        1.0
    );
    // No unbounded dimension: only Function, and Class on Greenhouse responses.
    for doc in h.emitted.lock().unwrap().iter() {
        let dims = &doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0];
        assert!(
            dims == &json!(["Function"]) || dims == &json!(["Function", "Class"]),
            "{doc}"
        );
        assert!(!doc.to_string().contains("ada@example.com"));
    }
}

#[tokio::test]
async fn the_operator_api_lists_employers_that_need_attention() {
    let h = troubled_day().await;
    let (status, all) = h.call(Method::GET, "/v1/employers", None).await;
    assert_eq!(status, 200);
    assert_eq!(all["employers"].as_array().unwrap().len(), 3);
    let (_, attention) = h
        .call(Method::GET, "/v1/employers?attention=true", None)
        .await;
    let listed: Vec<(&str, Vec<&str>)> = attention["employers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["employer_id"].as_str().unwrap(),
                e["attention"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("acme", vec!["sync_stale"]),
            ("northwind", vec!["credentials_invalid"])
        ]
    );
    let (_, northwind) = h.call(Method::GET, "/v1/employers/northwind", None).await;
    assert_eq!(
        (
            northwind["credentials"]["state"].as_str(),
            &northwind["attention"]
        ),
        (Some("invalid"), &json!(["credentials_invalid"]))
    );
    // Rotating the key clears it.
    assert_eq!(h.register("northwind", "northwindtraders").await.0, 200);
    let (_, attention) = h
        .call(Method::GET, "/v1/employers?attention=true", None)
        .await;
    assert_eq!(attention["employers"].as_array().unwrap().len(), 1);
}

/// Every metric an alarm or the dashboard refers to is emitted with the same namespace,
/// name, dimension names and values. Renaming a metric on either side fails this test.
#[tokio::test]
async fn every_metric_the_alarms_and_dashboard_use_is_emitted_as_they_expect_it() {
    let path = std::env::var("ATSI_TEST_TABLES_JSON")
        .expect("run ./tests/run: it derives the template's metric references");
    let facts: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let references = facts["metric_references"]
        .as_array()
        .expect("metric_references");
    assert!(references.len() >= 10, "{references:?}");
    let h = troubled_day().await;
    let emitted = h.emitted.lock().unwrap().clone();
    let catalogue: Vec<&str> = atsi_service::metrics::Metric::ALL
        .iter()
        .map(|m| m.name())
        .collect();
    for reference in references {
        let name = reference["name"].as_str().unwrap();
        assert!(
            catalogue.contains(&name),
            "{reference}: not a metric the code knows"
        );
        let dims = reference["dimensions"].as_object().unwrap();
        let found = emitted.iter().any(|doc| {
            let meta = &doc["_aws"]["CloudWatchMetrics"][0];
            let declared: Vec<&str> = meta["Dimensions"][0]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            meta["Namespace"] == "atsi"
                && meta["Metrics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m["Name"] == name)
                && declared.len() == dims.len()
                && dims
                    .iter()
                    .all(|(k, v)| declared.contains(&k.as_str()) && &doc[k] == v)
        });
        assert!(found, "{reference} is never emitted with these dimensions");
    }
}
