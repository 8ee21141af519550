//! atsi's use cases over the ports: register an employer, sync its jobs, serve forms and
//! deliver applications. Knows nothing of HTTP or Lambda; `atsi-api` adapts it.

mod apply;
mod error;
pub mod metrics;
mod register;
mod sync;

pub use apply::{ApplicationView, ApplyReceipt, JobListing};
pub use error::{ErrorKind, ServiceError};
pub use register::{EmployerStatus, FirstSync, RegisterInput, Registered};
pub use sync::SyncReport;

use atsi_domain::ValidationLimits;
use atsi_greenhouse::Greenhouse;
use atsi_store::{ApplicationLedger, EmployerStore, JobStore, SecretStore};
use std::sync::Arc;

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub limits: ValidationLimits,
    /// How long ledger records are kept before they expire (the DynamoDB TTL).
    pub ledger_retention_days: i64,
    /// A job's questions older than this are fetched again before a form is served or an
    /// application checked.
    pub form_max_age: std::time::Duration,
    /// An employer without a successful sync for this long needs an operator.
    pub sync_stale_after: std::time::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            limits: ValidationLimits::default(),
            ledger_retention_days: 90,
            form_max_age: std::time::Duration::from_secs(15 * 60),
            sync_stale_after: std::time::Duration::from_secs(2 * 60 * 60),
        }
    }
}

/// Everything a use case needs, built once per cold start and shared by reference.
#[derive(Clone)]
pub struct Services {
    pub employers: Arc<dyn EmployerStore>,
    pub jobs: Arc<dyn JobStore>,
    pub ledger: Arc<dyn ApplicationLedger>,
    pub secrets: Arc<dyn SecretStore>,
    pub greenhouse: Arc<dyn Greenhouse>,
    pub settings: Settings,
    /// Samples of the current invocation; the adapter drains them into EMF lines.
    pub metrics: Arc<metrics::MetricsRecorder>,
}

impl Services {
    /// Services over one store that keeps employers, jobs and the ledger together (both
    /// adapters do).
    pub fn over<S>(
        store: Arc<S>,
        secrets: Arc<dyn SecretStore>,
        greenhouse: Arc<dyn Greenhouse>,
        settings: Settings,
    ) -> Self
    where
        S: EmployerStore + JobStore + ApplicationLedger + 'static,
    {
        Services {
            employers: store.clone(),
            jobs: store.clone(),
            ledger: store,
            secrets,
            greenhouse,
            settings,
            metrics: Default::default(),
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
