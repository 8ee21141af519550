//! Greenhouse's Job Board API behind one trait, [`Greenhouse`], with one real adapter,
//! [`HttpGreenhouse`]. Tests and the local run point the same adapter at the stand-in.

mod classify;
mod http;

pub use atsi_domain::credentials::ApiKey;
pub use classify::{GreenhouseError, classify_submission};
pub use http::{GreenhouseConfig, HttpGreenhouse, KEY_PROBE_JOB_ID};

use async_trait::async_trait;
use atsi_domain::BoardToken;
use atsi_domain::greenhouse::{
    Board, EducationKind, EducationPage, JobDetail, JobPostId, JobSummary,
};
use serde_json::{Map, Value};

#[async_trait]
pub trait Greenhouse: Send + Sync {
    /// `GET /v1/boards/{token}`: proves the token names a live board.
    async fn board(&self, token: &BoardToken) -> Result<Board, GreenhouseError>;
    /// `GET /v1/boards/{token}/jobs`: every published post, unpaginated.
    async fn jobs(&self, token: &BoardToken) -> Result<Vec<JobSummary>, GreenhouseError>;
    /// `GET /v1/boards/{token}/jobs/{id}?questions=true&pay_transparency=true`.
    async fn job(
        &self,
        token: &BoardToken,
        job_id: JobPostId,
    ) -> Result<JobDetail, GreenhouseError>;
    /// `GET /v1/boards/{token}/education/{kind}?term=&page=`: the ids a board puts in
    /// `educations`.
    async fn education(
        &self,
        token: &BoardToken,
        kind: EducationKind,
        term: Option<&str>,
        page: u32,
    ) -> Result<EducationPage, GreenhouseError>;
    /// Checks a Job Board API key without creating a candidate: a POST to job post 0,
    /// which never exists. Greenhouse checks credentials first (401 for a bad key) and
    /// then answers 404 for the job (API.md §4.8, to confirm against a live sandbox).
    async fn verify_key(&self, token: &BoardToken, key: &ApiKey) -> Result<(), GreenhouseError>;
    /// `POST /v1/boards/{token}/jobs/{id}` with the employer's key; `Ok` only when
    /// Greenhouse said `success`.
    async fn submit(
        &self,
        token: &BoardToken,
        job_id: JobPostId,
        key: &ApiKey,
        body: &Map<String, Value>,
    ) -> Result<Submitted, GreenhouseError>;
}

/// Greenhouse's success answer. It carries no candidate id (API.md §4.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub status: u16,
    pub message: String,
}
