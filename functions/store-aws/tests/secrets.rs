//! The Secrets Manager adapter against moto's server, which `./tests/run` starts and
//! names in `ATSI_TEST_MOTO_ENDPOINT`. Each test works under a prefix of its own, so
//! tests sharing one server never see each other's secrets.

use atsi_domain::EmployerId;
use atsi_domain::credentials::ApiKey;
use atsi_store::{CachedSecretStore, SecretStore};
use atsi_store_aws::SecretsManagerStore;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::Credentials;
use std::time::Duration;

async fn client() -> Client {
    let endpoint = std::env::var("ATSI_TEST_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "ATSI_TEST_MOTO_ENDPOINT is not set: run ./tests/run, which starts moto \
             (the AWS adapters' tests never skip)"
        )
    });
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    Client::new(&conf)
}

fn unique_prefix() -> String {
    format!("atsi/test-{}/greenhouse", uuid::Uuid::now_v7())
}

fn employer(raw: &str) -> EmployerId {
    EmployerId::parse(raw).expect("valid employer id")
}

async fn store() -> (SecretsManagerStore, Client, String) {
    let client = client().await;
    let prefix = unique_prefix();
    (
        SecretsManagerStore::new(client.clone(), prefix.as_str()),
        client,
        prefix,
    )
}

#[tokio::test]
async fn passes_the_secret_store_contract() {
    let (store, _, _) = store().await;
    atsi_store::contract::secrets(&store).await;
}

#[tokio::test]
async fn secrets_are_named_and_tagged_under_the_prefix() {
    let (store, client, prefix) = store().await;
    let key_ref = store
        .create(&employer("northwind-uk"), &ApiKey::new("nw-secret-key"))
        .await
        .expect("create");

    let rest = key_ref
        .strip_prefix(&format!("{prefix}/northwind-uk/"))
        .unwrap_or_else(|| panic!("{key_ref} is not <prefix>/<employer>/<uuid>"));
    let id = uuid::Uuid::parse_str(rest).expect("the last segment is a uuid");
    assert_eq!(id.get_version_num(), 7, "{key_ref}");

    // The reference is the secret's name; its value is the raw key, and its tag names
    // the employer.
    let described = client
        .describe_secret()
        .secret_id(&key_ref)
        .send()
        .await
        .expect("describe");
    assert_eq!(described.name(), Some(key_ref.as_str()));
    let tags: Vec<(&str, &str)> = described
        .tags()
        .iter()
        .map(|t| (t.key().unwrap_or(""), t.value().unwrap_or("")))
        .collect();
    assert!(
        tags.contains(&("atsi:employer", "northwind-uk")),
        "{tags:?}"
    );
    let value = client
        .get_secret_value()
        .secret_id(&key_ref)
        .send()
        .await
        .expect("get value");
    assert_eq!(value.secret_string(), Some("nw-secret-key"));

    // Two keys of one employer get two names.
    let second = store
        .create(&employer("northwind-uk"), &ApiKey::new("nw-secret-key-2"))
        .await
        .expect("create");
    assert_ne!(key_ref, second);
}

#[tokio::test]
async fn a_deleted_secret_is_scheduled_not_destroyed() {
    let (store, client, _) = store().await;
    let key_ref = store
        .create(&employer("acme"), &ApiKey::new("acme-key"))
        .await
        .expect("create");
    assert!(store.delete(&key_ref).await.expect("delete"));
    let described = client
        .describe_secret()
        .secret_id(&key_ref)
        .send()
        .await
        .expect("still described within its recovery window");
    assert!(described.deleted_date().is_some());
    assert!(store.get(&key_ref).await.expect("get").is_none());
    assert!(!store.delete(&key_ref).await.expect("delete again"));
}

#[tokio::test]
async fn never_deletes_outside_its_prefix() {
    let (store, client, _) = store().await;
    // A secret of someone else, in the same account, reachable by name.
    let foreign = format!("{}/northwind/not-ours", unique_prefix());
    client
        .create_secret()
        .name(&foreign)
        .secret_string("someone-else's-secret")
        .send()
        .await
        .expect("create foreign secret");

    assert!(!store.delete(&foreign).await.expect("delete"));
    assert!(store.get(&foreign).await.expect("get").is_none());

    let described = client
        .describe_secret()
        .secret_id(&foreign)
        .send()
        .await
        .expect("the foreign secret still exists");
    assert!(
        described.deleted_date().is_none(),
        "the foreign secret was scheduled for deletion"
    );
    let value = client
        .get_secret_value()
        .secret_id(&foreign)
        .send()
        .await
        .expect("still readable");
    assert_eq!(value.secret_string(), Some("someone-else's-secret"));
}

#[tokio::test]
async fn errors_never_carry_the_key() {
    // A server that is not there: create fails, and its error says why without the key.
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url("http://127.0.0.1:9")
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let store = SecretsManagerStore::from_conf(&conf, unique_prefix());
    let err = store
        .create(&employer("northwind"), &ApiKey::new("do-not-print-me"))
        .await
        .expect_err("nothing listens on port 9");
    let printed = format!("{err} {err:?}");
    assert!(
        matches!(err, atsi_store::StoreError::Backend(_)),
        "{printed}"
    );
    assert!(!printed.contains("do-not-print-me"), "{printed}");
}

#[tokio::test]
async fn a_cached_store_over_secrets_manager_reads_correctly() {
    let (inner, client, _) = store().await;
    let store = CachedSecretStore::new(inner, Duration::from_secs(60));
    let key_ref = store
        .create(&employer("northwind"), &ApiKey::new("cached-key"))
        .await
        .expect("create");
    for _ in 0..2 {
        let got = store.get(&key_ref).await.expect("get").expect("present");
        assert_eq!(got.expose(), "cached-key");
    }
    // Invalidated, it reads Secrets Manager again and still finds the key.
    store.invalidate(&key_ref);
    let got = store.get(&key_ref).await.expect("get").expect("present");
    assert_eq!(got.expose(), "cached-key");

    assert!(store.delete(&key_ref).await.expect("delete"));
    assert!(store.get(&key_ref).await.expect("get").is_none());
    // Really deleted (scheduled), not only forgotten by the cache.
    let described = client
        .describe_secret()
        .secret_id(&key_ref)
        .send()
        .await
        .expect("describe");
    assert!(described.deleted_date().is_some());

    atsi_store::contract::secrets(&CachedSecretStore::new(
        SecretsManagerStore::new(client, unique_prefix()),
        Duration::from_secs(60),
    ))
    .await;
}

#[tokio::test]
async fn a_refused_delete_is_a_backend_error_saying_why() {
    let (store, client, prefix) = store().await;
    let key_ref = store
        .create(&employer("acme"), &ApiKey::new("acme-key"))
        .await
        .expect("create");
    // Secrets Manager accepts recovery windows of 7 to 30 days only.
    let impatient = SecretsManagerStore::new(client, prefix).with_recovery_window_days(3);
    let err = impatient
        .delete(&key_ref)
        .await
        .expect_err("window refused");
    let atsi_store::StoreError::Backend(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("InvalidParameterException"), "{message}");
    assert!(message.contains(&key_ref), "{message}");
    assert!(message.contains("request id"), "{message}");
    // The error's text, not the raw HTTP exchange.
    assert!(!message.contains("SdkBody"), "{message}");
    // Not deleted, and not mistaken for "already gone".
    assert_eq!(
        store
            .get(&key_ref)
            .await
            .expect("get")
            .map(|k| k.expose().to_owned()),
        Some("acme-key".to_owned())
    );
}
