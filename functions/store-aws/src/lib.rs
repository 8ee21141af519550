//! AWS adapters for atsi's ports: the employer, job and application stores on DynamoDB
//! (`dynamo`), employers' keys in Secrets Manager (`secrets`). Clients are built once per
//! cold start from the environment, without any network call.

mod dynamo;
mod secrets;
#[cfg(feature = "testing")]
pub mod testing;

pub use dynamo::{DynamoStore, TableNames};
pub use secrets::SecretsManagerStore;

/// The SDK configuration from the environment (region, credentials, `AWS_ENDPOINT_URL*`).
/// Credentials are resolved lazily, on the first call, so a cold start stays offline.
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await
}
