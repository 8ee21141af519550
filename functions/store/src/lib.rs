//! Ports for what atsi keeps, each shaped after one DynamoDB access pattern, and the
//! embedded adapters the local run uses (one on-disk redb file per data directory).

mod cached;
#[cfg(feature = "contract")]
pub mod contract;
mod embedded;
mod records;

pub use cached::CachedSecretStore;
pub use embedded::{EmbeddedSecretStore, EmbeddedStore};
pub use records::*;

use async_trait::async_trait;
use atsi_domain::EmployerId;
use atsi_domain::credentials::ApiKey;
use atsi_domain::greenhouse::JobPostId;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A conditional write lost: the record exists (or changed) already.
    #[error("the record already exists")]
    AlreadyExists,
    /// A conditional write found the record in another state than expected.
    #[error("the record changed meanwhile")]
    Conflict,
    /// A write that must find its record did not.
    #[error("the record does not exist")]
    Missing,
    #[error("storage failed: {0}")]
    Backend(String),
    #[error("stored record is unreadable: {0}")]
    Corrupt(String),
}

/// One item per employer. Access patterns: by id; all employers (the scheduled sync).
/// Writes are conditional on the revision the writer read.
#[async_trait]
pub trait EmployerStore: Send + Sync {
    async fn get(&self, id: &EmployerId) -> Result<Option<Employer>, StoreError>;
    /// Writes `employer` if the stored one has revision `expected` (`None`: there must be
    /// none); [`StoreError::Conflict`] otherwise.
    async fn put(&self, employer: &Employer, expected: Option<&str>) -> Result<(), StoreError>;
    /// Deletes the employer if its stored revision is `expected`: [`StoreError::Missing`]
    /// when there is none, [`StoreError::Conflict`] when it changed.
    async fn delete(&self, id: &EmployerId, expected: &str) -> Result<(), StoreError>;
    async fn list(&self) -> Result<Vec<Employer>, StoreError>;
}

/// Jobs partitioned by employer, sorted by job post id. Access patterns: one job; all
/// jobs of an employer (sync); open jobs of an employer (job boards).
#[async_trait]
pub trait JobStore: Send + Sync {
    async fn get(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
    ) -> Result<Option<JobRecord>, StoreError>;
    /// Writes the job unless the stored one was observed later ([`StoreError::Conflict`]).
    async fn put(&self, job: &JobRecord) -> Result<(), StoreError>;
    async fn list(&self, employer: &EmployerId) -> Result<Vec<JobRecord>, StoreError>;
    async fn list_open(&self, employer: &EmployerId) -> Result<Vec<JobRecord>, StoreError> {
        Ok(self
            .list(employer)
            .await?
            .into_iter()
            .filter(JobRecord::is_open)
            .collect())
    }
    /// Removes every job of the employer; answers how many.
    async fn delete_all(&self, employer: &EmployerId) -> Result<usize, StoreError>;
}

/// Every submission and its outcome. Access patterns: by application id; by
/// (employer, idempotency key), settled by a conditional write; by employer.
#[async_trait]
pub trait ApplicationLedger: Send + Sync {
    /// Records a new submission. Fails with [`StoreError::AlreadyExists`] when the id, or
    /// the employer's idempotency key, is taken.
    async fn create(&self, record: &ApplicationRecord) -> Result<(), StoreError>;
    /// Replaces a record whose stored status and attempt are `expected` (a conditional
    /// write: of two writers settling or retrying one application, one wins and the other
    /// gets [`StoreError::Conflict`]); [`StoreError::Missing`] if there is none. The
    /// idempotency key of a record never changes.
    async fn update(
        &self,
        record: &ApplicationRecord,
        expected: (ApplicationStatus, u32),
    ) -> Result<(), StoreError>;
    async fn get(&self, id: &str) -> Result<Option<ApplicationRecord>, StoreError>;
    async fn find_by_idempotency_key(
        &self,
        employer: &EmployerId,
        key: &str,
    ) -> Result<Option<ApplicationRecord>, StoreError>;
    async fn list_by_employer(
        &self,
        employer: &EmployerId,
    ) -> Result<Vec<ApplicationRecord>, StoreError>;
}

/// Employers' Greenhouse keys. Each stored key gets a new reference, kept on the employer.
#[async_trait]
pub trait SecretStore: Send + Sync {
    /// Stores `key` for `employer` under a new reference, and answers it.
    async fn create(&self, employer: &EmployerId, key: &ApiKey) -> Result<String, StoreError>;
    async fn get(&self, key_ref: &str) -> Result<Option<ApiKey>, StoreError>;
    /// True if there was one to delete.
    async fn delete(&self, key_ref: &str) -> Result<bool, StoreError>;
    /// Forgets any copy kept in memory, after Greenhouse refused the key.
    fn invalidate(&self, _key_ref: &str) {}
}
