//! The store ports' contract, run against the embedded (redb) adapters.
//!
//! The checks live in `mod contract` and only see `&dyn` ports, so a later adapter (DynamoDB,
//! Secrets Manager) can run the very same functions and be held to the same behaviour. The
//! embedded-only properties (file mode, surviving a restart) are plain tests below it.

use atsi_store::contract;
use atsi_store::{EmbeddedSecretStore, EmbeddedStore};
use tempfile::TempDir;

fn data_dir() -> TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[tokio::test]
async fn embedded_employers() {
    let dir = data_dir();
    contract::employers(&EmbeddedStore::open(dir.path()).expect("open")).await;
}

#[tokio::test]
async fn embedded_jobs() {
    let dir = data_dir();
    contract::jobs(&EmbeddedStore::open(dir.path()).expect("open")).await;
}

#[tokio::test]
async fn embedded_ledger() {
    let dir = data_dir();
    contract::ledger(&EmbeddedStore::open(dir.path()).expect("open")).await;
}

#[tokio::test]
async fn embedded_ledger_idempotency_race() {
    let dir = data_dir();
    contract::ledger_idempotency_race(&EmbeddedStore::open(dir.path()).expect("open")).await;
}

#[tokio::test]
async fn embedded_secrets() {
    let dir = data_dir();
    contract::secrets(&EmbeddedSecretStore::open(dir.path()).expect("open")).await;
}

#[cfg(unix)]
#[test]
fn secrets_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = data_dir();
    let mode = |dir: &TempDir| {
        std::fs::metadata(dir.path().join("secrets.redb"))
            .expect("secrets file exists")
            .permissions()
            .mode()
            & 0o777
    };
    drop(EmbeddedSecretStore::open(dir.path()).expect("open"));
    assert_eq!(mode(&dir), 0o600);

    // Reopening tightens a file someone loosened, rather than trusting it.
    std::fs::set_permissions(
        dir.path().join("secrets.redb"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    drop(EmbeddedSecretStore::open(dir.path()).expect("reopen"));
    assert_eq!(mode(&dir), 0o600);
}

#[test]
fn stores_create_a_missing_data_dir_and_keep_secrets_in_their_own_file() {
    let dir = data_dir();
    let nested = dir.path().join("deeper/still");
    let _store = EmbeddedStore::open(&nested).expect("open");
    let _secrets = EmbeddedSecretStore::open(&nested).expect("open secrets");
    assert!(nested.join("atsi.redb").is_file());
    assert!(nested.join("secrets.redb").is_file());
}

#[tokio::test]
async fn a_restart_loses_nothing() {
    use atsi_domain::credentials::ApiKey;
    use atsi_store::{ApplicationLedger, EmployerStore, JobStore, SecretStore};

    let dir = data_dir();
    let employer = contract::employer("northwind");
    let job = contract::job("northwind", 4_012_345_001);
    let app = contract::application("app-1", "northwind", Some("idem-1"));
    let key_ref;
    {
        let store = EmbeddedStore::open(dir.path()).expect("open");
        let secrets = EmbeddedSecretStore::open(dir.path()).expect("open secrets");
        EmployerStore::put(&store, &employer, None)
            .await
            .expect("employer");
        JobStore::put(&store, &job).await.expect("job");
        store.create(&app).await.expect("application");
        key_ref = SecretStore::create(&secrets, &employer.id, &ApiKey::new("nw-secret"))
            .await
            .expect("secret");
        // Clones share one database handle; all of them must go for the file to close.
        let clone = store.clone();
        drop(store);
        drop(clone);
        drop(secrets);
    }

    let store = EmbeddedStore::open(dir.path()).expect("reopen");
    let secrets = EmbeddedSecretStore::open(dir.path()).expect("reopen secrets");
    let id = contract::id("northwind");
    assert_eq!(
        EmployerStore::get(&store, &id).await.expect("employer"),
        Some(employer)
    );
    assert_eq!(
        JobStore::get(&store, &id, 4_012_345_001)
            .await
            .expect("job"),
        Some(job)
    );
    assert_eq!(
        ApplicationLedger::get(&store, "app-1")
            .await
            .expect("application"),
        Some(app.clone())
    );
    // The idempotency index is durable too, or a retry after a restart would be let in
    // as a second candidate.
    assert_eq!(
        store
            .find_by_idempotency_key(&id, "idem-1")
            .await
            .expect("find"),
        Some(app.clone())
    );
    let mut retry = app;
    retry.id = "app-2".into();
    assert!(matches!(
        store.create(&retry).await,
        Err(atsi_store::StoreError::AlreadyExists)
    ));

    let key = SecretStore::get(&secrets, &key_ref)
        .await
        .expect("secret")
        .expect("present");
    assert_eq!(key.expose(), "nw-secret");
    let printed = format!("{key:?}");
    assert!(!printed.contains("nw-secret"), "{printed}");
}
