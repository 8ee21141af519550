//! Configuration read once per cold start. A missing or malformed setting stops the
//! start, not a request.

use atsi_domain::ValidationLimits;
use atsi_greenhouse::{GreenhouseConfig, HttpGreenhouse};
use atsi_service::{Services, Settings};
use atsi_store::{CachedSecretStore, EmbeddedSecretStore, EmbeddedStore};
use atsi_store_aws::{DynamoStore, SecretsManagerStore, TableNames};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreBackend {
    /// redb files under a data directory: the local run and tests.
    Embedded { data_dir: PathBuf },
    /// DynamoDB tables and Secrets Manager secrets: production. The SDK reads region,
    /// credentials and `AWS_ENDPOINT_URL*` from the environment.
    Aws {
        tables: TableNames,
        secret_prefix: String,
        key_cache: Duration,
    },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub store: StoreBackend,
    pub greenhouse: GreenhouseConfig,
    pub settings: Settings,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("could not start: {0}")]
    Startup(String),
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &'static str) -> Result<String, ConfigError> {
    var(name).ok_or(ConfigError::Invalid {
        name,
        reason: "must be set when ATSI_STORE is dynamodb".into(),
    })
}

fn number<T: std::str::FromStr>(name: &'static str) -> Result<Option<T>, ConfigError> {
    var(name)
        .map(|v| {
            v.trim().parse().map_err(|_| ConfigError::Invalid {
                name,
                reason: format!("{v:?} is not a number"),
            })
        })
        .transpose()
}

impl Config {
    /// Environment variables (the README lists them): `ATSI_STORE` (`embedded` or
    /// `dynamodb`), `ATSI_DATA_DIR`; with `dynamodb` the table names and the secret
    /// prefix, `ATSI_KEY_CACHE_SECS`; `GREENHOUSE_BASE_URL`, `GREENHOUSE_TIMEOUT_SECS`,
    /// `ATSI_MAX_ATTACHMENT_BYTES`, `ATSI_LEDGER_RETENTION_DAYS`.
    pub fn from_env() -> Result<Config, ConfigError> {
        let store = match var("ATSI_STORE").as_deref().unwrap_or("embedded") {
            "embedded" => StoreBackend::Embedded {
                data_dir: var("ATSI_DATA_DIR")
                    .unwrap_or_else(|| ".atsi-data".into())
                    .into(),
            },
            "dynamodb" => StoreBackend::Aws {
                tables: TableNames {
                    employers: required("ATSI_EMPLOYERS_TABLE")?,
                    jobs: required("ATSI_JOBS_TABLE")?,
                    applications: required("ATSI_APPLICATIONS_TABLE")?,
                },
                secret_prefix: required("ATSI_SECRET_PREFIX")?
                    .trim_end_matches('/')
                    .to_owned(),
                key_cache: Duration::from_secs(
                    number::<u64>("ATSI_KEY_CACHE_SECS")?.unwrap_or(300),
                ),
            },
            other => {
                return Err(ConfigError::Invalid {
                    name: "ATSI_STORE",
                    reason: format!("{other:?} is not a known store (embedded, dynamodb)"),
                });
            }
        };
        let base_url = var("GREENHOUSE_BASE_URL")
            .unwrap_or_else(|| GreenhouseConfig::PRODUCTION_BASE_URL.into());
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(ConfigError::Invalid {
                name: "GREENHOUSE_BASE_URL",
                reason: "must be an http(s) URL".into(),
            });
        }
        let mut greenhouse = GreenhouseConfig::new(base_url);
        if let Some(secs) = number::<u64>("GREENHOUSE_TIMEOUT_SECS")? {
            greenhouse.read_timeout = Duration::from_secs(secs);
            greenhouse.submit_timeout = Duration::from_secs(secs * 2);
        }
        let mut settings = Settings::default();
        if let Some(max) = number::<usize>("ATSI_MAX_ATTACHMENT_BYTES")? {
            settings.limits = ValidationLimits {
                max_attachment_bytes: max,
            };
        }
        if let Some(secs) = number::<u64>("ATSI_FORM_MAX_AGE_SECS")? {
            settings.form_max_age = Duration::from_secs(secs);
        }
        if let Some(secs) = number::<u64>("ATSI_SYNC_STALE_AFTER_SECS")? {
            settings.sync_stale_after = Duration::from_secs(secs);
        }
        if let Some(days) = number::<i64>("ATSI_LEDGER_RETENTION_DAYS")? {
            settings.ledger_retention_days = days;
        }
        Ok(Config {
            store,
            greenhouse,
            settings,
        })
    }
}

/// Every environment variable [`Config::from_env`] reads with `ATSI_STORE=dynamodb`, as
/// deployed; tests check that the template sets each of them for every function, and
/// that this list is what the code reads.
pub const ENVIRONMENT: &[&str] = &[
    "ATSI_STORE",
    "ATSI_EMPLOYERS_TABLE",
    "ATSI_JOBS_TABLE",
    "ATSI_APPLICATIONS_TABLE",
    "ATSI_SECRET_PREFIX",
    "ATSI_KEY_CACHE_SECS",
    "GREENHOUSE_BASE_URL",
    "GREENHOUSE_TIMEOUT_SECS",
    "ATSI_MAX_ATTACHMENT_BYTES",
    "ATSI_LEDGER_RETENTION_DAYS",
    "ATSI_FORM_MAX_AGE_SECS",
    "ATSI_SYNC_STALE_AFTER_SECS",
];

/// Read only by the embedded store (the local run).
pub const EMBEDDED_ENVIRONMENT: &[&str] = &["ATSI_DATA_DIR"];

/// Builds every adapter once. No network call happens here: the AWS SDK resolves
/// credentials on the first request.
pub async fn build_services(config: &Config) -> Result<Services, ConfigError> {
    let greenhouse = HttpGreenhouse::new(config.greenhouse.clone())
        .map_err(|e| ConfigError::Startup(e.to_string()))?;
    let greenhouse = Arc::new(greenhouse);
    match &config.store {
        StoreBackend::Embedded { data_dir } => {
            let store =
                EmbeddedStore::open(data_dir).map_err(|e| ConfigError::Startup(e.to_string()))?;
            let secrets = EmbeddedSecretStore::open(data_dir)
                .map_err(|e| ConfigError::Startup(e.to_string()))?;
            Ok(Services::over(
                Arc::new(store),
                Arc::new(secrets),
                greenhouse,
                config.settings,
            ))
        }
        StoreBackend::Aws {
            tables,
            secret_prefix,
            key_cache,
        } => {
            let conf = atsi_store_aws::aws_config().await;
            let store = Arc::new(DynamoStore::from_conf(&conf, tables.clone()));
            // A warm function serves keys from memory; a refused key is dropped at once.
            let secrets = CachedSecretStore::new(
                SecretsManagerStore::from_conf(&conf, secret_prefix.clone()),
                *key_cache,
            );
            Ok(Services::over(
                store,
                Arc::new(secrets),
                greenhouse,
                config.settings,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variables named in this file's reads are exactly the documented lists, so a
    /// new setting cannot be read without the template being checked for it.
    #[test]
    fn the_lists_name_every_variable_read() {
        let source = include_str!("config.rs");
        let code = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
        let mut read: Vec<&str> = Vec::new();
        for call in ["var(\"", "required(\"", ">(\""] {
            for piece in code.split(call).skip(1) {
                let name = piece.split('"').next().unwrap_or_default();
                if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !read.contains(&name)
                {
                    read.push(name);
                }
            }
        }
        read.sort_unstable();
        let mut listed: Vec<&str> = ENVIRONMENT
            .iter()
            .chain(EMBEDDED_ENVIRONMENT)
            .copied()
            .collect();
        listed.sort_unstable();
        assert_eq!(read, listed);
    }
}
