//! The store contract: one suite every adapter of a port must pass, the embedded ones
//! and the AWS ones alike.
//!
//! Each function expects a store holding no data (a fresh directory or table), because
//! list results are compared exactly.

use crate::{
    ApplicationLedger, ApplicationRecord, ApplicationStatus, CredentialState, Employer,
    EmployerStore, JobRecord, JobStatus, JobStore, SecretStore, StoreError, SyncOutcome,
};
use atsi_domain::credentials::ApiKey;
use atsi_domain::greenhouse::{JobDetail, JobPostId};
use atsi_domain::{BoardToken, EmployerId};
use serde_json::{Value, json};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../infra/fixtures/boards/northwindtraders.json"
);

pub fn id(raw: &str) -> EmployerId {
    EmployerId::parse(raw).expect("valid employer id")
}

pub fn employer(raw: &str) -> Employer {
    Employer {
        id: id(raw),
        board_token: BoardToken::parse("northwindtraders").expect("token"),
        board_name: Some("Northwind Traders".into()),
        key_fingerprint: "sha256:0123456789ab".into(),
        key_ref: format!("{raw}/key-1"),
        revision: "rev-1".into(),
        credentials: CredentialState::Valid,
        registered_at: "2026-01-05T09:00:00Z".into(),
        updated_at: "2026-01-05T09:00:00Z".into(),
        last_sync: None,
        last_successful_sync_at: None,
        last_error: None,
    }
}

/// A real job as Greenhouse serves it, so the stored detail exercises every nested
/// shape (questions, select values of both types, pay ranges, raw JSON departments).
pub fn detail(job_id: JobPostId) -> JobDetail {
    let text = std::fs::read_to_string(FIXTURE).expect("fixture readable");
    let board: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let mut detail: JobDetail =
        serde_json::from_value(board["jobs"][0].clone()).expect("fixture job is a detail");
    detail.summary.id = job_id;
    detail
}

pub fn job(employer: &str, job_id: JobPostId) -> JobRecord {
    JobRecord {
        employer_id: id(employer),
        job_id,
        observed_at: 1_000,
        status: JobStatus::Open,
        closed_at: None,
        fetched_at: "2026-01-05T09:00:00Z".into(),
        detail: detail(job_id),
    }
}

pub fn application(
    app_id: &str,
    employer: &str,
    idempotency_key: Option<&str>,
) -> ApplicationRecord {
    let Value::Object(payload) = json!({
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "resume_content": {"bytes": 1234, "sha256": "ab12"},
        "question_7100000003": [9_100_000_001_u64],
    }) else {
        unreachable!("literal is an object")
    };
    ApplicationRecord {
        id: app_id.into(),
        employer_id: id(employer),
        job_id: 4_012_345_001,
        board_token: BoardToken::parse("northwindtraders").expect("token"),
        idempotency_key: idempotency_key.map(str::to_owned),
        received_at: "2026-01-05T09:00:00Z".into(),
        status: ApplicationStatus::Pending,
        attempt: 1,
        attempt_at: None,
        completed_at: None,
        outcome: None,
        greenhouse_status: None,
        payload,
        payload_sha256: Some("cafe".into()),
        expires_at: 1_800_000_000,
    }
}

fn ids(records: &[ApplicationRecord]) -> Vec<&str> {
    let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

fn job_ids(records: &[JobRecord]) -> Vec<JobPostId> {
    records.iter().map(|r| r.job_id).collect()
}

pub async fn employers(store: &dyn EmployerStore) {
    assert_eq!(store.get(&id("northwind")).await.expect("get"), None);
    assert!(store.list().await.expect("list").is_empty());

    let nw = employer("northwind");
    store.put(&nw, None).await.expect("put");
    assert_eq!(
        store.get(&id("northwind")).await.expect("get"),
        Some(nw.clone())
    );
    // Creating what exists, or writing from a stale read, loses.
    assert!(matches!(
        store.put(&nw, None).await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        store.put(&nw, Some("rev-0")).await,
        Err(StoreError::Conflict)
    ));

    // Sync outcomes and credential state are recorded by conditional overwrite.
    let mut changed = nw.clone();
    changed.revision = "rev-2".into();
    changed.credentials = CredentialState::Invalid {
        since: "2026-01-06T10:00:00Z".into(),
    };
    changed.last_sync = Some(SyncOutcome {
        at: "2026-01-06T10:00:00Z".into(),
        ok: false,
        added: 1,
        updated: 2,
        closed: 3,
        open_jobs: 4,
        error: Some("Greenhouse is unavailable".into()),
    });
    changed.last_successful_sync_at = Some("2026-01-05T10:00:00Z".into());
    changed.last_error = Some("boom".into());
    store.put(&changed, Some("rev-1")).await.expect("overwrite");
    assert_eq!(
        store.get(&id("northwind")).await.expect("get"),
        Some(changed.clone())
    );

    let acme = employer("acme");
    store.put(&acme, None).await.expect("put");
    let mut listed = store.list().await.expect("list");
    listed.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(listed, vec![acme.clone(), changed]);

    // A delete names the revision it saw: a stale one loses and deletes nothing.
    assert!(matches!(
        store.delete(&id("northwind"), "rev-1").await,
        Err(StoreError::Conflict)
    ));
    store
        .delete(&id("northwind"), "rev-2")
        .await
        .expect("delete");
    assert!(matches!(
        store.delete(&id("northwind"), "rev-2").await,
        Err(StoreError::Missing)
    ));
    assert_eq!(store.get(&id("northwind")).await.expect("get"), None);
    assert_eq!(store.list().await.expect("list"), vec![acme]);
}

pub async fn jobs(store: &dyn JobStore) {
    assert_eq!(store.get(&id("a"), 1).await.expect("get"), None);

    let record = job("a", 4_012_345_001);
    store.put(&record).await.expect("put");
    assert_eq!(
        store.get(&id("a"), 4_012_345_001).await.expect("get"),
        Some(record.clone())
    );

    let mut closed = record.clone();
    closed.status = JobStatus::Closed;
    closed.closed_at = Some("2026-01-07T00:00:00Z".into());
    closed.observed_at = 2_000;
    store.put(&closed).await.expect("overwrite");
    let got = store.get(&id("a"), 4_012_345_001).await.expect("get");
    assert_eq!(got.as_ref().map(JobRecord::is_open), Some(false));
    assert_eq!(got, Some(closed.clone()));
    // A sync that looked at Greenhouse before the close cannot reopen the job.
    let mut stale = record.clone();
    stale.observed_at = 1_500;
    assert!(matches!(store.put(&stale).await, Err(StoreError::Conflict)));
    assert_eq!(
        store.get(&id("a"), 4_012_345_001).await.expect("get"),
        Some(closed)
    );

    // Inserted out of order, with ids of different digit counts, so a lexicographic
    // sort key would list 10 before 9 and 100 before 4012345001.
    for job_id in [10, 9, u64::MAX, 6_106_073_003, 100] {
        store.put(&job("a", job_id)).await.expect("put");
    }
    // Neighbours of "a" on both sides of its key range: '-' sorts before the '/'
    // separator, 'b' and '_' after, and "a0" sits exactly on the range's upper bound.
    for neighbour in ["a-b", "ab", "a_b", "a0", "A"] {
        store.put(&job(neighbour, 9)).await.expect("put");
        store.put(&job(neighbour, 77)).await.expect("put");
    }

    assert_eq!(
        job_ids(&store.list(&id("a")).await.expect("list")),
        [9, 10, 100, 4_012_345_001, 6_106_073_003, u64::MAX]
    );
    assert_eq!(
        job_ids(&store.list_open(&id("a")).await.expect("list_open")),
        [9, 10, 100, 6_106_073_003, u64::MAX],
        "the closed job is not open"
    );
    for neighbour in ["a-b", "ab", "a_b", "a0", "A"] {
        let listed = store.list(&id(neighbour)).await.expect("list");
        assert_eq!(job_ids(&listed), [9, 77], "{neighbour}");
        assert!(listed.iter().all(|j| j.employer_id == id(neighbour)));
    }
    assert!(store.list(&id("nobody")).await.expect("list").is_empty());
    // Same job id under two employers stays two records.
    assert_eq!(
        store
            .get(&id("ab"), 9)
            .await
            .expect("get")
            .map(|j| j.employer_id),
        Some(id("ab"))
    );

    assert_eq!(store.delete_all(&id("a")).await.expect("delete_all"), 6);
    assert!(store.list(&id("a")).await.expect("list").is_empty());
    assert_eq!(store.get(&id("a"), 9).await.expect("get"), None);
    for neighbour in ["a-b", "ab", "a_b", "a0", "A"] {
        assert_eq!(
            job_ids(&store.list(&id(neighbour)).await.expect("list")),
            [9, 77],
            "{neighbour} survived a's delete_all"
        );
    }
    assert_eq!(store.delete_all(&id("a")).await.expect("delete_all"), 0);
    assert_eq!(store.delete_all(&id("ab")).await.expect("delete_all"), 2);
}

pub async fn ledger(store: &dyn ApplicationLedger) {
    assert_eq!(store.get("app-1").await.expect("get"), None);
    let nw = id("northwind");

    let first = application("app-1", "northwind", Some("idem-1"));
    store.create(&first).await.expect("create");
    assert_eq!(store.get("app-1").await.expect("get"), Some(first.clone()));

    // Same id, otherwise different: refused, and the stored record is untouched.
    let mut same_id = application("app-1", "northwind", Some("idem-other"));
    same_id.status = ApplicationStatus::Delivered;
    assert!(matches!(
        store.create(&same_id).await,
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(store.get("app-1").await.expect("get"), Some(first.clone()));
    // The refused create must not have reserved its idempotency key either.
    assert_eq!(
        store
            .find_by_idempotency_key(&nw, "idem-other")
            .await
            .expect("find"),
        None
    );

    // Same (employer, idempotency key) under a new id: the retry of one application.
    let retry = application("app-2", "northwind", Some("idem-1"));
    assert!(matches!(
        store.create(&retry).await,
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(store.get("app-2").await.expect("get"), None);
    assert_eq!(
        store
            .find_by_idempotency_key(&nw, "idem-1")
            .await
            .expect("find"),
        Some(first.clone())
    );

    // Idempotency keys are scoped to their employer.
    let other = application("app-3", "acme", Some("idem-1"));
    store
        .create(&other)
        .await
        .expect("other employer, same key");
    assert_eq!(
        store
            .find_by_idempotency_key(&id("acme"), "idem-1")
            .await
            .expect("find"),
        Some(other.clone())
    );
    assert_eq!(
        store
            .find_by_idempotency_key(&nw, "idem-1")
            .await
            .expect("find"),
        Some(first.clone())
    );
    assert_eq!(
        store
            .find_by_idempotency_key(&id("nobody"), "idem-1")
            .await
            .expect("find"),
        None
    );

    // Records without a key never collide with each other.
    store
        .create(&application("app-4", "northwind", None))
        .await
        .expect("no key");
    store
        .create(&application("app-5", "northwind", None))
        .await
        .expect("no key");

    let mut delivered = first.clone();
    delivered.status = ApplicationStatus::Delivered;
    delivered.completed_at = Some("2026-01-05T09:00:02Z".into());
    delivered.outcome = Some("delivered".into());
    delivered.greenhouse_status = Some(200);
    store
        .update(&delivered, (ApplicationStatus::Pending, 1))
        .await
        .expect("update");
    // A second settlement expecting the old state loses.
    let mut late = delivered.clone();
    late.status = ApplicationStatus::Failed;
    late.outcome = Some("greenhouse_unavailable".into());
    assert!(matches!(
        store.update(&late, (ApplicationStatus::Pending, 1)).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.get("app-1").await.expect("get"),
        Some(delivered.clone())
    );
    // The idempotency lookup reads the record, not a copy taken at create time.
    assert_eq!(
        store
            .find_by_idempotency_key(&nw, "idem-1")
            .await
            .expect("find"),
        Some(delivered)
    );
    // A settler that read another attempt loses, whatever the status.
    let mut racing = application("app-attempts", "elsewhere", None);
    store.create(&racing).await.expect("create");
    racing.status = ApplicationStatus::Failed;
    assert!(matches!(
        store.update(&racing, (ApplicationStatus::Pending, 2)).await,
        Err(StoreError::Conflict)
    ));
    store
        .update(&racing, (ApplicationStatus::Pending, 1))
        .await
        .expect("the attempt it read");
    // An update never creates: a record must exist to settle.
    assert!(matches!(
        store
            .update(
                &application("app-never-created", "northwind", None),
                (ApplicationStatus::Pending, 1)
            )
            .await,
        Err(StoreError::Missing)
    ));
    assert_eq!(store.get("app-never-created").await.expect("get"), None);

    assert_eq!(
        ids(&store.list_by_employer(&nw).await.expect("list")),
        ["app-1", "app-4", "app-5"]
    );
    assert_eq!(
        ids(&store.list_by_employer(&id("acme")).await.expect("list")),
        ["app-3"]
    );
    assert!(
        store
            .list_by_employer(&id("nobody"))
            .await
            .expect("list")
            .is_empty()
    );
}

/// Two submissions of one application racing: the conditional write lets exactly one
/// in. (The embedded adapter serializes writers; a remote adapter really races here.)
pub async fn ledger_idempotency_race(store: &dyn ApplicationLedger) {
    let a = application("race-a", "racer", Some("same-key"));
    let b = application("race-b", "racer", Some("same-key"));
    let (ra, rb) = tokio::join!(store.create(&a), store.create(&b));
    let winners = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
    assert_eq!(winners, 1, "{ra:?} {rb:?}");
    assert!(
        matches!(ra, Err(StoreError::AlreadyExists))
            || matches!(rb, Err(StoreError::AlreadyExists))
    );
    let winner = if ra.is_ok() { a } else { b };
    assert_eq!(
        store
            .find_by_idempotency_key(&id("racer"), "same-key")
            .await
            .expect("find"),
        Some(winner)
    );
    assert_eq!(
        store
            .list_by_employer(&id("racer"))
            .await
            .expect("list")
            .len(),
        1
    );
}

pub async fn secrets(store: &dyn SecretStore) {
    let nw = id("northwind");
    assert!(store.get("northwind/none").await.expect("get").is_none());

    let first = store
        .create(&nw, &ApiKey::new("nw-key-1"))
        .await
        .expect("create");
    let acme = store
        .create(&id("acme"), &ApiKey::new("acme-key"))
        .await
        .expect("create");
    let read = |r: Option<ApiKey>| r.map(|k| k.expose().to_owned());
    assert_eq!(
        read(store.get(&first).await.expect("get")),
        Some("nw-key-1".to_owned())
    );

    // Rotation stores the new key under a new reference; the old one stays readable
    // until it is deleted, so a request holding it is never left without a key.
    let second = store
        .create(&nw, &ApiKey::new("nw-key-2"))
        .await
        .expect("rotate");
    assert_ne!(first, second);
    let rotated = store.get(&second).await.expect("get").expect("present");
    assert_eq!(rotated.fingerprint(), ApiKey::new("nw-key-2").fingerprint());
    assert_eq!(
        read(store.get(&first).await.expect("get")),
        Some("nw-key-1".to_owned())
    );
    assert_eq!(
        read(store.get(&acme).await.expect("get")),
        Some("acme-key".to_owned())
    );

    // A key read back is as redacted as one built in memory.
    let printed = format!("{rotated:?} {:?}", store.get(&second).await.expect("get"));
    assert!(!printed.contains("nw-key-2"), "{printed}");

    assert!(store.delete(&first).await.expect("delete"));
    assert!(!store.delete(&first).await.expect("delete again"));
    assert!(store.get(&first).await.expect("get").is_none());
    assert!(store.get(&second).await.expect("get").is_some());
    assert!(store.get(&acme).await.expect("get").is_some());
}
