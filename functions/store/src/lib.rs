//! Ports for what atsi keeps, each shaped after one DynamoDB access pattern, and the
//! embedded adapters the local run uses (one on-disk redb file per data directory).

mod embedded;
mod records;

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
#[async_trait]
pub trait EmployerStore: Send + Sync {
    async fn get(&self, id: &EmployerId) -> Result<Option<Employer>, StoreError>;
    async fn put(&self, employer: &Employer) -> Result<(), StoreError>;
    /// True if there was one to delete.
    async fn delete(&self, id: &EmployerId) -> Result<bool, StoreError>;
    async fn list(&self) -> Result<Vec<Employer>, StoreError>;
}

/// Jobs partitioned by employer, sorted by job post id. Access patterns: one job; all
/// jobs of an employer (open ones are filtered from it).
#[async_trait]
pub trait JobStore: Send + Sync {
    async fn get(
        &self,
        employer: &EmployerId,
        job_id: JobPostId,
    ) -> Result<Option<JobRecord>, StoreError>;
    async fn put(&self, job: &JobRecord) -> Result<(), StoreError>;
    async fn list(&self, employer: &EmployerId) -> Result<Vec<JobRecord>, StoreError>;
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
    /// Replaces a record whose stored status is `expected` (a conditional write: of two
    /// writers settling one application, one wins and the other gets
    /// [`StoreError::Conflict`]); [`StoreError::Missing`] if there is none. The
    /// idempotency key of a record never changes.
    async fn update(
        &self,
        record: &ApplicationRecord,
        expected: ApplicationStatus,
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

/// Employers' Greenhouse keys, one secret per employer.
#[async_trait]
pub trait SecretStore: Send + Sync {
    async fn put(&self, employer: &EmployerId, key: &ApiKey) -> Result<(), StoreError>;
    async fn get(&self, employer: &EmployerId) -> Result<Option<ApiKey>, StoreError>;
    async fn delete(&self, employer: &EmployerId) -> Result<bool, StoreError>;
}
