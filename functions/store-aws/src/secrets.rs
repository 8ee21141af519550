//! Employers' Greenhouse keys in AWS Secrets Manager: one secret per stored key, named
//! `<prefix>/<employer id>/<uuid v7>`, holding the raw key as its `SecretString`.
//!
//! A key is never logged or put into an error by this adapter: errors carry the secret's
//! name and what Secrets Manager said, never a request or a response body. (The SDK
//! itself logs whole request and response bodies at TRACE level under
//! `aws_smithy_runtime`, which would include the key: the log filter must never enable
//! that target at TRACE.)

use async_trait::async_trait;
use atsi_domain::EmployerId;
use atsi_domain::credentials::ApiKey;
use atsi_store::{SecretStore, StoreError};
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::http::HttpResponse;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_secretsmanager::operation::RequestId;
use aws_sdk_secretsmanager::types::Tag;

/// The tag every secret carries, naming its employer, so an operator (or an IAM
/// condition) can find an employer's secrets without parsing names.
const EMPLOYER_TAG: &str = "atsi:employer";

/// Stores each key as its own secret. Secrets are never updated in place: a rotation
/// creates a new one, so a reference always names the same key for as long as it exists.
#[derive(Clone, Debug)]
pub struct SecretsManagerStore {
    client: Client,
    prefix: String,
    recovery_window_days: i64,
}

impl SecretsManagerStore {
    /// Days a deleted secret stays recoverable, unless told otherwise: Secrets Manager's
    /// minimum, so a key deleted by mistake (a wrong rotation) can still be restored.
    pub const DEFAULT_RECOVERY_WINDOW_DAYS: i64 = 7;

    /// `prefix` is the namespace of atsi's secrets, e.g. `atsi/prod/greenhouse` (a
    /// trailing `/` is ignored). It is also the fence for deletes and reads: a reference
    /// outside it is never sent to AWS.
    pub fn new(client: Client, prefix: impl Into<String>) -> Self {
        let mut prefix = prefix.into();
        while prefix.ends_with('/') {
            prefix.pop();
        }
        Self {
            client,
            prefix,
            recovery_window_days: Self::DEFAULT_RECOVERY_WINDOW_DAYS,
        }
    }

    /// A client built from `conf` (no network call until the first request).
    pub fn from_conf(conf: &aws_config::SdkConfig, prefix: impl Into<String>) -> Self {
        Self::new(Client::new(conf), prefix)
    }

    /// The recovery window of deletes; Secrets Manager accepts 7 to 30 days and refuses a
    /// delete with any other value.
    pub fn with_recovery_window_days(mut self, days: i64) -> Self {
        self.recovery_window_days = days;
        self
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether `key_ref` names a secret of ours. Anything else (another application's
    /// secret, an ARN, a reference from the embedded store) is treated as absent, so a
    /// bad reference on an employer record can never make this adapter read or delete
    /// a secret it did not create.
    fn owns(&self, key_ref: &str) -> bool {
        key_ref
            .strip_prefix(self.prefix.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty())
    }
}

/// A failed call as a [`StoreError::Backend`]: the operation, the secret's name, the
/// SDK's account of the failure (service code and message, timeout, connection error)
/// and AWS's request id. Throttling and timeouts land here too: the SDK has already
/// retried them.
///
/// The message is built from the errors' `Display` only. `DisplayErrorContext` is not
/// used, because it appends the error's `Debug`, which includes the raw HTTP response
/// and its body.
fn backend<E>(operation: &str, key_ref: &str, err: &SdkError<E, HttpResponse>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let detail = match err {
        // The body of a response that failed to parse may be a GetSecretValue answer
        // holding the key, and the JSON parser's message can quote a character of it:
        // only the fact is kept.
        SdkError::ResponseError(_) => "the response could not be read".to_owned(),
        // Code and message, also for codes the SDK does not model (whose `Display`
        // shows only the code).
        SdkError::ServiceError(service) => {
            let e = service.err();
            format!(
                "{}: {}",
                e.code().unwrap_or("unknown error"),
                e.message().unwrap_or("no message")
            )
        }
        _ => {
            let mut chain = err.to_string();
            let mut source = std::error::Error::source(err);
            while let Some(cause) = source {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                source = cause.source();
            }
            chain
        }
    };
    let request = err
        .request_id()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default();
    StoreError::Backend(format!(
        "Secrets Manager {operation} of {key_ref} failed: {detail}{request}"
    ))
}

#[async_trait]
impl SecretStore for SecretsManagerStore {
    async fn create(&self, employer: &EmployerId, key: &ApiKey) -> Result<String, StoreError> {
        // Employer ids are letters, digits, '-' and '_', all legal in a secret name. The
        // name ends in the uuid's 12-digit group, never in '-' and six characters, which
        // Secrets Manager could mistake for the suffix of a partial ARN.
        let name = format!(
            "{}/{}/{}",
            self.prefix,
            employer.as_str(),
            uuid::Uuid::now_v7()
        );
        // The SDK fills in ClientRequestToken, so its own retry of a create that timed
        // out after landing answers the same secret instead of a conflict.
        let sent = self
            .client
            .create_secret()
            .name(&name)
            .description(format!(
                "Greenhouse Job Board API key of employer {}",
                employer.as_str()
            ))
            .secret_string(key.expose())
            .tags(
                Tag::builder()
                    .key(EMPLOYER_TAG)
                    .value(employer.as_str())
                    .build(),
            )
            .send()
            .await;
        match sent {
            Ok(_) => Ok(name),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_exists_exception()) =>
            {
                Err(StoreError::AlreadyExists)
            }
            Err(err) => Err(backend("CreateSecret", &name, &err)),
        }
    }

    async fn get(&self, key_ref: &str) -> Result<Option<ApiKey>, StoreError> {
        if !self.owns(key_ref) {
            return Ok(None);
        }
        match self
            .client
            .get_secret_value()
            .secret_id(key_ref)
            .send()
            .await
        {
            Ok(out) => match out.secret_string {
                Some(value) if !value.is_empty() => Ok(Some(ApiKey::new(value))),
                _ => Err(StoreError::Corrupt(format!(
                    "secret {key_ref} holds no key string"
                ))),
            },
            Err(err) => match err.as_service_error() {
                Some(e) if e.is_resource_not_found_exception() => Ok(None),
                // What GetSecretValue answers for a secret scheduled for deletion: it is
                // gone as far as atsi is concerned (only an operator restores it).
                Some(e) if e.is_invalid_request_exception() => Ok(None),
                _ => Err(backend("GetSecretValue", key_ref, &err)),
            },
        }
    }

    async fn delete(&self, key_ref: &str) -> Result<bool, StoreError> {
        if !self.owns(key_ref) {
            tracing::warn!(
                key_ref,
                prefix = %self.prefix,
                "refusing to delete a secret outside atsi's prefix"
            );
            return Ok(false);
        }
        let sent = self
            .client
            .delete_secret()
            .secret_id(key_ref)
            .recovery_window_in_days(self.recovery_window_days)
            .send()
            .await;
        let err = match sent {
            Ok(_) => return Ok(true),
            Err(err) => err,
        };
        match err.as_service_error() {
            Some(e) if e.is_resource_not_found_exception() => Ok(false),
            // Deleting a secret already scheduled for deletion is an InvalidRequest; so
            // are other refusals (a replicated secret, a managed one), which must not
            // pass for "already gone". The secret's own state tells them apart.
            Some(e) if e.is_invalid_request_exception() => {
                if self.scheduled_for_deletion(key_ref).await? {
                    Ok(false)
                } else {
                    Err(backend("DeleteSecret", key_ref, &err))
                }
            }
            _ => Err(backend("DeleteSecret", key_ref, &err)),
        }
    }
}

impl SecretsManagerStore {
    /// True if the secret exists and is scheduled for deletion (or no longer exists).
    async fn scheduled_for_deletion(&self, key_ref: &str) -> Result<bool, StoreError> {
        match self
            .client
            .describe_secret()
            .secret_id(key_ref)
            .send()
            .await
        {
            Ok(out) => Ok(out.deleted_date().is_some()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                Ok(true)
            }
            Err(err) => Err(backend("DescribeSecret", key_ref, &err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(prefix: &str) -> SecretsManagerStore {
        let conf = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
            .region(aws_sdk_secretsmanager::config::Region::new("eu-west-1"))
            .build();
        SecretsManagerStore::new(Client::from_conf(conf), prefix)
    }

    #[test]
    fn owns_only_names_strictly_under_the_prefix() {
        let s = store("atsi/prod/greenhouse/");
        assert_eq!(s.prefix(), "atsi/prod/greenhouse");
        assert!(s.owns("atsi/prod/greenhouse/northwind/0192f3a1"));
        for outside in [
            "atsi/prod/greenhouse",
            "atsi/prod/greenhouse/",
            "atsi/prod/greenhouse-other/northwind/x",
            "atsi/prod/greenhous/x",
            "other/atsi/prod/greenhouse/x",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:atsi/prod/greenhouse/x",
            "northwind/none",
            "",
        ] {
            assert!(!s.owns(outside), "{outside}");
        }
    }

    #[tokio::test]
    async fn refs_outside_the_prefix_never_reach_aws() {
        // No endpoint and no credentials: any call that reached the SDK would fail.
        let s = store("atsi/test");
        assert!(s.get("elsewhere/x").await.expect("get").is_none());
        assert!(!s.delete("elsewhere/x").await.expect("delete"));
    }
}
